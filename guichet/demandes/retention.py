"""La conservation des demandes : `guichet purger_demandes`, une fois par jour.

1. Une demande ouverte sans nouvelles (aucun message hors note interne) depuis 23 jours : un courriel
   d'avertissement à son auteur et à l'équipe de sa structure, sans aucune donnée personnelle. La date
   de l'avertissement est inscrite (`Relance` de nature « avertissement », rattachée au dernier message :
   un nouveau message ouvre une nouvelle période de silence).
2. Sans nouvelles depuis 30 jours et avertie depuis au moins 7 jours : clôturée (un élément « clôture »
   ajouté au fil, comme toute clôture ; utilité non renseignée).
3. Six mois après la clôture : les données personnelles sont effacées (identité, description, texte
   libre de l'objet, corps des messages, pièces jointes et leurs fichiers) ; restent les métadonnées
   anonymes (dates, opérateur, structure, département, objet du catalogue, utilité, réorientation).

Chaque avertissement, clôture et effacement est inscrit au journal d'audit. Sans `ecrire`, rien
n'est écrit ni envoyé : on compte.
"""

import calendar
import functools
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from guichet.chiffrement import supprimer_fichier
from guichet.demandes import destinataires
from guichet.demandes.models import Cote, Demande, Message, Nature, PieceJointe, Relance
from guichet.journal.services import journaliser
from guichet.temps import PARIS

CONSERVATION_MOIS = 6
SILENCE_AVERTISSEMENT = timedelta(days=23)
SILENCE_CLOTURE = timedelta(days=30)
PREAVIS = SILENCE_CLOTURE - SILENCE_AVERTISSEMENT  # au moins 7 jours entre l'avertissement et la clôture
NATURE_AVERTISSEMENT = "avertissement"  # valeur de Relance.nature
TEXTE_CLOTURE = "Demande clôturée automatiquement après 30 jours sans nouvelles."

SUJET_AVERTISSEMENT = "Une demande sans nouvelles va être clôturée sur guichet"
TEXTE_AVERTISSEMENT = (
    "Bonjour,\n\nUne demande de votre structure est sans nouvelles depuis 23 jours. Sans nouveau message, "
    "elle sera clôturée automatiquement dans 7 jours.\n\nPour la lire : {lien}\n\n"
    "Ce courriel ne contient volontairement aucune donnée personnelle : connectez-vous pour lire la demande."
    "\n-- \nguichet France Services"
)


@dataclass
class Bilan:
    averties: list = field(default_factory=list)  # numéros de demande
    cloturees: list = field(default_factory=list)
    effacees: list = field(default_factory=list)
    fichiers_effaces: int = 0
    courriels: int = 0

    def __str__(self):
        return (
            f"{len(self.averties)} demande(s) avertie(s) ({self.courriels} courriel(s)), "
            f"{len(self.cloturees)} clôturée(s) après 30 jours sans nouvelles, "
            f"{len(self.effacees)} dont les données personnelles sont effacées "
            f"({self.fichiers_effaces} fichier(s))"
        )


def il_y_a_mois(moment, mois: int):
    """Le même instant `mois` mois plus tôt (heure de Paris ; le 31 août moins 6 mois donne le 28 ou 29 février)."""
    local = timezone.localtime(moment, PARIS)
    annee, rang = divmod(local.year * 12 + local.month - 1 - mois, 12)
    jour = min(local.day, calendar.monthrange(annee, rang + 1)[1])
    return local.replace(year=annee, month=rang + 1, day=jour)


def _avertissements(**filtre):
    return Relance.objects.filter(demande=OuterRef("pk"), nature=NATURE_AVERTISSEMENT, **filtre)


def a_avertir(maintenant):
    """Ouvertes, sans nouvelles depuis 23 jours, pas encore averties pour ce silence."""
    return (
        Demande.objects.ouvertes()
        .filter(dernier_message_le__lte=maintenant - SILENCE_AVERTISSEMENT)
        .exclude(Exists(_avertissements(routee_le=OuterRef("dernier_message_le"))))
    )


def a_cloturer(maintenant):
    """Ouvertes, sans nouvelles depuis 30 jours, averties pour ce silence depuis au moins 7 jours."""
    return (
        Demande.objects.ouvertes()
        .filter(dernier_message_le__lte=maintenant - SILENCE_CLOTURE)
        .filter(Exists(_avertissements(routee_le=OuterRef("dernier_message_le"), envoyee_le__lte=maintenant - PREAVIS)))
    )


def a_effacer(maintenant):
    """Clôturées depuis six mois au moins, données personnelles pas encore effacées."""
    return Demande.objects.cloturees().filter(
        cloturee_le__lte=il_y_a_mois(maintenant, CONSERVATION_MOIS), donnees_effacees_le__isnull=True
    )


def destinataires_avertissement(demande):
    """L'auteur (s'il est actif) et l'équipe de la structure, sans doublon."""
    personnes = {u.pk: u for u in destinataires.equipe_de_la_structure(demande)}
    if demande.auteur is not None and demande.auteur.is_active:
        personnes.setdefault(demande.auteur.pk, demande.auteur)
    return sorted(personnes.values(), key=lambda u: u.email)


