"""Les scénarios « et si » : leurs chiffres sont ceux d'un calcul complet sur les lieux modifiés."""

import numpy as np
import pytest

from guichet.couverture import calcul, routier
from guichet.couverture.donnees import Destination, Destinations, Origines
from guichet.couverture.estimation import Estimation
from tests.couverture.extraits import ecrire_grille


def _origines(lat, lon, population):
    n = len(lat)
    return Origines(
        codes=np.array([f"{i:05d}" for i in range(n)], dtype=object),
        noms=np.array([f"C{i}" for i in range(n)], dtype=object),
        departements=np.array(["19"] * n, dtype=object),
        population=np.asarray(population, dtype=np.int64),
        lat=np.asarray(lat, dtype=float),
        lon=np.asarray(lon, dtype=float),
    )


def _lieux(points):
    return Destinations.depuis(
        [
            Destination(f"S:{i}", f"M{i}", f"Lieu {i}", "structure", float(a), float(b), "19")
            for i, (a, b) in enumerate(points)
        ]
    )


def _complet(c, changement, moteur):
    """Le calcul complet : la liste des lieux après le changement, recalculée de zéro."""
    retires = set(changement.retraits) | {i for i, _, _ in changement.deplacements}
    points = [(d.lat, d.lon) for i, d in enumerate(c.destinations.liste) if i not in retires]
    points += [(a, b) for a, b, *_ in changement.ajouts] + [(a, b) for _, a, b in changement.deplacements]
    return calcul.calculer(c.origines, _lieux(points), moteur)


def _verifier(c, changement, moteur):
    apres = calcul.appliquer(c, changement)
    complet = _complet(c, changement, moteur)
    fini = np.isfinite(complet.minutes)
    assert (np.isfinite(apres.minutes) == fini).all()
    assert np.allclose(apres.minutes[fini], complet.minutes[fini], atol=1e-6)
    e = calcul.ecarts(c, apres)
    pop = c.origines.population
    assert e["population_apres"] == int(pop[complet.minutes <= 20].sum())
    assert e["population_gagnee"] - e["population_perdue"] == e["population_apres"] - e["population_avant"]
    return apres, e


@pytest.fixture(scope="module")
def monde_aleatoire():
    hasard = np.random.default_rng(3)
    lat, lon = hasard.uniform(45.0, 45.6, 400), hasard.uniform(1.5, 2.3, 400)
    lieux = list(zip(hasard.uniform(45.0, 45.6, 12), hasard.uniform(1.5, 2.3, 12), strict=True))
    return _origines(lat, lon, hasard.integers(10, 3000, 400)), _lieux(lieux)


@pytest.mark.parametrize(
    "changement",
    [
        calcul.Changement(ajouts=[(45.3, 1.9, "h")]),
        calcul.Changement(retraits=[3]),
        calcul.Changement(retraits=[0, 5], ajouts=[(45.5, 2.2, "h"), (45.1, 1.6, "h")]),
        calcul.Changement(deplacements=[(7, 45.55, 1.55)]),
    ],
)
def test_estimation_ecarts_egaux_au_calcul_complet(monde_aleatoire, changement):
    origines, lieux = monde_aleatoire
    c = calcul.calculer(origines, lieux, Estimation())
    _verifier(c, changement, Estimation())


@pytest.fixture(scope="module")
def moteur_routier(tmp_path_factory):
    # Une grille de 60 × 80 nœuds espacés de 0,01° (environ 0,8 × 1,1 km) : 4 800 nœuds, autour de Tulle.
    chemin = ecrire_grille(tmp_path_factory.mktemp("osm") / "grille.osm.pbf", 60, 80, lat0=45.0, lon0=1.5)
    graphe, _ = routier.lire_extrait(chemin)
    return routier.Routier(routier.Graphe(graphe))


@pytest.mark.parametrize(
    "changement",
    [
        calcul.Changement(ajouts=[(45.3, 1.9, "h")]),
        calcul.Changement(retraits=[3]),
        calcul.Changement(retraits=[0, 5], ajouts=[(45.5, 2.2, "h"), (45.1, 1.6, "h")]),
        calcul.Changement(deplacements=[(7, 45.55, 1.55)]),
    ],
)
def test_routier_ecarts_egaux_au_calcul_complet(monde_aleatoire, moteur_routier, changement):
    origines, lieux = monde_aleatoire
    c = calcul.calculer(origines, lieux, moteur_routier)
    assert np.isfinite(c.minutes).mean() > 0.5
    _verifier(c, changement, moteur_routier)


def test_ajout_ne_fait_que_gagner_et_retrait_que_perdre(monde_aleatoire):
    origines, lieux = monde_aleatoire
    c = calcul.calculer(origines, lieux, Estimation())
    _, e = _verifier(c, calcul.Changement(ajouts=[(45.3, 1.9, "h")]), Estimation())
    assert e["population_perdue"] == 0
    _, e = _verifier(c, calcul.Changement(retraits=[1]), Estimation())
    assert e["population_gagnee"] == 0


