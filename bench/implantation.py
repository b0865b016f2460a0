"""Banc : implantation de k = 20 lieux, 5 000 points de demande × 1 000 candidats (couverture maximale).

Instance synthétique réaliste : 5 000 communes tirées dans un carré de 200 × 200 km (population log-normale,
quelques bourgs et beaucoup de villages), 1 000 candidats pris parmi elles ; un candidat couvre les points à
moins de 20 minutes par l'estimation (15,4 km à vol d'oiseau). On compare le glouton paresseux (et sa borne) à
l'optimum exact de HiGHS, puis au MCLP de spopt (dépendance de développement) sur la même instance : même
matrice de temps (minutes de l'estimation), même rayon, mêmes poids, résolu par le CBC livré avec PuLP puis par
HiGHS à travers PuLP. Le temps de spopt compte la construction du modèle PuLP et la résolution.

Usage : `python bench/implantation.py [--sans-spopt]`.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guichet.couverture import implantation  # noqa: E402
from guichet.couverture.estimation import Estimation, km_en_corde, sur_la_sphere  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--sans-spopt", action="store_true", help="Ne pas comparer au MCLP de spopt.")
args = parser.parse_args()

N_DEMANDE, N_CANDIDATS, K, SEUIL = 5_000, 1_000, 20, 20
hasard = np.random.default_rng(2026)
lat = 45.0 + hasard.uniform(0, 1.8, N_DEMANDE)
lon = 1.5 + hasard.uniform(0, 2.55, N_DEMANDE)
poids = np.rint(hasard.lognormal(6.0, 1.2, N_DEMANDE)).astype(float)
candidats = hasard.choice(N_DEMANDE, N_CANDIDATS, replace=False)

moteur = Estimation()
prep = {"xyz": sur_la_sphere(lat, lon)}
debut = time.perf_counter()
ensembles = implantation.couvertures_estimation(moteur, prep, lat[candidats], lon[candidats], SEUIL)
t_ensembles = time.perf_counter() - debut
print(
    f"Instance : {N_DEMANDE} points de demande × {N_CANDIDATS} candidats, k = {K}, seuil {SEUIL} min "
    f"({km_en_corde(moteur.rayon_km(SEUIL)):.5f} de corde) ; {sum(len(e) for e in ensembles)} couples couverts ; "
    f"ensembles en {t_ensembles * 1000:.0f} ms"
)

debut = time.perf_counter()
g = implantation.glouton(ensembles, poids, K)
t_glouton = time.perf_counter() - debut
print(
    f"Glouton paresseux : {g.couverte:.0f} habitants couverts en {t_glouton * 1000:.1f} ms "
    f"({g.evaluations} évaluations de gain) ; borne supérieure {g.borne_superieure:.0f} "
    f"(≥ {g.garantie:.2%} de l'optimum)"
)

debut = time.perf_counter()
x = implantation.exact(ensembles, poids, K)
t_exact = time.perf_counter() - debut
print(f"Exact (HiGHS) : {x.couverte:.0f} habitants couverts en {t_exact:.2f} s (borne duale {x.borne_superieure:.0f})")
print(
    f"Glouton / exact : {g.couverte / x.couverte:.4%} (cible ≥ 99 %) ; exact / glouton en temps : "
    f"{t_exact / t_glouton:.0f}× (cible ≥ 100×)"
)

if args.sans_spopt:
    sys.exit(0)

debut = time.perf_counter()
import pulp  # noqa: E402
from spopt.locate import MCLP  # noqa: E402

from guichet.couverture.estimation import corde_en_km, km_en_minutes  # noqa: E402

print(f"spopt importé en {time.perf_counter() - debut:.1f} s (geopandas, libpysal, pulp…)")
# La même instance : la matrice des temps (points de demande × candidats) de l'estimation, sur la sphère.
xyz_d, xyz_c = prep["xyz"], sur_la_sphere(lat[candidats], lon[candidats])
cordes = np.sqrt(np.maximum(2.0 - 2.0 * xyz_d @ xyz_c.T, 0.0))
matrice = km_en_minutes(corde_en_km(cordes))
assert int((matrice <= SEUIL).sum()) == sum(len(e) for e in ensembles), "instance différente de la nôtre"
solveurs = [("CBC livré avec PuLP", pulp.PULP_CBC_CMD(msg=False))]
if "HiGHS" in pulp.listSolvers(onlyAvailable=True):
    solveurs.append(("HiGHS via PuLP", pulp.HiGHS(msg=False)))
for libelle, solveur in solveurs:
    debut = time.perf_counter()
    mclp = MCLP.from_cost_matrix(matrice, poids, service_radius=float(SEUIL), p_facilities=K)
    t_modele = time.perf_counter() - debut
    mclp.solve(solveur)
    t_spopt = time.perf_counter() - debut
    ouverts = [j for j in range(N_CANDIDATS) if (mclp.fac_vars[j].value() or 0) > 0.5]
    couvert = np.zeros(N_DEMANDE, dtype=bool)
    for j in ouverts:
        couvert[ensembles[j]] = True
    objectif = pulp.value(mclp.problem.objective)
    print(
        f"spopt MCLP ({libelle}) : objectif {objectif:.0f} habitants, {len(ouverts)} lieux ouverts "
        f"(recompté : {poids[couvert].sum():.0f}) en {t_spopt:.2f} s dont modèle PuLP {t_modele:.2f} s ; "
        f"glouton / spopt {g.couverte / objectif:.4%}, spopt / exact HiGHS {objectif / x.couverte:.4%}, "
        f"temps spopt / glouton {t_spopt / t_glouton:.0f}×"
    )