def _envoyer_avertissement(demande_id, adresses):
    from guichet.demandes.notifications import lien

    texte = TEXTE_AVERTISSEMENT.format(lien=lien(reverse("demandes:detail", args=[demande_id])))
    get_connection().send_messages([EmailMessage(SUJET_AVERTISSEMENT, texte, to=[a]) for a in adresses])


def avertir(demande, maintenant) -> int | None:
    """Inscrit l'avertissement et programme les courriels ; renvoie leur nombre (None si déjà averti)."""
    adresses = [u.email for u in destinataires_avertissement(demande)]
    try:
        with transaction.atomic():
            Relance.objects.create(
                demande=demande,
                nature=NATURE_AVERTISSEMENT,
                routee_le=demande.dernier_message_le,
                envoyee_le=maintenant,
                destinataires=len(adresses),
            )
            journaliser(
                None,
                "avertissement",
                demande,
                {"silence_depuis": demande.dernier_message_le, "destinataires": len(adresses)},
            )
            if adresses:
                transaction.on_commit(functools.partial(_envoyer_avertissement, demande.pk, adresses))
    except IntegrityError:  # une autre exécution l'a inscrit entre-temps
        return None
    return len(adresses)


def cloturer_sans_nouvelles(demande, maintenant) -> bool:
    """Clôt la demande par le fil (élément « clôture » sans auteur) ; False si elle a bougé entre-temps."""
    with transaction.atomic():
        verrouillee = Demande.objects.select_for_update().filter(pk=demande.pk).first()
        if (
            verrouillee is None
            or verrouillee.cloturee_le is not None
            or verrouillee.dernier_message_le != demande.dernier_message_le
        ):
            return False
        silence = maintenant - verrouillee.dernier_message_le
        Message.objects.create(
            demande=verrouillee,
            auteur=None,
            cote=Cote.AGENT,
            nature=Nature.CLOTURE,
            corps=TEXTE_CLOTURE,
            utile="",
            cree_le=maintenant,
        )
        verrouillee.appliquer_fil()
        journaliser(None, "cloture_automatique", verrouillee, {"jours_sans_nouvelles": silence.days})
    return True


def effacer(demande, maintenant) -> int:
    """Efface les données personnelles de la demande et ses fichiers ; renvoie le nombre de fichiers."""
    with transaction.atomic():
        fichiers = list(
            PieceJointe.objects.filter(message__demande=demande).exclude(fichier="").values_list("fichier", flat=True)
        )
        messages = demande.messages.count()
        demande.effacer_donnees_personnelles(maintenant)
        journaliser(
            None,
            "purge",
            demande,
            {"cloturee_le": demande.cloturee_le, "messages": messages, "pieces_jointes": len(fichiers)},
        )
        # Les fichiers ne s'effacent qu'une fois la base à jour (sans erreur s'ils le sont déjà).
        for nom in fichiers:
            transaction.on_commit(functools.partial(supprimer_fichier, nom))
    return len(fichiers)


def _par_lots(queryset, *relations, taille=500):
    """Les demandes du queryset, lues par lots d'après la liste de leurs numéros prise d'abord
    (on les modifie en chemin : pas de curseur ouvert sur la table pendant ce temps)."""
    numeros = list(queryset.order_by("pk").values_list("pk", flat=True))
    for debut in range(0, len(numeros), taille):
        yield from (
            Demande.objects.filter(pk__in=numeros[debut : debut + taille]).select_related(*relations).order_by("pk")
        )


def purger(maintenant=None, ecrire=False) -> Bilan:
    """Avertit, clôt et efface ce qui est dû à `maintenant` ; sans `ecrire`, compte seulement."""
    maintenant = maintenant or timezone.now()
    bilan = Bilan()
    # Clôturer d'abord : une demande avertie aujourd'hui ne peut pas être close le même jour.
    for demande in _par_lots(a_cloturer(maintenant)):
        if not ecrire or cloturer_sans_nouvelles(demande, maintenant):
            bilan.cloturees.append(demande.pk)
    for demande in _par_lots(a_avertir(maintenant), "auteur"):
        if not ecrire:
            bilan.averties.append(demande.pk)
            bilan.courriels += len(destinataires_avertissement(demande))
            continue
        envoyes = avertir(demande, maintenant)
        if envoyes is not None:
            bilan.averties.append(demande.pk)
            bilan.courriels += envoyes
    for demande in _par_lots(a_effacer(maintenant)):
        if ecrire:
            bilan.fichiers_effaces += effacer(demande, maintenant)
        else:
            bilan.fichiers_effaces += PieceJointe.objects.filter(message__demande=demande).exclude(fichier="").count()
        bilan.effacees.append(demande.pk)
    if ecrire and (bilan.averties or bilan.cloturees or bilan.effacees):
        journaliser(
            None,
            "purge",
            None,
            {"averties": len(bilan.averties), "cloturees": len(bilan.cloturees), "effacees": len(bilan.effacees)},
        )
    return bilan
