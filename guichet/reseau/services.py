"""Règles du registre : trouver les structures les plus proches, leurs prochains passages."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from guichet.reseau.models import Passage, Structure
from guichet.territoires.services import distance_km

PARIS = ZoneInfo("Europe/Paris")
# Demi-côtés successifs (en km) de la boîte de recherche autour du point : on l'élargit jusqu'à
# trouver assez de structures, puis on trie par distance exacte.
PAS_DE_RECHERCHE_KM = (15, 40, 100, 300, 1000, 20000)


@dataclass
class Resultat:
    structure: Structure
    distance_km: float


def _boite(lat, lon, demi_cote_km):
    dlat = demi_cote_km / 111.2
    dlon = demi_cote_km / max(111.2 * math.cos(math.radians(lat)), 1e-6)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def structures_proches(lat: float, lon: float, limite: int = 10, queryset=None) -> list[Resultat]:
    """Les `limite` structures ouvertes au public les plus proches du point, la plus proche d'abord.

    Une structure à distance d ≤ demi-côté de la boîte y est forcément : on n'arrête d'élargir
    que lorsque la limite-ième distance est couverte par le cercle inscrit dans la boîte.
    """
    queryset = queryset if queryset is not None else Structure.objects.ouvertes_au_public()
    candidats = []
    for demi_cote in PAS_DE_RECHERCHE_KM:
        lignes = queryset.dans_la_boite(*_boite(lat, lon, demi_cote)).values_list("pk", "latitude", "longitude")
        candidats = sorted((distance_km(lat, lon, la, lo), pk) for pk, la, lo in lignes)
        if len(candidats) >= limite and candidats[limite - 1][0] <= demi_cote:
            break
    candidats = candidats[:limite]
    par_pk = queryset.select_related("commune").in_bulk([pk for _, pk in candidats])
    return [Resultat(par_pk[pk], d) for d, pk in candidats]


@dataclass
class PassageDate:
    passage: Passage
    date: date
    distance_km: float | None = None

    @property
    def debut(self) -> datetime:
        return datetime.combine(self.date, self.passage.debut, tzinfo=PARIS)


def prochaines_dates(passages, depuis: datetime | None = None, jours: int = 7) -> list[PassageDate]:
    """Les dates des passages (arrêts de bus, permanences) dans les `jours` à venir, dans l'ordre."""
    maintenant = (depuis or timezone.now()).astimezone(PARIS)
    resultat = []
    for p in passages:
        for i in range(jours + 1):
            jour = maintenant.date() + timedelta(days=i)
            if jour.weekday() == p.jour and (i > 0 or p.fin > maintenant.time()):
                resultat.append(PassageDate(p, jour, getattr(p, "distance_km", None)))
    return sorted(resultat, key=lambda pd: pd.debut)


def passages_proches(lat: float, lon: float, rayon_km: float = 20, depuis=None, jours: int = 7) -> list[PassageDate]:
    """Les arrêts de bus et permanences à moins de `rayon_km` du point, dans les jours à venir."""
    lat_min, lat_max, lon_min, lon_max = _boite(lat, lon, rayon_km)
    passages = []
    for p in Passage.objects.filter(
        structure__statut=Structure.Statut.LABELLISEE,
        commune__latitude__gte=lat_min,
        commune__latitude__lte=lat_max,
        commune__longitude__gte=lon_min,
        commune__longitude__lte=lon_max,
    ).select_related("structure", "commune"):
        d = distance_km(lat, lon, p.latitude or p.commune.latitude, p.longitude or p.commune.longitude)
        if d <= rayon_km:
            p.distance_km = d
            passages.append(p)
    return prochaines_dates(passages, depuis, jours)
