"""Banc : le moteur routier sur un réseau de la taille d'une région, puis l'extrapolation à la France.

Aucun téléchargement n'est possible ici : le réseau est SYNTHÉTIQUE, écrit par le rédacteur de pyosmium —
une grille de `--cote` × `--cote` nœuds espacés de `--pas` mètres (par défaut 2 000 × 2 000 nœuds à 145 m :
290 × 290 km, la surface de la Nouvelle-Aquitaine ; 4 millions de nœuds, l'ordre de grandeur du réseau
carrossable d'une grande région dans OpenStreetMap), découpée en voies de 20 nœuds comme dans OSM ; une ligne
sur dix est une départementale (secondary, 70 km/h), une sur cinquante une nationale (trunk, 100 km/h), le
reste des rues (residential, 30 km/h). Origines : 4 000 communes au hasard ; destinations : 300 lieux.

Mesures : écriture et taille du .pbf, import (lecture pyosmium + graphe CSR), taille du .npz, chargement,
Dijkstra depuis tous les lieux (borné à 60 min), scénario sur un département (ajout ; retrait par la cellule
du lieu retiré, et sans l'état des nœuds pour comparer), mémoire maximale du processus.
Usage : `python bench/couverture_routier.py [--cote 2000] [--pas 145] [--graphe reseau_routier.npz]`.
"""

import argparse
import dataclasses
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")
os.environ.setdefault("DEBUG", "true")
import django  # noqa: E402

django.setup()

import osmium  # noqa: E402

from guichet.couverture import calcul, routier  # noqa: E402
from guichet.couverture.donnees import Destination, Destinations, Origines  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--cote", type=int, default=2000)
parser.add_argument("--pas", type=float, default=145.0)
parser.add_argument(
    "--graphe", help="Un graphe .npz déjà rangé par ce banc (même --cote et --pas) : ni écriture ni import."
)
args = parser.parse_args()
N, PAS = args.cote, args.pas
LAT0, LON0 = 44.0, -1.0
dlat = PAS / 111_195.0
dlon = PAS / (111_195.0 * np.cos(np.radians(LAT0 + N * dlat / 2)))


def memoire_mo():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if args.graphe:
    npz = Path(args.graphe)
else:
    dossier = Path(tempfile.mkdtemp(prefix="guichet-banc-routier-"))
    pbf = dossier / "region.osm.pbf"
    debut = time.perf_counter()
    with osmium.SimpleWriter(str(pbf)) as w:
        for i in range(N):
            la = LAT0 + i * dlat
            for j in range(N):
                w.add_node(osmium.osm.mutable.Node(id=1 + i * N + j, location=(LON0 + j * dlon, la), version=1))
        voie = 1

        def classe(k):
            return "trunk" if k % 50 == 0 else ("secondary" if k % 10 == 0 else "residential")

        for i in range(N):
            for debut_j in range(0, N - 1, 19):
                ids = [1 + i * N + j for j in range(debut_j, min(debut_j + 20, N))]
                w.add_way(osmium.osm.mutable.Way(id=voie, nodes=ids, tags={"highway": classe(i)}, version=1))
                voie += 1
        for j in range(N):
            for debut_i in range(0, N - 1, 19):
                ids = [1 + i * N + j for i in range(debut_i, min(debut_i + 20, N))]
                w.add_way(osmium.osm.mutable.Way(id=voie, nodes=ids, tags={"highway": classe(j)}, version=1))
                voie += 1
    t_ecriture = time.perf_counter() - debut
    cote_km = N * PAS / 1000
    print(
        f"Réseau synthétique : {N}×{N} = {N * N:,} nœuds, {voie - 1:,} voies, {cote_km:.0f} × {cote_km:.0f} km ; "
        f".pbf de {pbf.stat().st_size / 1e6:.0f} Mo écrit en {t_ecriture:.0f} s"
    )

    debut = time.perf_counter()
    graphe, r = routier.lire_extrait(pbf)
    t_import = time.perf_counter() - debut
    print(
        f"Import : {t_import:.1f} s (lecture {r.duree_lecture_s:.1f} s, graphe {r.duree_graphe_s:.1f} s), "
        f"{r.noeuds:,} nœuds, {r.arcs:,} arcs ; mémoire max du processus {memoire_mo():.0f} Mo"
    )
    npz = dossier / "reseau_routier.npz"
    routier.enregistrer(graphe, npz)
    del graphe
    print(f"Graphe rangé : {npz.stat().st_size / 1e6:.0f} Mo")

