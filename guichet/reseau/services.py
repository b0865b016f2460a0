"""Règles du registre : trouver les structures les plus proches, leurs prochains passages."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

from guichet.reseau.annuaire import annuaire, boite, semaine_des_arrets
from guichet.reseau.carte import liens_itineraire
from guichet.reseau.models import Passage, Structure
from guichet.temps import PARIS
from guichet.territoires.models import Commune
from guichet.territoires.recherche import Correspondances, chercher_communes
from guichet.territoires.services import distance_km, normaliser_nom

# Demi-côtés successifs (en km) de la boîte de recherche autour du point : on l'élargit jusqu'à
# trouver assez de structures, puis on trie par distance exacte.
PAS_DE_RECHERCHE_KM = (25, 60, 150, 400, 1500, 20000)


@dataclass
class Resultat:
    structure: Structure
    distance_km: float
    arret: Passage | None = None  # pour un bus ou une structure multisite : l'arrêt ou la permanence la plus proche
    memes_adresses: list = field(default_factory=list)  # les autres entrées à la même adresse (doublons)


def structures_proches(lat: float, lon: float, limite: int = 10) -> list[Resultat]:
    """Les `limite` structures labellisées les plus proches du point, la plus proche d'abord.

    Les structures viennent de l'annuaire en mémoire (commune, créneaux et exceptions chargés,
    horaires lus dans `structure.horaires`) : aucune requête tant qu'il est frais. Un bus ou une structure
    multisite est à la distance de son arrêt ou de sa permanence la plus proche. On élargit la boîte autour
    du point jusqu'à ce qu'elle contienne `limite` structures plus proches que son demi-côté : une
    structure à distance d ≤ demi-côté y est forcément.
    """
    points_dans = annuaire().points_dans
    candidats = []
    for demi_cote in PAS_DE_RECHERCHE_KM:
        plus_proches = {}
        for p in points_dans(*boite(lat, lon, demi_cote)):
            d = distance_km(lat, lon, p.latitude, p.longitude)
            connu = plus_proches.get(p.structure.pk)
            if connu is None or d < connu[0]:
                plus_proches[p.structure.pk] = (d, p)
        candidats = sorted(plus_proches.values(), key=lambda paire: (paire[0], paire[1].structure.pk))
        if len(candidats) >= limite and candidats[limite - 1][0] <= demi_cote:
            break
    return [Resultat(p.structure, d, p.passage) for d, p in candidats[:limite]]


def _cle_d_adresse(structure) -> tuple:
    return (normaliser_nom(structure.adresse), structure.commune_id)


# Deux entrées à la même adresse et à moins de cette distance l'une de l'autre sont le même lieu.
DISTANCE_DE_DOUBLON_KM = 0.2


def regrouper_memes_adresses(resultats: list[Resultat]) -> list[Resultat]:
    """Fusionne les entrées fixes qui partagent une adresse (un même site inscrit plusieurs fois) : la plus
    proche reste, les autres lui sont rattachées (`memes_adresses`) et la page les signale sur sa carte."""
    gardes: list[Resultat] = []
    par_adresse: dict[tuple, list[Resultat]] = {}
    for r in resultats:
        s = r.structure
        if r.arret is None and s.adresse.strip():
            cle = _cle_d_adresse(s)
            for premier in par_adresse.get(cle, []):
                p = premier.structure
                if distance_km(s.latitude, s.longitude, p.latitude, p.longitude) <= DISTANCE_DE_DOUBLON_KM:
                    premier.memes_adresses.append(s)
                    break
            else:
                par_adresse.setdefault(cle, []).append(r)
                gardes.append(r)
        else:
            gardes.append(r)
    return gardes


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
    # Des doublons écartés, il faut assez de candidats pour remplir la liste.
    candidats = structures_proches(recherche.latitude, recherche.longitude, limite * 3)
    recherche.resultats = regrouper_memes_adresses(candidats)[:limite]
    for r in recherche.resultats:
        decrire_ouverture(r, maintenant)
        lat, lon = r.arret.point if r.arret is not None else (r.structure.latitude, r.structure.longitude)
        r.itineraire = liens_itineraire(lat, lon, r.structure.nom)
    recherche.passages = passages_proches(recherche.latitude, recherche.longitude, depuis=maintenant)[:10]
    return recherche


def valable_jusqu_a(recherche: Recherche, maintenant: datetime) -> datetime:
    """Le premier instant où ce que montre la recherche peut changer sans que les données changent :
    l'ouverture ou la fermeture d'un des lieux montrés (badges « ouvert / fermé », « sur place »), la fin
    d'un passage du jour (il quitte la liste), ou minuit (« demain » devient « aujourd'hui », la semaine
    des passages avance). Jusque-là, la page rendue reste juste à la minute près, et au-delà."""
    local = maintenant.astimezone(PARIS)
    aujourd_hui = local.date()
    bornes = [datetime.combine(aujourd_hui + timedelta(days=1), time(0), tzinfo=PARIS)]

    def ajouter(heure):
        instant = datetime.combine(aujourd_hui, heure, tzinfo=PARIS)
        if instant > local:
            bornes.append(instant)

    for r in recherche.resultats or []:
        for intervalle in r.structure.horaires.horaires_du(aujourd_hui) or []:
            ajouter(intervalle.debut)
            ajouter(intervalle.fin)
    for pd in recherche.passages or []:
        if pd.date == aujourd_hui:
            ajouter(pd.passage.debut)
            ajouter(pd.passage.fin)
    return min(bornes)


def ouverture_de(structure, maintenant: datetime) -> Resultat:
    """L'ouverture d'une structure lue en base (page de la structure), avec les règles de l'annuaire."""
    structure.arrets = [p for p in structure.passages.all()]
    structure.itinerante_ou_multisite = structure.forme != Structure.Forme.FIXE and bool(structure.arrets)
    structure.horaires = semaine_des_arrets(structure) if structure.itinerante_ou_multisite else structure.semaine()
    r = Resultat(structure, 0.0)
    decrire_ouverture(r, maintenant)
    return r


def decrire_ouverture(r: Resultat, maintenant: datetime) -> None:
    """Ouvert, fermé, jusqu'à quand, et pour un bus ou une structure multisite : où et quand il passe.

    Leurs horaires sont ceux de leurs arrêts ou permanences (`semaine_des_arrets`) ; `passage_en_cours`
    dit où ils reçoivent en ce moment, `prochain_passage` où et quand ils reçoivent ensuite."""
    s = r.structure
    semaine = s.horaires
    r.ouvert = semaine.est_ouvert(maintenant)
    r.prochaine_ouverture = semaine.prochaine_ouverture(maintenant) if r.ouvert is False else None
    r.fermeture = semaine.fermeture(maintenant) if r.ouvert else None
    r.passage_en_cours = r.prochain_passage = None
    if getattr(s, "itinerante_ou_multisite", False):
        local = maintenant.astimezone(PARIS)
        for pd in _dates(((p, None) for p in s.arrets), maintenant, 14):
            if semaine.horaires_du(pd.date) == []:
                continue  # fermé ce jour-là (congés, férié)
            if pd.debut <= local:
                r.passage_en_cours = r.passage_en_cours or pd
            else:
                r.prochain_passage = pd
                break
