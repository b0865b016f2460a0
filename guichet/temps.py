"""L'heure de Paris, pour tout le projet : le fuseau, les bornes d'un jour, le jour local d'un instant.

Le réseau vit à l'heure de Paris (réglage `TIME_ZONE`) : un jour de statistiques, d'échéance ou d'ouverture
commence à minuit heure de Paris. Un moment naïf (sans fuseau), lu dans un fichier ou sur une ligne de
commande, est déjà l'heure de Paris.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")


def a_paris(moment: datetime) -> datetime:
    """Le moment en heure de Paris ; un moment naïf est pris pour l'heure de Paris."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=PARIS)
    return moment.astimezone(PARIS)


def jour_local(instant: datetime) -> date:
    """Le jour (heure de Paris) où tombe cet instant."""
    return timezone.localtime(instant, PARIS).date()


def debut_du_jour(jour: date) -> datetime:
    """Minuit, heure de Paris, au début de ce jour."""
    return datetime.combine(jour, time.min, tzinfo=PARIS)


def bornes(debut: date, fin: date) -> tuple[datetime, datetime]:
    """[debut 0 h, lendemain de fin 0 h[ à l'heure de Paris : les instants des jours de debut à fin inclus."""
    return debut_du_jour(debut), debut_du_jour(fin + timedelta(days=1))


def bornes_du_jour(jour: date | None = None) -> tuple[datetime, datetime]:
    """Début et fin (exclue) du jour (aujourd'hui par défaut), heure de Paris."""
    jour = jour or jour_local(timezone.now())
    return bornes(jour, jour)
