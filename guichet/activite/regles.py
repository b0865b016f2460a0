"""Les règles d'un accompagnement, écrites une fois : la saisie (formulaire pas à pas, file hors ligne),
la correction par l'agent et l'API les appliquent, et le schéma OpenAPI est construit sur les mêmes choix.

- les réponses à choix : les valeurs des listes du modèle (`CHOIX`) ;
- la date : au plus `TOLERANCE_FUTUR` dans le futur (les horloges des postes et tablettes dérivent un peu),
  et pas plus ancienne que le délai de correction (`DELAI_CORRECTION`, 7 jours) : au-delà, l'agent ne
  pourrait ni la corriger ni la supprimer ;
- l'opérateur : national, ou partenaire local du département de la structure ;
- la démarche : du catalogue de cet opérateur.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from guichet.activite.models import DELAI_CORRECTION, Autonomie, Canal, Duree, Resultat, TrancheAge, TypeAide

TOLERANCE_FUTUR = timedelta(minutes=10)
CHOIX = {
    "canal": Canal,
    "type_aide": TypeAide,
    "resultat": Resultat,
    "duree": Duree,
    "tranche_age": TrancheAge,
    "autonomie": Autonomie,
}
# Les valeurs permises, calculées une fois (TextChoices.values reconstruit une liste à chaque appel).
VALEURS = {champ: tuple(choix.values) for champ, choix in CHOIX.items()}
FORMAT_DATE = "date et heure attendues au format ISO 8601 (2026-03-02T10:15:00+01:00)."
MESSAGE_FUTUR = "la date ne peut pas être dans le futur."
MESSAGE_ANCIENNE = "la date doit rester dans les 7 derniers jours (délai de correction)."


def valeurs_permises(champ: str) -> str:
    return ", ".join(VALEURS[champ])


def verifier_date(le: datetime, maintenant: datetime | None = None) -> str | None:
    """Le message d'erreur si la date est hors de la fenêtre permise, sinon None."""
    maintenant = maintenant or timezone.now()
    if le > maintenant + TOLERANCE_FUTUR:
        return MESSAGE_FUTUR
    if le < maintenant - DELAI_CORRECTION:
        return MESSAGE_ANCIENNE
    return None


def lire_date(texte) -> tuple[datetime | None, str | None]:
    """(date avec fuseau, None) ou (None, message). Une date bien formée mais impossible (30 février,
    mois 13, heure 25, décalage de 99 heures) est une erreur de saisie, pas une exception."""
    if not isinstance(texte, str):
        return None, FORMAT_DATE
    try:
        lu = parse_datetime(texte.strip())
    except (ValueError, OverflowError):
        return None, "date ou heure impossible (jour, mois, heure ou décalage horaire hors limites)."
    if lu is None:
        return None, FORMAT_DATE
    try:
        return (lu if timezone.is_aware(lu) else timezone.make_aware(lu)), None
    except (ValueError, OverflowError):
        return None, "date ou heure impossible (jour, mois, heure ou décalage horaire hors limites)."


def operateur_permis(operateur, structure) -> bool:
    """Un opérateur national, ou un partenaire local du département de la structure."""
    return operateur.joignable_dans(structure.commune.departement_id)


def verifier_operateur(operateur, structure) -> str | None:
    if operateur_permis(operateur, structure):
        return None
    return f"« {operateur.code} » : ce partenaire local n'intervient pas dans le département de la structure."


def verifier_demarche(demarche, operateur) -> str | None:
    if demarche.operateur_id == operateur.pk:
        return None
    return f"cette démarche n'est pas une démarche {operateur.de_nom}."
