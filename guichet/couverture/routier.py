"""Le moteur routier (la référence) : un graphe des routes carrossables lu d'un extrait OpenStreetMap.

Import (`guichet import_reseau_routier FICHIER.osm.pbf`) : pyosmium lit les voies `highway` carrossables
(autoroutes jusqu'aux voies de desserte ; ni chemins, ni pistes, ni voies privées ou interdites aux véhicules),
avec une vitesse par classe de route, ou la vitesse `maxspeed` quand elle est renseignée et plausible
(5 à 150 km/h ; « FR:urban », « FR:rural », « FR:motorway », « mph » compris). Le sens unique (`oneway`,
giratoires, autoroutes) est respecté. Chaque tronçon entre deux nœuds consécutifs pèse ses minutes (longueur du
grand cercle / vitesse). Seule la plus grande composante connexe est gardée (une île de routes coupée du reste
ne mènerait nulle part). Le graphe est rangé en tableaux CSR `numpy` dans un seul fichier `.npz` du dossier
des données (`reseau_routier.npz`) : coordonnées des nœuds (float32), `indptr`, `indices` (int32), minutes
(float32).

Calcul : Dijkstra à sources multiples (`scipy.sparse.csgraph.dijkstra`, `min_only=True`) depuis tous les
lieux à la fois sur le graphe inversé (on va de la commune au lieu), borné à 60 minutes. Chaque lieu est un
nœud virtuel relié au nœud de route le plus proche par le temps de marche de l'écart ; chaque mairie est
accrochée au nœud de route le plus proche (arbre k-d), l'écart est rendu (`ecart_km`) et compté à allure de
marche lente (4 km/h) : une mairie loin de toute route importée se voit.

Retrait d'un lieu (scénario) : le calcul complet garde, pour les nœuds de route où il s'arrête, le temps au lieu
le plus proche et ce lieu (`EtatDuReseau`, seulement les « cellules » des lieux les plus proches d'une origine et
leur premier voisinage). Retirer un lieu ne change que les nœuds de sa cellule : leur nouveau temps passe
forcément par un nœud voisin hors de la cellule (dont le temps ne change pas) ou part d'un autre lieu accroché dans
la cellule ; un Dijkstra sur la seule cellule, semé par ces entrées, le donne exactement (`Routier.retirer`).
"""

import time
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from scipy.sparse import csgraph, csr_matrix
from scipy.spatial import cKDTree

from guichet.couverture.estimation import corde_en_km, distance_km, sur_la_sphere

LIMITE_MINUTES = 60.0
VITESSE_MARCHE_KMH = 4.0
VITESSE_MAX_KMH = 150.0  # la plus grande vitesse admise : sert à borner les recherches à vol d'oiseau
NOM_FICHIER = "reseau_routier.npz"
MINUTES_PAR_KM = 60.0 / VITESSE_MAX_KMH  # au plus vite
MARGE_EMPRISE_KM = 30.0  # l'état des nœuds gardé autour des origines, pour borner les ajouts
PEU_DE_SOURCES = 32  # au-delà, une seule recherche à sources multiples (nœuds virtuels) est plus rapide

# Vitesses moyennes par classe de route (km/h), sans `maxspeed`.
VITESSES = {
    "motorway": 120,
    "motorway_link": 60,
    "trunk": 100,
    "trunk_link": 50,
    "primary": 80,
    "primary_link": 40,
    "secondary": 70,
    "secondary_link": 40,
    "tertiary": 60,
    "tertiary_link": 30,
    "unclassified": 45,
    "residential": 30,
    "living_street": 15,
    "service": 20,
    "road": 30,
}
VITESSES_NOMMEES = {"fr:urban": 50, "fr:rural": 80, "fr:motorway": 130, "fr:zone30": 30, "fr:walk": 6, "walk": 6}
ACCES_INTERDITS = {"no", "private"}


class GrapheIndisponible(Exception):
    """Aucun réseau routier importé : le moteur routier ne peut pas calculer."""


class ExtraitIllisible(Exception):
    pass


def chemin_du_graphe() -> Path:
    return Path(settings.DATA_DIR) / NOM_FICHIER


def lire_maxspeed(valeur: str | None) -> float | None:
    """La vitesse d'une étiquette `maxspeed` en km/h, ou None si elle est absente ou invraisemblable."""
    if not valeur:
        return None
    texte = valeur.strip().lower()
    if texte in VITESSES_NOMMEES:
        return float(VITESSES_NOMMEES[texte])
    facteur = 1.0
    if texte.endswith("mph"):
        facteur, texte = 1.609344, texte[:-3].strip()
    elif texte.endswith("km/h"):
        texte = texte[:-4].strip()
    try:
        vitesse = float(texte) * facteur
    except ValueError:
        return None
    return vitesse if 5.0 <= vitesse <= VITESSE_MAX_KMH else None


