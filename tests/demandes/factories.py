"""Fabriques et petit monde des demandes, sur le réseau de `tests.comptes.monde`."""

from datetime import date, datetime, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.comptes.models import Role
from guichet.demandes import services
from guichet.demandes.models import Cote, Demande, Message, Nature, NatureMandat
from guichet.temps import PARIS
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.comptes.monde import construire_monde
from tests.reseau.factories import OperateurFactory, StructureFactory

# Lundi 9 mars 2026, 10 h (heure de Paris) : échéance jeudi 12 mars 10 h, rappel mercredi 11 mars 10 h.
LUNDI = datetime(2026, 3, 9, 10, 0, tzinfo=PARIS)

NIR_VALIDE = "2 80 05 75 056 123 89"
IDENTITE = {
    "usager_nom": "Dupontel",
    "usager_prenom": "Jeannine",
    "usager_date_naissance": "1980-05-17",
    "usager_nir": "280057505612389",
    "usager_numero_allocataire": "7654321",
    "usager_numero_fiscal": "1234567890123",
    "usager_numero_dossier": "DOS-99887",
    "usager_adresse": "12 rue des Lilas, 01000 Bourg-en-Bresse",
    "usager_telephone": "06 12 34 56 78",
}
# Ce qu'aucune notification, aucun journal, aucune vue anonymisée ne doit laisser voir.
SECRETS = [
    "Dupontel",
    "Jeannine",
    "1980-05-17",
    "280057505612389",
    "7654321",
    "1234567890123",
    "DOS-99887",
    "rue des Lilas",
    "06 12 34 56 78",
    "Situation confidentielle",
]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(nom="justificatif.pdf", contenu=PDF):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def donnees(**autres):
    return {
        "objet": None,
        "objet_libre": "Droits suspendus",
        "description": "Situation confidentielle : versement interrompu depuis deux mois.",
        "consentement_atteste": True,
        "mandat_nature": NatureMandat.PRESENCE,
        "mandat_date": date(2026, 3, 9),
        **IDENTITE,
        **autres,
    }


def ouvrir(m, auteur=None, structure=None, operateur=None, maintenant=LUNDI, pieces=(), **autres):
    """Ouvre une demande par le service (comme la vue), par défaut : conseiller A1 → CAF, lundi 10 h."""
    return services.ouvrir_demande(
        auteur=auteur or m.conseiller_a1,
        structure=structure or m.a1,
        operateur=operateur or m.caf,
        donnees=donnees(**autres),
        pieces=pieces,
        maintenant=maintenant,
    )


def monde_des_demandes():
    """Le monde des comptes, plus : un second référent CAF en A, un référent CPAM en A, un référent
    CAF en B, un responsable départemental CAF en A, un référent France Travail sans collègue en A."""
    m = construire_monde()

    def personne(nom, **habilitation):
        user = UtilisateurFactory(email=f"{nom}@example.fr")
        HabilitationFactory(utilisateur=user, **habilitation)
        return user

    m.france_travail = OperateurFactory(code="france-travail", nom="France Travail", national=True)
    m.msa = OperateurFactory(code="msa", nom="La MSA", national=True)  # aucun référent nulle part
    m.referent_caf_a2 = personne("referent-caf-a2", role=Role.REFERENT, operateur=m.caf, departement=m.dep_a)
    m.referent_cpam_a = personne("referent-cpam-a", role=Role.REFERENT, operateur=m.cpam, departement=m.dep_a)
    m.referent_caf_b = personne("referent-caf-b", role=Role.REFERENT, operateur=m.caf, departement=m.dep_b)
    m.referent_ft_a = personne("referent-ft-a", role=Role.REFERENT, operateur=m.france_travail, departement=m.dep_a)
    m.responsable_caf_a = personne(
        "responsable-caf-a", role=Role.RESPONSABLE_OPERATEUR, operateur=m.caf, departement=m.dep_a
    )
    m.conseiller_a2 = personne("conseiller-a2", role=Role.CONSEILLER, structure=m.a2)
    return m


def ajouter_au_fil(demande, nature, cree_le, *, cote=Cote.REFERENT, auteur=None, corps="", **champs):
    """Ajoute un élément au fil (date au choix, sans notification) et recopie l'état du fil sur la demande."""
    message = Message.objects.create(
        demande=demande, auteur=auteur, cote=cote, nature=nature, corps=corps or None, cree_le=cree_le, **champs
    )
    demande.appliquer_fil()
    return message


def _envoi(demande, create, extracted, **kwargs):
    if create:
        ajouter_au_fil(demande, Nature.ENVOI, demande.envoyee_le, cote=Cote.AGENT, auteur=demande.auteur, corps="Envoi")


def _reponse(demande, create, extracted, **kwargs):
    if create:
        ajouter_au_fil(demande, Nature.MESSAGE, demande.envoyee_le + timedelta(hours=1), corps="Réponse")


class DemandeFactory(factory.django.DjangoModelFactory):
    """Une demande construite par les modèles, l'envoi en tête de son fil (dates au choix, sans notification) ;
    `ouvrir` passe par le service. État : `repondue=True` (le référent a répondu une heure après l'envoi,
    la demande attend l'agent)."""

    class Meta:
        model = Demande
        skip_postgeneration_save = True

    class Params:
        repondue = factory.Trait(reponse=factory.PostGeneration(_reponse))

    structure = factory.SubFactory(StructureFactory)
    departement = factory.LazyAttribute(lambda o: o.structure.commune.departement)
    operateur_initial = factory.SubFactory(OperateurFactory)
    objet_libre = "Question"
    description = "Situation confidentielle"
    usager_nom = "Dupontel"
    usager_prenom = "Jeannine"
    usager_date_naissance = "1980-05-17"
    consentement_atteste = True
    mandat_nature = NatureMandat.PRESENCE
    mandat_date = date(2026, 3, 9)
    envoyee_le = LUNDI
    envoi = factory.PostGeneration(_envoi)
