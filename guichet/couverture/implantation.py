"""Où implanter k nouveaux lieux : le problème de la couverture maximale (MCLP).

Demande : les origines aujourd'hui au-delà du seuil, pesées par leur population. Candidats : les communes
(leur mairie) ou une liste donnée (les bureaux de poste d'un porteur, par exemple). Un candidat couvre une
origine s'il en est à moins du seuil. Choisir k candidats qui couvrent le plus de population.

- `glouton` : l'algorithme glouton à évaluation paresseuse (le gain d'un candidat ne peut que baisser quand
  d'autres sont choisis : on ne réévalue que le meilleur de la file). Garantie : au moins 1 − 1/e ≈ 63 % de
  l'optimum ; borne a posteriori, plus serrée, rendue avec le résultat : l'optimum ne dépasse pas la
  couverture gloutonne plus la somme des k plus grands gains restants (Minoux), calculée à chaque étape.
- `exact` : le programme linéaire en nombres entiers résolu par HiGHS (highspy), pour vérifier le glouton
  sur des instances de taille raisonnable (tests, bench/implantation.py).
"""

import heapq
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from guichet.couverture.estimation import km_en_corde, sur_la_sphere


@dataclass
class Choix:
    candidats: list[int]  # indices des candidats choisis, dans l'ordre du choix
    gains: list[float]  # population gagnée par chacun, dans cet ordre
    couverte: float  # population couverte par l'ensemble
    borne_superieure: float  # l'optimum ne peut pas dépasser ce nombre
    evaluations: int = 0

    @property
    def garantie(self) -> float:
        """Part de l'optimum atteinte au moins (couverte / borne)."""
        return self.couverte / self.borne_superieure if self.borne_superieure else 1.0


def couvertures_estimation(moteur, prep_demande, cand_lat, cand_lon, seuil) -> list[np.ndarray]:
    """Pour chaque candidat, les indices des origines à moins de `seuil` minutes (moteur d'estimation)."""
    if not len(prep_demande["xyz"]):
        return [np.array([], dtype=np.int64) for _ in cand_lat]
    arbre = cKDTree(prep_demande["xyz"])
    rayon = km_en_corde(moteur.rayon_km(seuil))
    return [np.asarray(ix, dtype=np.int64) for ix in arbre.query_ball_point(sur_la_sphere(cand_lat, cand_lon), rayon)]


def couvertures(moteur, prep_demande, cand_lat, cand_lon, seuil) -> list[np.ndarray]:
    """Les ensembles couverts, quel que soit le moteur. Le routier : une recherche bornée au seuil par candidat, ou
    par point de demande quand ils sont moins nombreux (le cas courant : peu de communes au-delà du seuil), dans le
    sens de la route ; les deux donnent le même temps (marche + route + marche)."""
    if moteur.nom == "estimation":
        return couvertures_estimation(moteur, prep_demande, cand_lat, cand_lon, seuil)
    if len(prep_demande["noeuds"]) < len(cand_lat):
        return moteur.couvertures_depuis_la_demande(prep_demande, cand_lat, cand_lon, seuil)
    return [
        np.flatnonzero(moteur.depuis(prep_demande, la, lo, limite=seuil) <= seuil)
        for la, lo in zip(cand_lat, cand_lon, strict=True)
    ]


def glouton(ensembles: list[np.ndarray], poids: np.ndarray, k: int) -> Choix:
    poids = np.asarray(poids, dtype=float)
    couvert = np.zeros(len(poids), dtype=bool)
    file = [(-float(poids[e].sum()), j) for j, e in enumerate(ensembles)]
    heapq.heapify(file)
    choisis, gains, evaluations = [], [], len(ensembles)
    borne = np.inf
    while file and len(choisis) < k:
        moins_gain, j = heapq.heappop(file)
        gain = float(poids[ensembles[j]][~couvert[ensembles[j]]].sum())
        evaluations += 1
        if file and gain < -file[0][0] - 1e-9:
            heapq.heappush(file, (-gain, j))  # périmé : remis à sa vraie place
            continue
        if gain <= 0:
            break
        # Borne de Minoux avant ce choix : couverture actuelle + les k plus grands gains (majorés par la file).
        majorants = sorted([gain] + [-g for g, _ in heapq.nsmallest(k - 1, file)], reverse=True)[:k]
        borne = min(borne, float(poids[couvert].sum()) + sum(majorants))
        choisis.append(j)
        gains.append(gain)
        couvert[ensembles[j]] = True
    couverte = float(poids[couvert].sum())
    # Borne à la fin : couverture + les k plus grands gains restants (des majorants, la file n'étant pas à jour).
    restants = [-g for g, _ in heapq.nsmallest(k, file) if -g > 0]
    borne = min(borne, couverte + sum(restants))
    return Choix(choisis, gains, couverte, max(borne, couverte), evaluations)


def exact(ensembles: list[np.ndarray], poids: np.ndarray, k: int, temps_max_s: float = 600.0) -> Choix:
    """L'optimum par HiGHS : max Σ w_i y_i, y_i ≤ Σ_{j couvre i} x_j, Σ x_j = k, x binaire, 0 ≤ y ≤ 1."""
    import highspy

    poids = np.asarray(poids, dtype=float)
    n_c, n_d = len(ensembles), len(poids)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(temps_max_s))
    h.setOptionValue("mip_rel_gap", 0.0)
    inf = highspy.kHighsInf
    # Variables : x_0..x_{n_c-1} (binaires), puis y_0..y_{n_d-1}.
    couts = np.concatenate((np.zeros(n_c), -poids))  # HiGHS minimise : −Σ w y
    h.addVars(n_c + n_d, np.zeros(n_c + n_d), np.ones(n_c + n_d))
    h.changeColsCost(n_c + n_d, np.arange(n_c + n_d, dtype=np.int32), couts)
    h.changeColsIntegrality(n_c, np.arange(n_c, dtype=np.int32), np.full(n_c, highspy.HighsVarType.kInteger))
    # Σ x = k
    h.addRow(k, k, n_c, np.arange(n_c, dtype=np.int32), np.ones(n_c))
    # y_i − Σ_{j couvre i} x_j ≤ 0
    par_demande = [[] for _ in range(n_d)]
    for j, e in enumerate(ensembles):
        for i in e:
            par_demande[int(i)].append(j)
    debuts, indices, valeurs = [], [], []
    for i, js in enumerate(par_demande):
        debuts.append(len(indices))
        indices += [n_c + i, *js]
        valeurs += [1.0] + [-1.0] * len(js)
    h.addRows(
        n_d,
        np.full(n_d, -inf),
        np.zeros(n_d),
        len(indices),
        np.array(debuts, dtype=np.int32),
        np.array(indices, dtype=np.int32),
        np.array(valeurs),
    )
    h.run()
    x = np.array(h.getSolution().col_value[:n_c])
    choisis = [int(j) for j in np.flatnonzero(x > 0.5)]
    couvert = np.zeros(n_d, dtype=bool)
    for j in choisis:
        couvert[ensembles[j]] = True
    couverte = float(poids[couvert].sum())
    borne = -float(h.getInfo().mip_dual_bound) if h.getInfo().mip_dual_bound is not None else couverte
    return Choix(choisis, [], couverte, max(borne, couverte))