def test_routier_retrait_parmi_beaucoup_de_lieux_egal_au_calcul_complet(moteur_routier):
    """Plus de lieux que `PEU_DE_SOURCES` : le retrait cherche depuis les communes touchées, (sens de la route)."""
    hasard = np.random.default_rng(11)
    origines = _origines(hasard.uniform(45.0, 45.6, 300), hasard.uniform(1.5, 2.3, 300), hasard.integers(10, 900, 300))
    lieux = _lieux(list(zip(hasard.uniform(45.0, 45.6, 60), hasard.uniform(1.5, 2.3, 60), strict=True)))
    assert len(lieux) > routier.PEU_DE_SOURCES
    c = calcul.calculer(origines, lieux, moteur_routier)
    for retrait in ([int(np.bincount(c.indice[c.indice >= 0]).argmax())], [1, 2, 3]):
        changement = calcul.Changement(retraits=retrait)
        assert np.isin(c.indice, retrait).sum() <= routier.PEU_DE_SOURCES
        _verifier(c, changement, moteur_routier)


@pytest.fixture(scope="module")
def routier_a_sens_uniques(tmp_path_factory):
    # 40 × 50 nœuds à 0,01° : des sens uniques alternés, donc aller ≠ retour et des cellules aux bords irréguliers.
    chemin = ecrire_grille(
        tmp_path_factory.mktemp("osm") / "sens.osm.pbf", 40, 50, lat0=45.0, lon0=1.5, sens_uniques=True
    )
    graphe, _ = routier.lire_extrait(chemin)
    return routier.Routier(routier.Graphe(graphe))


@pytest.fixture(scope="module")
def monde_du_second(routier_a_sens_uniques):
    """Des lieux dont le second compte : deux lieux voisins (le retrait de l'un renvoie ses communes sur l'autre,
    par les arcs qui entrent dans sa cellule), un lieu loin de la route (24 min de marche) accroché dans la
    cellule d'un autre, et assez de communes pour que chaque lieu en ait."""
    hasard = np.random.default_rng(17)
    origines = _origines(
        hasard.uniform(45.0, 45.39, 250), hasard.uniform(1.5, 1.99, 250), hasard.integers(10, 2000, 250)
    )
    points = list(zip(hasard.uniform(45.02, 45.37, 40), hasard.uniform(1.52, 1.97, 40), strict=True))
    # Le dernier : 1,6 km à l'est du bord de la grille (sa route la plus proche), dans la cellule du troisième.
    points += [(45.2, 1.7), (45.202, 1.702), (45.1, 1.98), (45.1, 2.01)]
    lieux = _lieux(points)
    c = calcul.calculer(origines, lieux, routier_a_sens_uniques)
    assert c.etat is not None  # le calcul complet garde l'état des nœuds : le retrait passe par les cellules
    return c


def test_routier_retrait_de_chaque_lieu_egal_au_calcul_complet(monde_du_second, routier_a_sens_uniques):
    """Chaque lieu retiré tour à tour (et des paires voisines) : les temps de la cellule recalculée égalent ceux
    d'un calcul complet sans ce lieu, second lieu le plus proche compris."""
    c = monde_du_second
    utiles = np.unique(c.indice[c.indice >= 0])
    assert len(utiles) > 30
    seconds = replis = 0
    non_utiles = [int(j) for j in range(len(c.destinations)) if j not in utiles]
    assert non_utiles  # un lieu qui n'est le plus proche d'aucune commune, retiré avec un autre : calcul de repli
    for retrait in (
        [[int(j)] for j in range(len(c.destinations))]
        + [[40, 41], [42, 43], [0, 40, 42]]
        + [[int(j), k] for k in non_utiles for j in utiles]
    ):
        assert np.isin(retrait, utiles).any() == bool(np.isin(c.indice, retrait).any())
        par_cellule = routier_a_sens_uniques.retirer(
            c.etat, c.prep, c.destinations, retrait, ~np.isin(np.arange(len(c.destinations)), retrait)
        )
        if np.isin(retrait, utiles).all():
            assert par_cellule is not None
        replis += par_cellule is None
        apres, _ = _verifier(c, calcul.Changement(retraits=retrait), routier_a_sens_uniques)
        touchees = np.isin(c.indice, retrait)
        seconds += int((np.isfinite(apres.minutes[touchees]) & (apres.indice[touchees] >= 0)).sum())
    assert seconds > 100  # des communes ont bien basculé sur leur second lieu
    assert 0 < replis < 20  # le repli (une cellule voisine non gardée) sert, et reste l'exception


