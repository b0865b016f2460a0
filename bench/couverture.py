"""Banc : le moteur d'estimation, toutes les communes de France vers tous les lieux (cible < 1 s).

Sans base : 35 000 points d'origine et 2 800 sites fixes + 1 800 arrêts et permanences tirés au hasard dans
l'emprise de la France métropolitaine (le calcul ne dépend que du nombre de points, pas de leur nom).
Puis, si une base avec la géographie et la démonstration est donnée (GUICHET_DATA_DIR ou DATABASE_URL d'une
base où `guichet import_territoires` et `guichet demo` ont tourné, avec `--base`), la couverture réelle
des communes, lecture de la base comprise.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")
os.environ.setdefault("DEBUG", "true")
import django  # noqa: E402

django.setup()

from guichet.couverture import calcul  # noqa: E402
from guichet.couverture.donnees import Destination, Destinations, Origines  # noqa: E402
from guichet.couverture.estimation import Estimation  # noqa: E402

COMMUNES, LIEUX = 35_000, 4_600
hasard = np.random.default_rng(42)


def points(n):
    return hasard.uniform(42.3, 51.1, n), hasard.uniform(-4.8, 8.2, n)


lat, lon = points(COMMUNES)
origines = Origines(
    codes=np.array([f"{i:05d}" for i in range(COMMUNES)], dtype=object),
    noms=np.array([f"C{i}" for i in range(COMMUNES)], dtype=object),
    departements=np.array([f"{i % 95 + 1:02d}" for i in range(COMMUNES)], dtype=object),
    population=hasard.integers(50, 5000, COMMUNES),
    lat=lat,
    lon=lon,
)
dlat, dlon = points(LIEUX)
destinations = Destinations.depuis(
    [
        Destination(f"S:{i}", f"BANC-{i}", f"Site {i}", "structure", a, b, "00")
        for i, (a, b) in enumerate(zip(dlat, dlon, strict=True))
    ]
)
moteur = Estimation()
durees = []
for _ in range(5):
    debut = time.perf_counter()
    c = calcul.calculer(origines, destinations, moteur)
    s = calcul.synthese(c, (20, 30))
    durees.append(time.perf_counter() - debut)
print(
    f"Estimation, {COMMUNES} origines × {LIEUX} lieux (synthèse par département comprise) : "
    f"meilleur {min(durees) * 1000:.0f} ms, médiane {sorted(durees)[2] * 1000:.0f} ms (cible < 1000 ms)"
)
print(f"  part à moins de 20 min : {s['part_sous_seuil']['20']:.1%} (points au hasard)")

if "--base" in sys.argv:
    from guichet.couverture import services  # noqa: E402

    debut = time.perf_counter()
    c = services.couverture()
    lecture_et_calcul = time.perf_counter() - debut
    debut = time.perf_counter()
    calcul.calculer(c.origines, c.destinations, moteur)
    seul = time.perf_counter() - debut
    print(
        f"Base : {len(c.origines)} communes × {len(c.destinations)} lieux : lecture + calcul "
        f"{lecture_et_calcul * 1000:.0f} ms, calcul seul {seul * 1000:.0f} ms"
    )
