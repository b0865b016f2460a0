"""Règles du registre : trouver les structures les plus proches, leurs prochains passages."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from guichet.reseau.models import Passage, Structure
from guichet.territoires.services import distance_km

PARIS = ZoneInfo("Europe/Paris")
# Demi-côtés successifs (en km) de la boîte de recherche autour du point : on l'élargit jusqu'à
# trouver assez de structures, puis on trie par distance exacte.
PAS_DE_RECHERCHE_KM = (25, 60, 150, 400, 1500, 20000)


@dataclass
class Resultat:
    structure: Structure
    distance_km: float


def _boite(lat, lon, demi_cote_km):
    dlat = demi_cote_km / 111.2
    dlon = demi_cote_km / max(111.2 * math.cos(math.radians(lat)), 1e-6)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _candidats(lat, lon, demi_cote_km):
    """(pk, latitude, longitude) des structures labellisées dans la boîte : une requête SQL directe,
    sans passer par la compilation de l'ORM, car c'est le chemin chaud de la recherche."""
    table = connection.ops.quote_name(Structure._meta.db_table)
    lat_min, lat_max, lon_min, lon_max = _boite(lat, lon, demi_cote_km)
    with connection.cursor() as curseur:
        curseur.execute(
            f"SELECT id, latitude, longitude FROM {table} WHERE statut = %s "  # noqa: S608
            "AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s",
            [Structure.Statut.LABELLISEE, lat_min, lat_max, lon_min, lon_max],
        )
        return curseur.fetchall()


def structures_proches(lat: float, lon: float, limite: int = 10, queryset=None) -> list[Resultat]:
    """Les `limite` structures labellisées les plus proches du point, la plus proche d'abord.

    Une structure à distance d ≤ demi-côté de la boîte y est forcément : on n'arrête d'élargir
    que lorsque la limite-ième distance est couverte par le cercle inscrit dans la boîte.
    `queryset` ne sert qu'à charger les structures retenues (select/prefetch_related).
    """
    candidats = []
    for demi_cote in PAS_DE_RECHERCHE_KM:
        candidats = sorted((distance_km(lat, lon, la, lo), pk) for pk, la, lo in _candidats(lat, lon, demi_cote))
        if len(candidats) >= limite and candidats[limite - 1][0] <= demi_cote:
            break
    candidats = candidats[:limite]
    queryset = queryset if queryset is not None else Structure.objects.all()
    par_pk = queryset.select_related("commune").defer("commune__contour").in_bulk([pk for _, pk in candidats])
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
    for p in (
        Passage.objects.filter(
            structure__statut=Structure.Statut.LABELLISEE,
            commune__latitude__gte=lat_min,
            commune__latitude__lte=lat_max,
            commune__longitude__gte=lon_min,
            commune__longitude__lte=lon_max,
        )
        .select_related("structure", "commune")
        .defer("commune__contour", "commune__mairie_adresse")
    ):
        d = distance_km(lat, lon, p.latitude or p.commune.latitude, p.longitude or p.commune.longitude)
        if d <= rayon_km:
            p.distance_km = d
            passages.append(p)
    return prochaines_dates(passages, depuis, jours)


@dataclass
class Recherche:
    """Ce que la page « Trouver une France services » montre pour une demande."""

    libelle: str = ""
    latitude: float | None = None
    longitude: float | None = None
    communes: list = None  # autres communes correspondant au texte saisi
    resultats: list = None
    passages: list = None
    erreur: str = ""

    @property
    def point(self):
        return None if self.latitude is None else (self.latitude, self.longitude)


def rechercher(texte="", code_commune="", latitude=None, longitude=None, limite=10, maintenant=None) -> Recherche:
    """Résout la demande (commune, code postal ou position) puis cherche les structures et passages proches."""
    from guichet.territoires.models import Commune

    recherche = Recherche(communes=[], resultats=[], passages=[])
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            recherche.erreur = "La position reçue n'est pas valide."
            return recherche
        recherche.libelle, recherche.latitude, recherche.longitude = "votre position", latitude, longitude
    else:
        communes = (
            Commune.objects.filter(latitude__isnull=False)
            .select_related("departement")
            .defer("contour", "mairie_adresse", "departement__contour")
        )
        if code_commune:
            trouvees = list(communes.filter(code=code_commune)[:1])
        elif texte.strip():
            trouvees = list(communes.recherche(texte)[:8])
        else:
            return recherche
        if not trouvees:
            recherche.erreur = (
                f"Aucune commune ne correspond à « {texte or code_commune} ». "
                "Vérifiez l'orthographe ou saisissez un code postal à 5 chiffres."
            )
            return recherche
        commune, recherche.communes = trouvees[0], trouvees[1:]
        recherche.libelle = f"{commune.nom} ({commune.departement.code})"
        recherche.latitude, recherche.longitude = commune.latitude, commune.longitude

    maintenant = maintenant or timezone.now()
    queryset = Structure.objects.ouvertes_au_public().prefetch_related("creneaux", "exceptions")
    recherche.resultats = structures_proches(recherche.latitude, recherche.longitude, limite, queryset)
    for r in recherche.resultats:
        semaine = r.structure.semaine()
        r.ouvert = semaine.est_ouvert(maintenant)
        r.prochaine_ouverture = semaine.prochaine_ouverture(maintenant) if r.ouvert is False else None
        r.fermeture = semaine.fermeture(maintenant) if r.ouvert else None
    recherche.passages = passages_proches(recherche.latitude, recherche.longitude, depuis=maintenant)[:10]
    return recherche
