"""Le délai de réponse des opérateurs, en heures ouvrées (72 par défaut : l'accord-cadre ; l'engagement de
chaque opérateur est une donnée, `models.EngagementDeReponse`, lue quand la demande lui est adressée).

Une heure est ouvrée quand elle tombe un jour ouvré, c'est-à-dire du lundi au vendredi hors jour férié,
à l'heure de Paris. Les jours fériés viennent du paquet `holidays` (France) et de ses subdivisions, qui
connaissent les jours propres à l'Alsace-Moselle (Vendredi saint et 26 décembre en Moselle, Bas-Rhin,
Haut-Rhin) et aux outre-mer.

Les durées sont des durées réelles (calculées en UTC) : un passage à l'heure d'été ou d'hiver ne
fausse rien (il tombe d'ailleurs un dimanche, jamais un jour ouvré).
"""

import functools
from datetime import UTC, date, datetime, timedelta

import holidays
from django.utils import timezone

from guichet.temps import PARIS, a_paris, debut_du_jour

UN_JOUR = timedelta(days=1)
DELAI_HEURES = 72
RAPPEL_HEURES = 48

# Département (code INSEE) → subdivision du paquet holidays (France).
_SUBDIVISIONS = {
    "57": "57",  # Moselle
    "67": "6AE",  # Collectivité européenne d'Alsace (Bas-Rhin et Haut-Rhin)
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "PM",
    "976": "976",
    "977": "BL",
    "978": "MF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}


def _code(departement_code) -> str:
    code = str(departement_code or "").strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code


@functools.lru_cache(maxsize=512)
def _feries(annee: int, code: str) -> dict[date, str]:
    return dict(holidays.France(years=annee, subdiv=_SUBDIVISIONS.get(code), language="fr").items())


def jours_feries(annee: int, departement_code: str) -> dict[date, str]:
    """Les jours fériés de l'année dans ce département, avec leur nom français."""
    return dict(_feries(annee, _code(departement_code)))


def ouvre(jour: date, departement_code: str) -> bool:
    """Vrai pour un jour ouvré : du lundi au vendredi, hors jour férié du département."""
    return _ouvre(jour, _code(departement_code))


@functools.lru_cache(maxsize=65536)
def _ouvre(jour: date, code: str) -> bool:
    return jour.weekday() < 5 and jour not in _feries(jour.year, code)


@functools.lru_cache(maxsize=8192)
def _debut_du_jour(jour: date) -> datetime:
    """Minuit (heure de Paris) du jour, en UTC."""
    return debut_du_jour(jour).astimezone(UTC)


def ajouter_heures_ouvrees(debut: datetime, heures: int, departement_code: str) -> datetime:
    """L'instant (heure de Paris) où `heures` heures ouvrées se sont écoulées depuis `debut`."""
    code = _code(departement_code)
    reste = timedelta(hours=heures)
    curseur = a_paris(debut).astimezone(UTC)
    jour = a_paris(debut).date()
    while True:
        fin_du_jour = _debut_du_jour(jour + timedelta(days=1))
        if _ouvre(jour, code):
            depart = max(curseur, _debut_du_jour(jour))
            disponible = fin_du_jour - depart
            if reste <= disponible:
                return (depart + reste).astimezone(PARIS)
            reste -= disponible
        curseur = fin_du_jour
        jour += timedelta(days=1)


def heures_ouvrees_entre(debut: datetime, fin: datetime, departement_code: str) -> timedelta:
    """La durée ouvrée entre deux instants (négative si `fin` précède `debut`)."""
    debut, fin = a_paris(debut), a_paris(fin)
    if fin < debut:
        return -heures_ouvrees_entre(fin, debut, departement_code)
    code = _code(departement_code)
    debut_utc, fin_utc = debut.astimezone(UTC), fin.astimezone(UTC)
    jour, dernier = debut.date(), fin.date()
    total = timedelta(0)
    while jour <= dernier:
        lendemain = jour + UN_JOUR
        if _ouvre(jour, code):
            de = max(debut_utc, _debut_du_jour(jour))
            a = min(fin_utc, _debut_du_jour(lendemain))
            if a > de:
                total += a - de
        jour = lendemain
    return total


def echeance(envoyee_le: datetime, departement_code: str, heures: int = DELAI_HEURES) -> datetime:
    """L'échéance de la première réponse : `heures` heures ouvrées après l'envoi (heure de Paris)."""
    return ajouter_heures_ouvrees(envoyee_le, heures, departement_code)


def heures_du_rappel(delai_heures: int) -> int:
    """Le rappel part aux deux tiers du délai (48 heures pour 72), au moins une heure avant l'échéance."""
    return max(1, min(delai_heures - 1, delai_heures * RAPPEL_HEURES // DELAI_HEURES))


def rappel(envoyee_le: datetime, departement_code: str, delai_heures: int = DELAI_HEURES) -> datetime:
    """Le moment du rappel aux référents : aux deux tiers du délai (48 heures ouvrées sur 72)."""
    return ajouter_heures_ouvrees(envoyee_le, heures_du_rappel(delai_heures), departement_code)


def temps_restant(envoyee_le: datetime, departement_code: str, maintenant: datetime | None = None) -> timedelta:
    """Les heures ouvrées restant avant l'échéance (négatives une fois l'échéance passée)."""
    maintenant = maintenant or timezone.now()
    return heures_ouvrees_entre(maintenant, echeance(envoyee_le, departement_code), departement_code)