debut = time.perf_counter()
g = routier.charger_graphe(npz)
t_charge = time.perf_counter() - debut
m = routier.Routier(g)
print(f"Chargement (matrice inversée et arbre k-d des nœuds) : {t_charge:.1f} s ; mémoire max {memoire_mo():.0f} Mo")

hasard = np.random.default_rng(1)
n_o, n_d = 4000, 300
lat_o = LAT0 + hasard.uniform(0, N * dlat, n_o)
lon_o = LON0 + hasard.uniform(0, N * dlon, n_o)
origines = Origines(
    codes=np.array([f"{i:05d}" for i in range(n_o)], dtype=object),
    noms=np.array([f"C{i}" for i in range(n_o)], dtype=object),
    departements=np.array([f"D{(i % 12):02d}" for i in range(n_o)], dtype=object),
    population=hasard.integers(100, 5000, n_o),
    lat=lat_o,
    lon=lon_o,
)
lieux = Destinations.depuis(
    [
        Destination(f"S:{k}", f"M{k}", f"Lieu {k}", "structure", float(a), float(b), "")
        for k, (a, b) in enumerate(
            zip(LAT0 + hasard.uniform(0, N * dlat, n_d), LON0 + hasard.uniform(0, N * dlon, n_d), strict=True)
        )
    ]
)
debut = time.perf_counter()
c = calcul.calculer(origines, lieux, m)
t_tous = time.perf_counter() - debut
s = calcul.synthese(c, (20, 30))
print(
    f"Tous les lieux ({n_d}) vers {n_o} communes, Dijkstra à sources multiples borné à 60 min : {t_tous:.2f} s ; "
    f"part à moins de 20 min {s['part_sous_seuil']['20']:.1%} ; mémoire max {memoire_mo():.0f} Mo"
)

# Un département : le douzième sud-ouest de la région (environ 6 000 km²) et les lieux qui peuvent l'atteindre.
masque = (lat_o < LAT0 + N * dlat / 3) & (lon_o < LON0 + N * dlon / 4)
dep = origines.sous_ensemble(masque)
c_dep = calcul.calculer(dep, lieux, m)
mesures = []
for k in range(5):
    debut = time.perf_counter()
    apres = calcul.appliquer(c_dep, calcul.Changement(ajouts=[(float(dep.lat[k]), float(dep.lon[k]), "h")]))
    calcul.ecarts(c_dep, apres)
    mesures.append(time.perf_counter() - debut)
print(
    f"Scénario sur un département ({len(dep)} communes) — ajout d'un arrêt : médiane {np.median(mesures) * 1000:.0f} ms"
)
proches = [int(k) for k in np.unique(c_dep.indice[c_dep.indice >= 0])[:5]]
touchees = [int((c_dep.indice == k).sum()) for k in proches]
etat = c_dep.etat
print(
    f"État des nœuds gardé pour les retraits : {len(etat.noeuds):,} nœuds "
    f"({(etat.noeuds.nbytes + etat.dist.nbytes + etat.source.nbytes) / 1e6:.0f} Mo)"
)
sans_etat = dataclasses.replace(c_dep, etat=None)
for libelle, depart in (("par la cellule du lieu", c_dep), ("sans l'état (recherches depuis les communes)", sans_etat)):
    mesures, cellules = [], []
    for k in proches:
        debut = time.perf_counter()
        apres = calcul.appliquer(depart, calcul.Changement(retraits=[k]))
        calcul.ecarts(depart, apres)
        mesures.append(time.perf_counter() - debut)
        cellules.append(int((etat.source == k).sum()))
    print(
        f"                                       — retrait d'un lieu, {libelle} : médiane "
        f"{np.median(mesures) * 1000:.0f} ms, au plus {max(mesures) * 1000:.0f} ms "
        f"(communes touchées : {touchees} ; nœuds des cellules : {cellules})"
    )
print(f"Mémoire maximale du processus : {memoire_mo():.0f} Mo")
