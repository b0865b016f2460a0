"""Les règles des demandes : ouverture et routage, fil (messages, réponses rapides, notes, invitations,
réorientation, clôture, réouverture), lectures, demandes en attente.

Chaque écriture passe par ce module : il vérifie le droit d'agir (`guichet.permissions`), ajoute un
élément au fil, recopie l'état du fil sur la demande (`Demande.appliquer_fil`), écrit le journal
d'audit (sans donnée personnelle) et programme les notifications après la validation de la transaction.
"""

import contextvars
import uuid
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from guichet import permissions
from guichet.activite import services as activite
from guichet.activite.models import Accompagnement, Resultat
from guichet.chiffrement import enregistrer_chiffre, supprimer_fichier
from guichet.demandes import permissions as permissions_demandes
from guichet.demandes import taches
from guichet.demandes.destinataires import (
    operateurs_avec_referent,
)
from guichet.demandes.models import (
    Cote,
    Demande,
    Lecture,
    Message,
    Nature,
    NotificationEnAttente,
    OperateurInvite,
    PieceJointe,
    Utilite,
)
from guichet.journal.services import journaliser
from guichet.mandats import services as services_mandats


class ActionImpossible(Exception):
    """Une action refusée par les règles du fil (message en français, affichable tel quel)."""


class AucunReferent(ActionImpossible):
    """L'opérateur n'a aucun référent dans le département : la demande ne partirait vers personne."""

    def __init__(self, operateur, departement):
        self.operateur, self.departement = operateur, departement
        super().__init__(
            f"Aucun référent {operateur.de_nom} pour {departement} : la demande ne peut pas lui être envoyée."
        )


def _exiger_referent(operateur, departement):
    if operateur.pk not in operateurs_avec_referent(departement):
        raise AucunReferent(operateur, departement)


_silence = contextvars.ContextVar("demandes_sans_notification", default=False)


@contextmanager
def sans_notification():
    """Le temps du bloc, aucune notification n'est programmée (données de démonstration, reprises)."""
    jeton = _silence.set(True)
    try:
        yield
    finally:
        _silence.reset(jeton)


def _notifier_apres_validation(demande_id, evenement, operateur_id=None):
    """Inscrit l'événement (dans la transaction de l'action) et programme l'envoi après le délai de
    regroupement : d'autres événements de la même demande d'ici là partiront dans le même courriel."""
    if _silence.get():
        return
    NotificationEnAttente.objects.create(demande_id=demande_id, evenement=evenement, operateur_id=operateur_id)
    transaction.on_commit(lambda: taches.programmer_notification(demande_id))


# Pièces jointes


def _enregistrer_pieces(message, pieces, stockes):
    """`pieces` : [(fichier, nom assaini, type)] déjà vérifiés ; `stockes` reçoit les noms de stockage."""
    for fichier, nom, type_mime in pieces:
        fichier.seek(0)
        contenu = fichier.read()
        nom_stocke = enregistrer_chiffre(contenu, nom)
        stockes.append(nom_stocke)
        PieceJointe.objects.create(
            message=message, nom=nom, type_mime=type_mime, taille=len(contenu), fichier=nom_stocke
        )


class _FichiersOrphelins:
    """Efface les fichiers chiffrés déjà écrits si la transaction échoue."""

    def __init__(self):
        self.stockes = []

    def __enter__(self):
        return self.stockes

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for nom in self.stockes:
                supprimer_fichier(nom)
        return False


# Ouverture


def _compter_accompagnement(auteur, structure, operateur, objet, accompagnement):
    """L'accompagnement que prolonge la demande : celui de la saisie s'il est à l'auteur, sinon il est
    enregistré ici (« Transmis au back-office ») par le même chemin idempotent que la saisie : une
    demande renvoyée, ou ouverte depuis la saisie, ne compte jamais l'accompagnement deux fois."""
    identifiant = accompagnement["id"]
    existant = Accompagnement.objects.filter(pk=identifiant).first()
    if existant is not None:
        return existant if existant.agent_id == auteur.pk else None
    item = {
        "id": str(identifiant),
        "structure": structure.pk,
        "operateur": operateur.code,
        "demarche": objet.code if objet is not None and objet.operateur_id == operateur.pk else None,
        "canal": activite.canal_par_defaut(structure, activite.Suggestions(scores={})),
        "type_aide": accompagnement.get("type_aide"),
        "resultat": Resultat.BACK_OFFICE,
        "duree": accompagnement.get("duree"),
    }
    try:
        activite.enregistrer_lot(auteur, [item])
    except activite.LotInvalide as erreur:
        raise ActionImpossible(f"L'accompagnement n'a pas pu être compté : {erreur.erreurs[0].message}") from erreur
    return Accompagnement.objects.get(pk=identifiant)


def accompagnement_saisi(auteur, identifiant) -> bool:
    """Vrai si l'accompagnement `identifiant` est déjà enregistré par `auteur` (la demande vient de la saisie)."""
    try:
        identifiant = uuid.UUID(str(identifiant))
    except ValueError:
        return False
    return Accompagnement.objects.filter(pk=identifiant, agent=auteur).exists()


