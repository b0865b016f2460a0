"""Règles du registre : trouver les structures les plus proches, leurs prochains passages."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from guichet.reseau.annuaire import annuaire, boite
from guichet.reseau.models import Passage, Structure
from guichet.temps import PARIS
from guichet.territoires.models import Commune
from guichet.territoires.recherche import Correspondances, chercher_communes
from guichet.territoires.services import distance_km

# Demi-côtés successifs (en km) de la boîte de recherche autour du point : on l'élargit jusqu'à
# trouver assez de structures, puis on trie par distance exacte.
PAS_DE_RECHERCHE_KM = (25, 60, 150, 400, 1500, 20000)


@dataclass
class Resultat:
    structure: Structure
    distance_km: float


def structures_proches(lat: float, lon: float, limite: int = 10) -> list[Resultat]:
    """Les `limite` structures labellisées les plus proches du point, la plus proche d'abord.

    Les structures viennent de l'annuaire en mémoire (commune, créneaux et exceptions chargés,
    horaires lus dans `structure.horaires`) : aucune requête tant qu'il est frais. On élargit la
    boîte autour du point jusqu'à ce qu'elle contienne `limite` structures plus proches que son
    demi-côté : une structure à distance d ≤ demi-côté y est forcément.
    """
    structures_dans = annuaire().structures_dans
    candidats = []
    for demi_cote in PAS_DE_RECHERCHE_KM:
        candidats = sorted(
            ((distance_km(lat, lon, s.latitude, s.longitude), s) for s in structures_dans(*boite(lat, lon, demi_cote))),
            key=lambda paire: (paire[0], paire[1].pk),
        )
        if len(candidats) >= limite and candidats[limite - 1][0] <= demi_cote:
            break
    return [Resultat(s, d) for d, s in candidats[:limite]]


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
    return _dates(((p, None) for p in passages), depuis, jours)


def _dates(passages_et_distances, depuis, jours) -> list[PassageDate]:
    maintenant = (depuis or timezone.now()).astimezone(PARIS)
    resultat = []
    for p, distance in passages_et_distances:
        for i in range(jours + 1):
            jour = maintenant.date() + timedelta(days=i)
            if jour.weekday() == p.jour and (i > 0 or p.fin > maintenant.time()):
                resultat.append(PassageDate(p, jour, distance))
    return sorted(resultat, key=lambda pd: pd.debut)


def passages_proches(lat: float, lon: float, rayon_km: float = 20, depuis=None, jours: int = 7) -> list[PassageDate]:
    """Les arrêts de bus et permanences à moins de `rayon_km` du point, dans les jours à venir."""
    lat_min, lat_max, lon_min, lon_max = boite(lat, lon, rayon_km)
    proches = []
    for la, lo, p in annuaire().passages:
        if lat_min <= la <= lat_max and lon_min <= lo <= lon_max:
            d = distance_km(lat, lon, la, lo)
            if d <= rayon_km:
                proches.append((p, d))
    return _dates(proches, depuis, jours)


@dataclass
class Recherche:
    """Ce que la page « Trouver une France services » montre pour une demande."""

    libelle: str = ""
    latitude: float | None = None
    longitude: float | None = None
    communes: list = None  # autres communes correspondant au texte saisi
    choix: list = None  # saisie ambiguë : les communes entre lesquelles choisir (« Vouliez-vous dire… »)
    resultats: list = None
    passages: list = None
    erreur: str = ""
    cle: str = ""  # ce dont dépendent les résultats (point, minute, état de l'annuaire) : clé de leur cache

    @property
    def point(self):
        return None if self.latitude is None else (self.latitude, self.longitude)


def communes_correspondantes(texte: str, code_commune: str = "") -> Correspondances:
    """Les communes désignées par un code INSEE, ou que le texte peut désigner (nom, début du nom, nom
    proche, code postal), rangées, et si le choix est ambigu (voir territoires.recherche). Gardées
    10 minutes en cache : les communes ne changent qu'à l'import."""

    def lire():
        if code_commune:
            communes = Commune.objects.filter(code=code_commune, latitude__isnull=False).select_related("departement")
            return Correspondances(list(communes.defer("contour", "mairie_adresse", "departement__contour")[:1]))
        return chercher_communes(texte)

    empreinte = hashlib.sha256(f"{code_commune}|{texte.strip().lower()}".encode()).hexdigest()
    return cache.get_or_set(f"guichet:communes:{empreinte}", lire, 600)


def rechercher(texte="", code_commune="", latitude=None, longitude=None, limite=10, maintenant=None) -> Recherche:
    """Résout la demande (commune, code postal ou position) puis cherche les structures et passages proches."""
    recherche = Recherche(communes=[], choix=[], resultats=[], passages=[])
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            recherche.erreur = "La position reçue n'est pas valide."
            return recherche
        recherche.libelle, recherche.latitude, recherche.longitude = "votre position", latitude, longitude
    else:
        if not (code_commune or texte.strip()):
            return recherche
        trouvees = communes_correspondantes(texte, code_commune)
        if trouvees.ambigu:
            recherche.choix = trouvees.communes
            return recherche
        if not trouvees:
            recherche.erreur = (
                f"Aucune commune ne correspond à « {texte or code_commune} ». "
                "Vérifiez l'orthographe ou saisissez un code postal à 5 chiffres."
            )
            return recherche
        commune, recherche.communes = trouvees.communes[0], trouvees.communes[1:]
        recherche.libelle = f"{commune.nom} ({commune.departement.code})"
        recherche.latitude, recherche.longitude = commune.latitude, commune.longitude

    maintenant = maintenant or timezone.now()
    recherche.cle = (
        f"{recherche.latitude:.5f}:{recherche.longitude:.5f}:{limite}:"
        f"{maintenant.astimezone(PARIS):%Y%m%d%H%M}:{annuaire().generation}"
    )
    recherche.resultats = structures_proches(recherche.latitude, recherche.longitude, limite)
    for r in recherche.resultats:
        semaine = r.structure.horaires
        r.ouvert = semaine.est_ouvert(maintenant)
        r.prochaine_ouverture = semaine.prochaine_ouverture(maintenant) if r.ouvert is False else None
        r.fermeture = semaine.fermeture(maintenant) if r.ouvert else None
    recherche.passages = passages_proches(recherche.latitude, recherche.longitude, depuis=maintenant)[:10]
    return recherche