def _sens(tags, classe) -> int:
    """1 : sens de la voie seulement ; -1 : sens inverse seulement ; 0 : les deux."""
    oneway = (tags.get("oneway") or "").lower()
    if oneway in ("yes", "1", "true"):
        return 1
    if oneway == "-1":
        return -1
    if oneway == "no":
        return 0
    if classe in ("motorway", "motorway_link") or tags.get("junction") in ("roundabout", "circular"):
        return 1
    return 0


@dataclass
class RapportImport:
    voies: int = 0
    voies_ignorees: int = 0
    maxspeed_lues: int = 0
    maxspeed_rejetees: int = 0
    noeuds: int = 0
    arcs: int = 0
    noeuds_hors_composante: int = 0
    duree_lecture_s: float = 0.0
    duree_graphe_s: float = 0.0


def lire_extrait(chemin) -> tuple[dict, RapportImport]:
    """Lit un extrait `.osm.pbf` (ou `.osm`) et construit le graphe (tableaux CSR), sans rien écrire."""
    chemin = Path(chemin)
    if not chemin.is_file():
        raise ExtraitIllisible(f"Fichier introuvable : {chemin.name}.")
    rapport = RapportImport()
    # Des tableaux compacts (8 octets par valeur), pas des listes d'objets Python : une région tient en mémoire.
    ids, lats, lons = array("q"), array("d"), array("d")
    vitesses, sens, longueurs = array("d"), array("b"), array("q")
    debut = time.perf_counter()
    lecteur = _lecteur_de_voies()(rapport, ids, lats, lons, vitesses, sens, longueurs)
    try:
        # Les positions des nœuds restent dans l'index de libosmium (C++) : Python ne voit que les voies.
        lecteur.apply_file(str(chemin), locations=True, idx="flex_mem")
    except RuntimeError as erreur:
        raise ExtraitIllisible(f"Extrait OpenStreetMap illisible ({chemin.name}) : {erreur}") from None
    rapport.duree_lecture_s = time.perf_counter() - debut
    debut = time.perf_counter()
    if not ids:
        raise ExtraitIllisible(f"Aucune route carrossable dans {chemin.name}.")
    graphe = _construire(ids, lats, lons, vitesses, sens, longueurs, rapport)
    rapport.duree_graphe_s = time.perf_counter() - debut
    return graphe, rapport


def _lecteur_de_voies():
    import osmium

    class Lecteur(osmium.SimpleHandler):
        def __init__(self, rapport, ids, lats, lons, vitesses, sens, longueurs):
            super().__init__()
            self.rapport, self.ids, self.lats, self.lons = rapport, ids, lats, lons
            self.vitesses, self.sens, self.longueurs = vitesses, sens, longueurs

        def way(self, voie):
            rapport, tags = self.rapport, voie.tags
            classe = tags.get("highway")
            if classe is None:
                return
            if classe not in VITESSES or tags.get("area") == "yes":
                rapport.voies_ignorees += 1
                return
            if any(tags.get(cle) in ACCES_INTERDITS for cle in ("access", "motor_vehicle", "motorcar")):
                rapport.voies_ignorees += 1
                return
            try:
                morceaux = [[(n.ref, n.lat, n.lon) for n in voie.nodes]]
            except osmium.InvalidLocationError:
                # Un nœud hors de l'extrait (sans position) coupe la voie : on ne relie jamais ses deux voisins.
                morceaux, courant = [], []
                for n in voie.nodes:
                    if n.location.valid():
                        courant.append((n.ref, n.lat, n.lon))
                    else:
                        morceaux.append(courant)
                        courant = []
                morceaux.append(courant)
            morceaux = [m for m in morceaux if len(m) >= 2]
            if not morceaux:
                rapport.voies_ignorees += 1
                return
            vitesse = float(VITESSES[classe])
            if "maxspeed" in tags:
                lue = lire_maxspeed(tags.get("maxspeed"))
                if lue is None:
                    rapport.maxspeed_rejetees += 1
                else:
                    rapport.maxspeed_lues += 1
                    vitesse = lue
            rapport.voies += 1
            for noeuds in morceaux:
                for ref, lat, lon in noeuds:
                    self.ids.append(ref)
                    self.lats.append(lat)
                    self.lons.append(lon)
                self.vitesses.append(vitesse)
                self.sens.append(_sens(tags, classe))
                self.longueurs.append(len(noeuds))

    return Lecteur