def ouvrir_demande(
    *, auteur, structure, operateur, donnees: dict, pieces=(), accompagnement=None, maintenant=None
) -> Demande:
    """Crée la demande et l'envoie aux référents de l'opérateur du département de la structure.

    Refuse (AucunReferent) si l'opérateur n'a aucun référent dans ce département : jamais d'envoi dans le vide.
    `accompagnement` ({"id", "type_aide", "duree"}) : l'accompagnement compté avec la demande (voir
    `_compter_accompagnement`).
    """
    if not permissions.structures_de_l_agent(auteur).filter(pk=structure.pk).exists():
        raise PermissionDenied
    departement = structure.commune.departement
    _exiger_referent(operateur, departement)
    maintenant = maintenant or timezone.now()
    with _FichiersOrphelins() as stockes, transaction.atomic():
        if accompagnement is not None:
            donnees = {
                **donnees,
                "accompagnement": _compter_accompagnement(
                    auteur, structure, operateur, donnees.get("objet"), accompagnement
                ),
            }
        demande = Demande(
            structure=structure,
            departement=departement,
            auteur=auteur,
            operateur_initial=operateur,
            envoyee_le=maintenant,
            **donnees,
        )
        demande.save()
        if demande.mandat_id is not None:
            _agir_sous_mandat(demande, auteur, structure, operateur)
        message = Message.objects.create(
            demande=demande, auteur=auteur, cote=Cote.AGENT, nature=Nature.ENVOI, cree_le=maintenant
        )
        _enregistrer_pieces(message, pieces, stockes)
        journaliser(
            auteur,
            "creation",
            demande,
            {"operateur": operateur.code, "departement": departement.code, "pieces_jointes": len(pieces)},
        )
        _notifier_apres_validation(demande.pk, "nouvelle")
    return demande


def _agir_sous_mandat(demande, auteur, structure, operateur) -> None:
    """La demande envoyée sous un mandat enregistré : le mandat est de la structure, valide, et couvre l'opérateur
    et la démarche ; sinon rien n'est envoyé (ActionImpossible, avec la raison). L'usage est journalisé."""
    if demande.mandat.structure_id != structure.pk:
        raise ActionImpossible("Ce mandat n'a pas été recueilli dans cette France services.")
    try:
        services_mandats.utiliser(
            demande.mandat, auteur=auteur, operateur=operateur, demarche=demande.objet, objet=demande
        )
    except services_mandats.MandatRefuse as refus:
        raise ActionImpossible(str(refus)) from refus


# Le fil


def _ajouter(demande, auteur, nature, *, cote, corps="", interne=False, pieces=(), maintenant=None, **champs):
    maintenant = maintenant or timezone.now()
    with _FichiersOrphelins() as stockes, transaction.atomic():
        # Verrou : deux actions simultanées sur la même demande s'appliquent l'une après l'autre.
        Demande.objects.select_for_update().filter(pk=demande.pk).first()
        operateur_id = permissions_demandes.operateur_du_referent(auteur, demande) if cote == Cote.REFERENT else None
        message = Message.objects.create(
            demande=demande,
            auteur=auteur,
            cote=cote,
            operateur_id=operateur_id,
            nature=nature,
            corps=corps or None,
            interne=interne,
            cree_le=maintenant,
            **champs,
        )
        _enregistrer_pieces(message, pieces, stockes)
        demande.appliquer_fil()
        journaliser(
            auteur,
            "modification",
            demande,
            {"nature": nature, "cote": cote, "interne": interne, "pieces_jointes": len(pieces)},
        )
    return message


def _cote(auteur, demande):
    cote = permissions_demandes.cote_dans_demande(auteur, demande)
    if cote is None:
        raise PermissionDenied
    if demande.donnees_effacees:
        raise ActionImpossible("Les données de cette demande ont été effacées : elle ne peut plus changer.")
    return cote


def _exiger_ouverte(demande):
    if demande.cloturee_le is not None:
        raise ActionImpossible("La demande est clôturée : rouvrez-la pour écrire de nouveau.")


def ecrire(demande, auteur, corps, *, interne=False, pieces=(), maintenant=None) -> Message:
    """Un message de l'agent ou d'un référent ; une note interne n'est possible que côté opérateur."""
    cote = _cote(auteur, demande)
    _exiger_ouverte(demande)
    if interne and cote != Cote.REFERENT:
        raise PermissionDenied
    message = _ajouter(
        demande, auteur, Nature.MESSAGE, cote=cote, corps=corps, interne=interne, pieces=pieces, maintenant=maintenant
    )
    if not interne:
        _notifier_apres_validation(demande.pk, "message_agent" if cote == Cote.AGENT else "message_referent")
    return message


def _exiger_referent_de(demande, auteur):
    cote = _cote(auteur, demande)
    if cote != Cote.REFERENT:
        raise PermissionDenied
    _exiger_ouverte(demande)


def prendre_en_charge(demande, auteur, *, maintenant=None) -> Message:
    """Réponse rapide « Je m'en occupe »."""
    _exiger_referent_de(demande, auteur)
    message = _ajouter(demande, auteur, Nature.JE_M_EN_OCCUPE, cote=Cote.REFERENT, maintenant=maintenant)
    _notifier_apres_validation(demande.pk, "message_referent")
    return message