def test_routier_retrait_d_un_lieu_qui_masque_un_lieu_loin_de_la_route(routier_a_sens_uniques):
    """Un lieu à 1,6 km de sa route (24 min de marche) est accroché dans la cellule de son voisin, qui lui prend
    même son propre nœud : retirer le voisin le sème de l'intérieur, et les communes d'à côté y vont."""
    origines = _origines([45.1, 45.11, 45.09, 45.1], [1.97, 1.96, 1.98, 1.93], [100, 200, 300, 400])
    lieux = _lieux([(45.1, 1.98), (45.1, 2.01), (45.38, 1.51)])
    c = calcul.calculer(origines, lieux, routier_a_sens_uniques)
    noeuds, km = routier_a_sens_uniques.graphe.accrocher(lieux.lat[[1]], lieux.lon[[1]])
    assert km[0] > 1.5 and c.etat.source[np.searchsorted(c.etat.noeuds, noeuds[0])] == 0
    assert (c.indice == 0).all()
    apres, _ = _verifier(c, calcul.Changement(retraits=[0]), routier_a_sens_uniques)
    assert (apres.indice == 1).all() and (apres.minutes > 24).all()


def test_routier_retrait_apres_deplacement_egal_au_calcul_complet(monde_du_second, routier_a_sens_uniques):
    for changement in (
        calcul.Changement(deplacements=[(40, 45.3, 1.9)]),
        calcul.Changement(retraits=[41], ajouts=[(45.21, 1.71, "h")]),
    ):
        _verifier(monde_du_second, changement, routier_a_sens_uniques)


def test_routier_ajout_borne_a_sa_cellule_egal_au_calcul_complet(monde_du_second, routier_a_sens_uniques):
    """L'ajout d'un lieu ne cherche que sa cellule : la recherche s'arrête bien avant la borne du moteur là où
    d'autres lieux sont proches, et le résultat est celui d'un calcul complet, partout sur la grille (au milieu
    des lieux, sur un lieu existant, dans un coin lointain, loin de toute route)."""
    c, moteur = monde_du_second, routier_a_sens_uniques
    hasard = np.random.default_rng(23)
    points = list(zip(hasard.uniform(45.0, 45.39, 25), hasard.uniform(1.5, 1.99, 25), strict=True))
    points += [(float(c.destinations.lat[0]), float(c.destinations.lon[0])), (45.39, 1.5), (45.0, 1.99), (45.2, 2.03)]
    boule = np.isfinite(csgraph_depuis(moteur, 45.2, 1.75, moteur.limite)).sum()
    bornees = 0
    for lat, lon in points:
        _verifier(c, calcul.Changement(ajouts=[(lat, lon, "h")]), moteur)
        _, atteints = moteur.parcours_d_ajout(c.etat, c.prep, lat, lon, c.minutes)
        bornees += atteints < boule / 4
    assert bornees > len(points) / 2  # la cellule, pas la boule des 60 minutes


def test_routier_ajout_apres_retrait_voisin_egal_au_calcul_complet(monde_du_second, routier_a_sens_uniques):
    """Retirer un lieu puis en ajouter un près de lui : l'ajout doit lire les temps refaits par le retrait (ceux
    de départ, plus courts dans la cellule retirée, l'arrêteraient trop tôt)."""
    c = monde_du_second
    for j in np.unique(c.indice[c.indice >= 0])[:12]:
        for ecart in (0.003, 0.03):
            lat, lon = float(c.destinations.lat[j]) + ecart, float(c.destinations.lon[j]) + ecart
            _verifier(c, calcul.Changement(retraits=[int(j)], ajouts=[(lat, lon, "h")]), routier_a_sens_uniques)


def csgraph_depuis(moteur, lat, lon, limite):
    from scipy.sparse import csgraph

    noeud, _ = moteur.graphe.accrocher([lat], [lon])
    return csgraph.dijkstra(moteur.graphe.inverse, directed=True, indices=int(noeud[0]), limit=limite)


def test_routier_ajout_loin_des_lieux_double_sa_borne_jusqu_aux_communes(routier_a_sens_uniques):
    """Un seul lieu dans un coin : le lieu ajouté à l'autre bout rapproche presque toute la grille, sa recherche
    double sa borne plusieurs fois ; les communes lointaines qu'il fait gagner sont toutes trouvées."""
    hasard = np.random.default_rng(29)
    lat, lon = hasard.uniform(45.0, 45.39, 120), hasard.uniform(1.5, 1.99, 120)
    origines = _origines(lat, lon, hasard.integers(10, 900, 120))
    c = calcul.calculer(origines, _lieux([(45.0, 1.5), (45.01, 1.51)]), routier_a_sens_uniques)
    assert c.etat is not None
    for point in [(45.39, 1.99), (45.3, 1.8), (45.2, 1.95), (45.05, 1.55)]:
        apres, e = _verifier(c, calcul.Changement(ajouts=[(*point, "h")]), routier_a_sens_uniques)
        assert (apres.minutes <= c.minutes).all()
    assert e["communes"]