def _construire(ids, lats, lons, vitesses, sens, longueurs, rapport) -> dict:
    tous_ids = np.frombuffer(ids, dtype=np.int64)
    tous_lat, tous_lon = np.frombuffer(lats, dtype=np.float64), np.frombuffer(lons, dtype=np.float64)
    uniques, premier, compact = np.unique(tous_ids, return_index=True, return_inverse=True)
    n = len(uniques)
    longueurs = np.asarray(longueurs)
    # Les tronçons : paires de nœuds consécutifs d'une même voie.
    fin_de_voie = np.cumsum(longueurs) - 1
    debut_troncon = np.ones(len(tous_ids), dtype=bool)
    debut_troncon[fin_de_voie] = False
    u = compact[debut_troncon]
    v = compact[np.flatnonzero(debut_troncon) + 1]
    vitesse = np.repeat(np.asarray(vitesses, dtype=float), longueurs - 1)
    sens_t = np.repeat(np.asarray(sens), longueurs - 1)
    lat_n, lon_n = tous_lat[premier], tous_lon[premier]
    km = distance_km(lat_n[u], lon_n[u], lat_n[v], lon_n[v])
    minutes = np.maximum(km / vitesse * 60.0, 1e-4)
    aller = sens_t >= 0
    retour = sens_t <= 0
    src = np.concatenate((u[aller], v[retour]))
    dst = np.concatenate((v[aller], u[retour]))
    poids = np.concatenate((minutes[aller], minutes[retour]))
    garde = src != dst
    src, dst, poids = src[garde], dst[garde], poids[garde]
    # Deux tronçons entre les mêmes nœuds : le plus rapide (une matrice creuse additionnerait les doublons).
    ordre = np.lexsort((poids, dst, src))
    src, dst, poids = src[ordre], dst[ordre], poids[ordre]
    premiers = np.ones(len(src), dtype=bool)
    premiers[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst, poids = src[premiers], dst[premiers], poids[premiers]
    # La plus grande composante connexe (au sens faible).
    matrice = csr_matrix((poids, (src, dst)), shape=(n, n))
    _, etiquettes = csgraph.connected_components(matrice, directed=True, connection="weak")
    principale = np.bincount(etiquettes).argmax()
    garde_n = etiquettes == principale
    rapport.noeuds_hors_composante = int((~garde_n).sum())
    nouvel_indice = np.full(n, -1, dtype=np.int64)
    nouvel_indice[garde_n] = np.arange(int(garde_n.sum()))
    garde_a = garde_n[src] & garde_n[dst]
    src, dst, poids = nouvel_indice[src[garde_a]], nouvel_indice[dst[garde_a]], poids[garde_a]
    n = int(garde_n.sum())
    matrice = csr_matrix((poids.astype(np.float32), (src, dst)), shape=(n, n))
    matrice.sort_indices()
    rapport.noeuds, rapport.arcs = n, int(matrice.nnz)
    return {
        "lat": lat_n[garde_n].astype(np.float32),
        "lon": lon_n[garde_n].astype(np.float32),
        "indptr": matrice.indptr.astype(np.int64),
        "indices": matrice.indices.astype(np.int32),
        "minutes": matrice.data.astype(np.float32),
    }


def enregistrer(graphe: dict, chemin=None) -> Path:
    chemin = Path(chemin or chemin_du_graphe())
    chemin.parent.mkdir(parents=True, exist_ok=True)
    provisoire = chemin.with_suffix(".tmp.npz")
    np.savez(provisoire, **graphe)
    provisoire.replace(chemin)  # le fichier en place n'est jamais à moitié écrit
    oublier()
    return chemin


_CHARGE: dict = {}


def oublier():
    _CHARGE.clear()


class Graphe:
    """Le graphe chargé : la matrice inversée (pour aller des lieux vers les communes) et l'arbre des nœuds."""

    def __init__(self, donnees):
        self.lat = donnees["lat"].astype(float)
        self.lon = donnees["lon"].astype(float)
        n = len(self.lat)
        avant = csr_matrix((donnees["minutes"].astype(np.float64), donnees["indices"], donnees["indptr"]), shape=(n, n))
        self.avant = avant  # de la commune vers le lieu : pour les recherches depuis quelques communes
        inverse = avant.T.tocsr()
        inverse.sort_indices()
        self.n = n
        self.indptr = inverse.indptr.astype(np.int64)
        self.indices = inverse.indices.astype(np.int32)
        self.poids = inverse.data.astype(np.float64)
        self.inverse = csr_matrix((self.poids, self.indices, self.indptr), shape=(n, n))
        # L'arc sortant le plus long de chaque nœud (sens inverse) : borne la couronne d'une recherche bornée.
        self.arc_max = np.zeros(n)
        pleins = np.flatnonzero(np.diff(self.indptr) > 0)
        if len(pleins):
            self.arc_max[pleins] = np.maximum.reduceat(self.poids, self.indptr[pleins])
        self.arbre = cKDTree(sur_la_sphere(self.lat, self.lon))

    def accrocher(self, lat, lon):
        """Le nœud de route le plus proche de chaque point, et la distance (km)."""
        corde, noeud = self.arbre.query(sur_la_sphere(lat, lon), k=1)
        return noeud.astype(np.int64), corde_en_km(corde)

    def avec_sources(self, noeuds, attentes):
        """La matrice inversée augmentée d'un nœud virtuel par source (relié à son nœud par son attente)."""
        k = len(noeuds)
        indptr = np.concatenate((self.indptr, self.indptr[-1] + np.arange(1, k + 1)))
        indices = np.concatenate((self.indices, np.asarray(noeuds, dtype=np.int32)))
        poids = np.concatenate((self.poids, np.maximum(np.asarray(attentes, dtype=float), 1e-9)))
        return csr_matrix((poids, indices, indptr), shape=(self.n + k, self.n + k))


@dataclass
class EtatDuReseau:
    """Ce qu'un calcul complet sait des nœuds de route, gardé pour les retraits : les nœuds des cellules des lieux
    les plus proches d'une origine et leurs voisins immédiats (rangés par numéro), le temps de chacun à son lieu le
    plus proche (infini au-delà de la borne) et ce lieu (−1 : aucun). 20 octets par nœud gardé."""

    noeuds: np.ndarray  # int64, croissants
    dist: np.ndarray  # float64
    source: np.ndarray  # int64
    lieux: np.ndarray  # les lieux dont la cellule est gardée entière (le plus proche d'au moins une origine)

    @classmethod
    def garder(cls, graphe, dist, source, lieux_utiles, emprise=None) -> "EtatDuReseau":
        """`emprise` : (lat min, lat max, lon min, lon max) où garder aussi tous les nœuds atteints, quel que soit
        leur lieu : l'ajout d'un lieu s'arrête aux nœuds dont il sait le temps actuel."""
        # En temps linéaire (pas de tri) : un graphe de région a des millions de nœuds.
        source = np.where(np.isfinite(dist), source, -1)
        utile = np.zeros(int(max(source.max(initial=-1), np.max(lieux_utiles, initial=-1))) + 2, dtype=bool)
        utile[np.asarray(lieux_utiles, dtype=np.int64)] = True  # utile[-1] (aucun lieu) reste faux
        cellules = np.flatnonzero(utile[source])
        debuts = graphe.avant.indptr[cellules]
        comptes = (graphe.avant.indptr[cellules + 1] - debuts).astype(np.int64)
        position = np.repeat(debuts - np.cumsum(comptes) + comptes, comptes) + np.arange(int(comptes.sum()))
        garde = np.zeros(len(dist), dtype=bool)
        garde[cellules] = True
        garde[graphe.avant.indices[position]] = True
        if emprise is not None:
            lat_min, lat_max, lon_min, lon_max = emprise
            garde |= (
                (graphe.lat >= lat_min)
                & (graphe.lat <= lat_max)
                & (graphe.lon >= lon_min)
                & (graphe.lon <= lon_max)
                & np.isfinite(dist)
            )
        noeuds = np.flatnonzero(garde).astype(np.int64)
        return cls(noeuds, dist[noeuds].astype(np.float64), source[noeuds].astype(np.int64), np.asarray(lieux_utiles))

    def apres_retrait(self, positions, dist, source) -> "EtatDuReseau":
        """L'état après un retrait : les nœuds de la cellule refaite (`positions` dans l'état) prennent leurs
        nouveaux temps ; une copie (l'état de départ sert à toutes les requêtes), des tableaux de l'état seulement."""
        nouveau_dist, nouvelle_source = self.dist.copy(), self.source.copy()
        nouveau_dist[positions], nouvelle_source[positions] = dist, source
        return EtatDuReseau(self.noeuds, nouveau_dist, nouvelle_source, self.lieux)

    def sans(self, lieux) -> "EtatDuReseau":
        """Une copie où les nœuds qui tenaient leur temps des `lieux` (retirés, cellule non refaite) deviennent
        inconnus : l'ajout d'un lieu ne s'y arrêtera pas."""
        perdus = np.isin(self.source, np.asarray(lieux, dtype=np.int64))
        if not perdus.any():
            return self
        return EtatDuReseau(
            self.noeuds, np.where(perdus, np.inf, self.dist), np.where(perdus, -1, self.source), self.lieux
        )

    def temps(self, noeuds) -> np.ndarray:
        """Le temps actuel de chaque nœud à son lieu le plus proche ; infini pour un nœud que l'état ne garde pas
        (inconnu : on ne s'y arrête jamais)."""
        position = np.searchsorted(self.noeuds, noeuds)
        connu = position < len(self.noeuds)
        connu[connu] = self.noeuds[position[connu]] == noeuds[connu]
        return np.where(connu, self.dist[np.minimum(position, len(self.noeuds) - 1)], np.inf)


def charger_graphe(chemin=None) -> Graphe:
    chemin = Path(chemin or chemin_du_graphe())
    if not chemin.is_file():
        raise GrapheIndisponible(
            "Aucun réseau routier importé : lancez « guichet import_reseau_routier EXTRAIT.osm.pbf --wet-run »."
        )
    cle = (str(chemin), chemin.stat().st_mtime_ns)
    if cle not in _CHARGE:
        _CHARGE.clear()
        with np.load(chemin) as donnees:
            _CHARGE[cle] = Graphe({k: donnees[k] for k in donnees.files})
    return _CHARGE[cle]


def minutes_de_marche(km):
    return np.asarray(km) / VITESSE_MARCHE_KMH * 60.0


class Routier:
    nom = "routier"
    libelle = "réseau routier (OpenStreetMap, vitesses par classe de route)"
    limite = LIMITE_MINUTES

    def __init__(self, graphe: Graphe | None = None):
        self.graphe = graphe or charger_graphe()

    def preparer_origines(self, origines):
        noeuds, km = self.graphe.accrocher(origines.lat, origines.lon)
        lat, lon = np.asarray(origines.lat, dtype=float), np.asarray(origines.lon, dtype=float)
        return {"noeuds": noeuds, "ecart_km": km, "marche": minutes_de_marche(km), "lat": lat, "lon": lon}

    def _depuis_sources(self, lats, lons, limite):
        """Dijkstra depuis plusieurs lieux à la fois : (minutes, source) pour chaque nœud de route."""
        noeuds, km = self.graphe.accrocher(lats, lons)
        matrice = self.graphe.avec_sources(noeuds, minutes_de_marche(km))
        sources = self.graphe.n + np.arange(len(noeuds))
        dist, _, origine = csgraph.dijkstra(
            matrice, directed=True, indices=sources, min_only=True, limit=limite, return_predecessors=True
        )
        return dist[: self.graphe.n], origine[: self.graphe.n] - self.graphe.n

    def plus_proche_avec_etat(self, prep, destinations):
        """Comme `plus_proche` (toutes les origines, borne du moteur), avec l'état des nœuds de route qui permet
        ensuite de retirer un lieu en ne recalculant que sa cellule (None quand le calcul part des origines)."""
        noeuds, marche = prep["noeuds"], prep["marche"]
        if not len(destinations) or not len(noeuds) or (len(noeuds) <= PEU_DE_SOURCES < len(destinations)):
            minutes, indice = self.plus_proche(prep, destinations)
            return minutes, indice, None
        dist, source = self._depuis_sources(destinations.lat, destinations.lon, self.limite)
        minutes, indice = self._aux_origines(dist, source, noeuds, marche, self.limite)
        # L'emprise des origines élargie d'environ 30 km : où la cellule d'un lieu ajouté peut s'étendre.
        marge_lat = MARGE_EMPRISE_KM / 111.2
        marge_lon = marge_lat / max(np.cos(np.radians(np.max(np.abs(prep["lat"])))), 0.1)
        emprise = (
            prep["lat"].min() - marge_lat,
            prep["lat"].max() + marge_lat,
            prep["lon"].min() - marge_lon,
            prep["lon"].max() + marge_lon,
        )
        lieux_utiles = np.unique(indice[indice >= 0])
        return minutes, indice, EtatDuReseau.garder(self.graphe, dist, source, lieux_utiles, emprise)

    def _aux_origines(self, dist, source, noeuds, marche, limite):
        minutes = dist[noeuds] + marche
        indice = np.where(np.isfinite(dist[noeuds]), source[noeuds], -1).astype(np.int64)
        hors = minutes > limite
        minutes[hors], indice[hors] = np.inf, -1
        return minutes, indice

    def retirer(self, etat, prep, destinations, retires, restants):
        """Les origines après le retrait des lieux `retires` (indices dans `destinations`) : (masque des origines
        touchées, leurs minutes, leurs indices, l'état des nœuds après le retrait) ; None si l'état ne suffit pas
        (un lieu retiré qui n'était le plus proche d'aucune origine borde la cellule à refaire : sa propre cellule
        n'est pas gardée). `restants` :
        masque des lieux encore comptés.

        Seuls changent les nœuds de la cellule des lieux retirés (ceux dont ils étaient le plus proche). Un plus
        court chemin d'un autre lieu vers un nœud de la cellule y entre une dernière fois par un arc venant d'un
        nœud hors de la cellule, dont le temps est inchangé ; ou bien il part d'un lieu accroché dans la cellule.
        D'où un Dijkstra à sources multiples sur la seule cellule, semé par ces arcs d'entrée (temps du voisin +
        arc) et par ces lieux (leur marche), borné comme le calcul complet : exact, et de la taille de la cellule.
        """
        retires = np.asarray(retires, dtype=np.int64)
        autres = retires[~np.isin(retires, etat.lieux)]  # le plus proche d'aucune origine : cellule non gardée
        cellule_locale = np.flatnonzero(np.isin(etat.source, retires[np.isin(retires, etat.lieux)]))
        touchees = np.zeros(len(prep["noeuds"]), dtype=bool)
        if not len(cellule_locale):
            return touchees, np.array([]), np.array([], dtype=np.int64), etat.sans(retires)
        cellule = etat.noeuds[cellule_locale]
        m = len(cellule)
        # Arcs d'entrée (sens des lieux vers les communes) : les arcs sortants de la route, nœud de la cellule → u.
        avant = self.graphe.avant
        debuts = avant.indptr[cellule]
        comptes = (avant.indptr[cellule + 1] - debuts).astype(np.int64)
        position = np.repeat(debuts - np.cumsum(comptes) + comptes, comptes) + np.arange(int(comptes.sum()))
        u, poids = avant.indices[position].astype(np.int64), avant.data[position]
        w = np.repeat(np.arange(m), comptes)  # le nœud de la cellule (indice local) où l'arc arrive
        u_etat = np.searchsorted(etat.noeuds, u)  # le voisinage est gardé : u est dans l'état
        u_local = np.searchsorted(cellule, u)
        dans = (u_local < m) & (cellule[np.minimum(u_local, m - 1)] == u)
        if len(autres) and np.isin(etat.source[u_etat[~dans]], autres).any():
            return None  # un voisin tenait son temps d'un autre lieu retiré, dont la cellule n'est pas gardée
        # Graines : depuis un nœud voisin hors de la cellule (temps inchangé), ou un lieu restant accroché dedans.
        dehors = ~dans & np.isfinite(etat.dist[u_etat])
        graine_noeud = w[dehors]
        graine_temps = etat.dist[u_etat[dehors]] + poids[dehors]
        graine_lieu = etat.source[u_etat[dehors]].astype(np.int64)
        noeuds_d, km_d = self.graphe.accrocher(destinations.lat, destinations.lon)
        restants_ici = np.flatnonzero(restants & np.isin(noeuds_d, cellule))
        if len(restants_ici):
            graine_noeud = np.concatenate((graine_noeud, np.searchsorted(cellule, noeuds_d[restants_ici])))
            graine_temps = np.concatenate((graine_temps, minutes_de_marche(km_d[restants_ici])))
            graine_lieu = np.concatenate((graine_lieu, restants_ici))
        noeuds_o = prep["noeuds"]
        o_local = np.searchsorted(cellule, noeuds_o)
        touchees = (o_local < m) & (cellule[np.minimum(o_local, m - 1)] == noeuds_o)
        if not len(graine_noeud):
            n_t = int(touchees.sum())
            vide = np.full(m, np.inf)
            etat_apres = etat.apres_retrait(cellule_locale, vide, np.full(m, -1, dtype=np.int64))
            return touchees, np.full(n_t, np.inf), np.full(n_t, -1, dtype=np.int64), etat_apres.sans(autres)
        # La cellule seule (arcs internes, sens lieu → commune : u → w), plus un nœud virtuel par graine.
        k = len(graine_noeud)
        src = np.concatenate((u_local[dans], m + np.arange(k)))
        dst = np.concatenate((w[dans], graine_noeud))
        valeurs = np.concatenate((poids[dans], np.maximum(graine_temps, 1e-9)))
        matrice = csr_matrix((valeurs, (src, dst)), shape=(m + k, m + k))
        dist, _, origine = csgraph.dijkstra(
            matrice,
            directed=True,
            indices=m + np.arange(k),
            min_only=True,
            limit=self.limite,
            return_predecessors=True,
        )
        dist = dist[:m]
        lieu = np.where(np.isfinite(dist), graine_lieu[np.maximum(origine[:m] - m, 0)], -1)
        minutes, indice = self._aux_origines(dist, lieu, o_local[touchees], prep["marche"][touchees], self.limite)
        return touchees, minutes, indice, etat.apres_retrait(cellule_locale, dist, lieu).sans(autres)

    def plus_proche(self, prep, destinations, masque=None, limite=None):
        limite = self.limite if limite is None else min(limite, self.limite)
        noeuds = prep["noeuds"] if masque is None else prep["noeuds"][masque]
        marche = prep["marche"] if masque is None else prep["marche"][masque]
        if not len(destinations) or not len(noeuds):
            return np.full(len(noeuds), np.inf), np.full(len(noeuds), -1, dtype=np.int64)
        if len(noeuds) <= PEU_DE_SOURCES and len(noeuds) < len(destinations):
            return self._depuis_les_origines(noeuds, marche, destinations, limite)
        if len(destinations) <= PEU_DE_SOURCES:
            # Peu de lieux (un scénario) : une recherche bornée par lieu sur le graphe tel quel, sans la copie
            # qu'exigent les nœuds virtuels ; le minimum élément par élément.
            minutes = np.full(len(noeuds), np.inf)
            indice = np.full(len(noeuds), -1, dtype=np.int64)
            sous_prep = {"noeuds": noeuds, "marche": marche}
            for j in range(len(destinations)):
                t = self.depuis(sous_prep, destinations.lat[j], destinations.lon[j], limite=limite)
                mieux = t < minutes
                minutes[mieux], indice[mieux] = t[mieux], j
            return minutes, indice
        dist, source = self._depuis_sources(destinations.lat, destinations.lon, limite)
        return self._aux_origines(dist, source, noeuds, marche, limite)

    def _depuis_les_origines(self, noeuds, marche, destinations, limite):
        """Peu de communes, beaucoup de lieux (le retrait d'un lieu) : une recherche bornée depuis chaque commune,
        dans le sens de la route, et le lieu le plus proche parmi les nœuds atteints."""
        noeuds_d, km_d = self.graphe.accrocher(destinations.lat, destinations.lon)
        attente_d = minutes_de_marche(km_d)
        minutes = np.full(len(noeuds), np.inf)
        indice = np.full(len(noeuds), -1, dtype=np.int64)
        for i, (noeud, attente) in enumerate(zip(noeuds, marche, strict=True)):
            # Borne croissante (8, 16, 32… minutes) : exacte dès qu'un lieu est trouvé sous elle, et la recherche
            # ne va guère plus loin que deux fois le temps cherché.
            borne = min(limite, 8.0)
            while True:
                if attente <= borne:
                    dist = csgraph.dijkstra(self.graphe.avant, directed=True, indices=int(noeud), limit=borne - attente)
                    t = dist[noeuds_d] + attente_d + attente
                    j = int(np.argmin(t))
                    if t[j] <= borne:
                        minutes[i], indice[i] = t[j], j
                        break
                if borne >= limite:
                    break
                borne = min(limite, 2 * borne)
        return minutes, indice

    def couvertures_depuis_la_demande(self, prep, cand_lat, cand_lon, seuil) -> list[np.ndarray]:
        """Pour chaque candidat, les origines de `prep` à moins de `seuil` minutes de lui : une recherche bornée
        depuis chaque origine, dans le sens de la route (moins d'origines que de candidats)."""
        noeuds_c, km_c = self.graphe.accrocher(cand_lat, cand_lon)
        attente_c = minutes_de_marche(km_c)
        couvre = [[] for _ in range(len(noeuds_c))]
        for i, (noeud, marche) in enumerate(zip(prep["noeuds"], prep["marche"], strict=True)):
            if marche > seuil:
                continue
            dist = csgraph.dijkstra(self.graphe.avant, directed=True, indices=int(noeud), limit=seuil - marche)
            for j in np.flatnonzero(dist[noeuds_c] + attente_c + marche <= seuil):
                couvre[j].append(i)
        return [np.asarray(x, dtype=np.int64) for x in couvre]

    def depuis(self, prep, lat, lon, limite=None):
        """Une seule source : Dijkstra sur la matrice inversée telle quelle (pas de nœud virtuel à ajouter,
        donc pas de copie du graphe), l'écart du lieu à sa route ajouté ensuite."""
        limite = self.limite if limite is None else limite
        noeud, km = self.graphe.accrocher([lat], [lon])
        attente = float(minutes_de_marche(km)[0])
        if attente > limite:
            return np.full(len(prep["noeuds"]), np.inf)
        dist = csgraph.dijkstra(self.graphe.inverse, directed=True, indices=int(noeud[0]), limit=limite - attente)
        minutes = dist[prep["noeuds"]] + attente + prep["marche"]
        return np.where(minutes <= limite, minutes, np.inf)

    def ajouter(self, etat, prep, lat, lon, minutes):
        """Les minutes de chaque origine vers un lieu ajouté en (lat, lon), là seulement où il fait mieux que
        `minutes` (les temps actuels) : ailleurs, infini. Voir `parcours_d_ajout`."""
        return self.parcours_d_ajout(etat, prep, lat, lon, minutes)[0]

    def parcours_d_ajout(self, etat, prep, lat, lon, minutes, premiere_borne=4.0):
        """Une recherche bornée depuis le seul lieu ajouté : (minutes des origines qu'il rapproche, infini
        ailleurs ; nombre de nœuds de route atteints par la dernière recherche).

        Bornes, toutes exactes :
        - une origine ne gagne que si le nouveau temps passe sous le sien (et sous la borne du moteur) ; à vol
          d'oiseau, à la plus grande vitesse admise, il ne peut être moindre que la distance divisée par cette
          vitesse : les origines qui ne peuvent gagner sont écartées, et la recherche ne va jamais au-delà du plus
          grand temps qu'une des autres pourrait gagner ;
        - la région R des nœuds que le nouveau lieu rapproche (temps du nouveau lieu < temps actuel, connu par
          l'état des nœuds du calcul de départ) contient le plus court chemin du nouveau lieu vers chacun de ses
          nœuds (un nœud hors de R sur ce chemin donnerait au nœud d'arrivée un temps actuel déjà aussi bon). Une
          recherche bornée à L contient donc toute R dès qu'aucun nœud atteint de R (ou de temps actuel inconnu)
          n'a d'arc vers un nœud non atteint : la borne part de `premiere_borne` et double tant que ce n'est pas
          le cas. R est la cellule du nouveau lieu : bien plus petite que la boule de la borne du moteur.

        Un état périmé dont les temps sont plus longs que les vrais (après un autre ajout) reste exact : on
        s'arrête moins. Après un retrait, il faut l'état refait par `retirer` (ou aucun : None)."""
        noeuds_o, marche = prep["noeuds"], prep["marche"]
        noeud, km = self.graphe.accrocher([lat], [lon])
        noeud, attente = int(noeud[0]), float(minutes_de_marche(km)[0])
        resultat = np.full(len(noeuds_o), np.inf)
        # Le temps de route (attente comprise) sous lequel chaque origine gagnerait.
        gain = np.minimum(np.where(np.isfinite(minutes), minutes, np.inf), self.limite) - marche
        # Au plus vite : la route entre les deux nœuds d'accroche, à vol d'oiseau moins les deux écarts.
        # (10 m de marge : les positions des nœuds sont rangées en float32.)
        ecarts = float(km[0]) + prep["ecart_km"] + 0.01
        route_km = np.maximum(distance_km(prep["lat"], prep["lon"], lat, lon) - ecarts, 0.0)
        candidates = gain > attente + route_km / VITESSE_MAX_KMH * 60.0
        if not candidates.any():
            return resultat, 0
        borne_max = float(gain[candidates].max())
        borne = borne_max if etat is None else min(borne_max, attente + premiere_borne)
        inverse = self.graphe.inverse
        while True:
            dist = csgraph.dijkstra(inverse, directed=True, indices=noeud, limit=borne - attente) + attente
            if borne >= borne_max:
                break
            # Les nœuds atteints de R (ou inconnus de l'état) qui ont un arc vers un nœud non atteint : seuls ceux
            # dont l'arc le plus long sort de la borne peuvent en avoir un (une fine couronne, pas toute la boule).
            # (À 1e-9 près : un nœud à égalité ne fait rien gagner au-delà de lui.)
            couronne = np.flatnonzero(dist + self.graphe.arc_max > borne)
            couronne = couronne[np.isfinite(dist[couronne])]
            dans_r = couronne[dist[couronne] < etat.temps(couronne) - 1e-9]
            debuts = inverse.indptr[dans_r]
            comptes = (inverse.indptr[dans_r + 1] - debuts).astype(np.int64)
            position = np.repeat(debuts - np.cumsum(comptes) + comptes, comptes) + np.arange(int(comptes.sum()))
            vers_dehors = ~np.isfinite(dist[inverse.indices[position]])
            frontiere = np.unique(np.repeat(dans_r, comptes)[vers_dehors])
            # Une origine non atteinte ne gagne que par un chemin qui passe une frontière de R : au mieux le temps
            # de ce nœud plus la suite à vol d'oiseau à la plus grande vitesse admise.
            ouvertes = np.flatnonzero(candidates & ~np.isfinite(dist[noeuds_o]))
            if len(frontiere) and len(ouvertes):
                ouvertes = ouvertes[gain[ouvertes] > borne]
            if len(frontiere) and len(ouvertes):
                # Au mieux : le plus petit temps de la frontière, plus la distance au plus proche de ses nœuds.
                arbre = cKDTree(sur_la_sphere(self.graphe.lat[frontiere], self.graphe.lon[frontiere]))
                corde, _ = arbre.query(sur_la_sphere(prep["lat"][ouvertes], prep["lon"][ouvertes]), k=1)
                km_o = np.maximum(corde_en_km(corde) - prep["ecart_km"][ouvertes] - 0.01, 0.0)
                ouvertes = ouvertes[float(dist[frontiere].min()) + km_o * MINUTES_PAR_KM < gain[ouvertes]]
            if not len(frontiere) or not len(ouvertes):
                break
            borne = min(borne_max, 2 * borne)
        t = dist[noeuds_o] + marche
        gagne = candidates & (t < minutes) & (t <= self.limite)
        resultat[gagne] = t[gagne]
        return resultat, int(np.isfinite(dist).sum())

    def rayon_km(self, minutes) -> float:
        return minutes / 60.0 * VITESSE_MAX_KMH
