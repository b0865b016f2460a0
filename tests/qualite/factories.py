"""Le fil des demandes construites par `DemandeFactory` : réponses, clôture, réorientation, pièces jointes."""

from guichet.demandes.models import Cote, Nature, PieceJointe
from tests.demandes.factories import ajouter_au_fil
from tests.reseau.factories import StructureFactory
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


def repondre(demande, cree_le, auteur=None):
    return ajouter_au_fil(demande, Nature.MESSAGE, cree_le, cote=Cote.REFERENT, auteur=auteur, corps="Réponse")


def cloturer(demande, cree_le, utile="oui"):
    return ajouter_au_fil(demande, Nature.CLOTURE, cree_le, cote=Cote.AGENT, auteur=demande.auteur, utile=utile)


def rerouter(demande, cree_le, vers):
    """« Pas le bon interlocuteur », répondu au nom de l'opérateur actuel de la demande."""
    return ajouter_au_fil(
        demande,
        Nature.PAS_LE_BON_INTERLOCUTEUR,
        cree_le,
        cote=Cote.REFERENT,
        operateur=demande.operateur,
        operateur_cible=vers,
    )


def piece_jointe(message, contenu=b"%PDF-1.4 releve de Dupont-Secret", nom="releve Dupont-Secret.pdf"):
    from guichet.chiffrement import enregistrer_chiffre

    return PieceJointe.objects.create(
        message=message,
        nom=nom,
        type_mime="application/pdf",
        taille=len(contenu),
        fichier=enregistrer_chiffre(contenu, nom),
    )
