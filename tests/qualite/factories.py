"""Des demandes et leur fil, construits directement par les modèles (dates au choix, sans notification)."""

from datetime import date

from guichet.demandes.models import Cote, Demande, Message, Nature, PieceJointe
from tests.comptes.factories import UtilisateurFactory
from tests.reseau.factories import OperateurFactory, StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

IDENTITE = {
    "usager_nom": "Dupont-Secret",
    "usager_prenom": "Jeanne",
    "usager_date_naissance": "1961-04-03",
    "usager_nir": "261047512345678",
    "usager_numero_allocataire": "7654321",
    "usager_adresse": "3 rue des Lilas, 01000 Bourg-en-Bresse",
    "usager_telephone": "0601020304",
    "description": "Mme Dupont-Secret n'a pas reçu son allocation.",
    "objet_libre": "Dupont-Secret : allocation",
}


def structure_dans(departement_code="01"):
    departement = DepartementFactory(code=departement_code)
    return StructureFactory(commune=CommuneFactory(departement=departement))


def creer_demande(envoyee_le, *, structure=None, operateur=None, auteur=None, **champs):
    """Une demande envoyée à `envoyee_le`, avec l'élément « envoi » de son fil."""
    structure = structure or structure_dans()
    operateur = operateur or OperateurFactory(code="caf")
    auteur = auteur or UtilisateurFactory()
    demande = Demande.objects.create(
        structure=structure,
        departement=structure.commune.departement,
        auteur=auteur,
        operateur_initial=operateur,
        consentement_atteste=True,
        mandat_nature="ecrit",
        mandat_date=date(2025, 1, 1),
        envoyee_le=envoyee_le,
        **{**IDENTITE, **champs},
    )
    Message.objects.create(
        demande=demande, auteur=auteur, cote=Cote.AGENT, nature=Nature.ENVOI, corps="Envoi", cree_le=envoyee_le
    )
    demande.appliquer_fil()
    return demande


def ajouter(demande, nature, cree_le, *, cote=Cote.REFERENT, auteur=None, corps="", **champs):
    """Ajoute un élément au fil et recopie l'état du fil sur la demande."""
    message = Message.objects.create(
        demande=demande, auteur=auteur, cote=cote, nature=nature, corps=corps or None, cree_le=cree_le, **champs
    )
    demande.appliquer_fil()
    return message


def repondre(demande, cree_le, auteur=None):
    return ajouter(demande, Nature.MESSAGE, cree_le, cote=Cote.REFERENT, auteur=auteur, corps="Réponse")


def cloturer(demande, cree_le, utile="oui"):
    return ajouter(demande, Nature.CLOTURE, cree_le, cote=Cote.AGENT, auteur=demande.auteur, utile=utile)


def rerouter(demande, cree_le, vers):
    """« Pas le bon interlocuteur », répondu au nom de l'opérateur actuel de la demande."""
    return ajouter(
        demande,
        Nature.PAS_LE_BON_INTERLOCUTEUR,
        cree_le,
        cote=Cote.REFERENT,
        operateur=demande.operateur,
        operateur_cible=vers,
    )


def piece_jointe(message, contenu=b"%PDF-1.4 releve de Dupont-Secret", nom="releve Dupont-Secret.pdf"):
    from guichet.demandes.chiffrement import enregistrer_chiffre

    return PieceJointe.objects.create(
        message=message,
        nom=nom,
        type_mime="application/pdf",
        taille=len(contenu),
        fichier=enregistrer_chiffre(contenu, nom),
    )