def marquer_traitee(demande, auteur, corps="", *, maintenant=None) -> Message:
    """Réponse rapide « Traitée » : l'agent n'a plus qu'à clôturer. Elle porte toujours un message à
    l'agent (ce qui a été fait) : un clic seul ne dit rien à l'agent et ne compterait pas comme réponse."""
    _exiger_referent_de(demande, auteur)
    if not (corps or "").strip():
        raise ActionImpossible("Écrivez à l'agent ce qui a été fait : « Traitée » sans message ne lui répond pas.")
    message = _ajouter(demande, auteur, Nature.TRAITEE, cote=Cote.REFERENT, corps=corps, maintenant=maintenant)
    _notifier_apres_validation(demande.pk, "message_referent")
    return message


def rerouter(demande, auteur, operateur, corps="", *, maintenant=None) -> Message:
    """« Pas le bon interlocuteur » : la demande part aux référents de `operateur` dans le même département."""
    _exiger_referent_de(demande, auteur)
    if not permissions_demandes.peut_rerouter(auteur, demande):
        raise PermissionDenied
    if operateur.pk == demande.operateur_id:
        raise ActionImpossible("La demande est déjà adressée à cet opérateur.")
    _exiger_referent(operateur, demande.departement)
    message = _ajouter(
        demande,
        auteur,
        Nature.PAS_LE_BON_INTERLOCUTEUR,
        cote=Cote.REFERENT,
        corps=corps,
        operateur_cible=operateur,
        maintenant=maintenant,
    )
    _notifier_apres_validation(demande.pk, "nouvelle")
    _notifier_apres_validation(demande.pk, "message_referent")
    return message


def inviter(demande, auteur, operateur, *, maintenant=None) -> Message:
    """Invite les référents d'un autre opérateur (même département) dans le fil."""
    _exiger_referent_de(demande, auteur)
    if operateur.pk == demande.operateur_id or demande.invitations.filter(operateur=operateur).exists():
        raise ActionImpossible(f"Les référents {operateur.de_nom} suivent déjà cette demande.")
    _exiger_referent(operateur, demande.departement)
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        OperateurInvite.objects.create(demande=demande, operateur=operateur, invite_par=auteur, invite_le=maintenant)
        message = _ajouter(
            demande,
            auteur,
            Nature.INVITATION,
            cote=Cote.REFERENT,
            operateur_cible=operateur,
            maintenant=maintenant,
        )
    _notifier_apres_validation(demande.pk, "invitation", operateur.pk)
    return message


def cloturer(demande, auteur, utile="", corps="", *, maintenant=None) -> Message:
    """L'agent clôt la demande ; s'il y a eu une réponse, il dit si elle a été utile (sans réponse, la
    question n'a pas de sens : l'avis reste vide)."""
    if _cote(auteur, demande) != Cote.AGENT:
        raise PermissionDenied
    _exiger_ouverte(demande)
    if demande.premiere_reponse_le is None:
        utile = ""
    elif utile not in Utilite.values:
        raise ActionImpossible("Dites si la réponse a été utile : oui, non ou je ne sais pas.")
    return _ajouter(demande, auteur, Nature.CLOTURE, cote=Cote.AGENT, corps=corps, utile=utile, maintenant=maintenant)


def rouvrir(demande, auteur, corps, *, maintenant=None) -> Message:
    """L'agent rouvre une demande clôturée : elle revient dans la boîte des référents."""
    if _cote(auteur, demande) != Cote.AGENT:
        raise PermissionDenied
    if demande.cloturee_le is None:
        raise ActionImpossible("La demande est déjà ouverte.")
    message = _ajouter(demande, auteur, Nature.REOUVERTURE, cote=Cote.AGENT, corps=corps, maintenant=maintenant)
    _notifier_apres_validation(demande.pk, "message_agent")
    return message


def marquer_lue(demande, utilisateur, maintenant=None):
    Lecture.objects.update_or_create(
        demande=demande, utilisateur=utilisateur, defaults={"lu_le": maintenant or timezone.now()}
    )


# Ce qui attend quelqu'un


def demandes_en_attente_pour(user):
    """Les demandes qui attendent l'utilisateur.

    Agent (conseiller, responsable de structure) : demandes ouvertes de ses structures où une réponse
    est arrivée (réponse reçue ou demande traitée). Référent : demandes ouvertes de son opérateur ×
    département (ou où son opérateur est invité) qui attendent une première réponse ou une relance.
    """
    agent = permissions_demandes.demandes_des_structures(user).en_attente_de_l_agent()
    referent = permissions_demandes.demandes_de_l_operateur(user).en_attente_de_reponse()
    p = permissions.perimetre(user)
    if p.structures_lues and permissions_demandes.voit_boite_operateur(user):
        return Demande.objects.filter(pk__in=agent.values("pk")) | Demande.objects.filter(pk__in=referent.values("pk"))
    return referent if permissions_demandes.voit_boite_operateur(user) else agent
