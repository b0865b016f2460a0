import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from guichet.couverture import implantation
from tests.couverture.monde import monde


def E(*ix):
    return np.array(ix, dtype=np.int64)


def test_glouton_sur_un_cas_dont_l_optimum_est_connu():
    # Six points ; le candidat 0 couvre le plus (3 points, 30) mais le bon couple est {1, 2} (4 points, 40).
    poids = np.array([10, 10, 10, 10, 10, 10.0])
    ensembles = [E(1, 2, 3), E(0, 1), E(2, 3), E(4)]
    optimum = implantation.exact(ensembles, poids, 2)
    assert optimum.couverte == 40 and sorted(optimum.candidats) in ([0, 1], [1, 2], [0, 3], [1, 3])
    choix = implantation.glouton(ensembles, poids, 2)
    assert choix.candidats[0] == 0
    assert choix.couverte == 40  # 0 puis 1 : {0,1,2,3}
    assert choix.borne_superieure >= optimum.couverte
    assert choix.gains == [30, 10]


def test_glouton_paresseux_egal_au_glouton_naif_et_proche_de_l_exact():
    hasard = np.random.default_rng(7)
    n_d, n_c, k = 300, 60, 5
    poids = hasard.integers(1, 1000, n_d).astype(float)
    ensembles = [np.unique(hasard.integers(0, n_d, hasard.integers(3, 25))) for _ in range(n_c)]
    paresseux = implantation.glouton(ensembles, poids, k)
    # Le glouton naïf : tous les gains recalculés à chaque étape.
    couvert, naif = np.zeros(n_d, dtype=bool), []
    for _ in range(k):
        gains = [poids[e][~couvert[e]].sum() for e in ensembles]
        j = int(np.argmax(gains))
        naif.append(j)
        couvert[ensembles[j]] = True
    assert paresseux.couverte == pytest.approx(poids[couvert].sum())
    assert paresseux.evaluations < n_c * k  # la paresse évite des réévaluations
    optimum = implantation.exact(ensembles, poids, k)
    assert paresseux.couverte <= optimum.couverte + 1e-6 <= paresseux.borne_superieure + 1e-6
    assert paresseux.couverte >= (1 - 1 / np.e) * optimum.couverte


@pytest.mark.django_db
def test_commande_implanter(capsys):
    monde()
    call_command("implanter", "--departement", "19", "--nouveaux", "1", "--json")
    r = json.loads(capsys.readouterr().out)
    assert r["moteur"] == "estimation" and len(r["lieux"]) == 1
    # Hors des 20 minutes : Brive (46 000), Chamberet et Treignac ; Brive elle-même est le meilleur choix.
    assert r["lieux"][0]["nom"] == "Brive-la-Gaillarde (19031)"
    assert r["population_gagnee"] >= 46_000
    assert r["borne_superieure"] >= r["population_gagnee"]


@pytest.mark.django_db
def test_commande_implanter_avec_une_liste_de_candidats(tmp_path, capsys):
    monde()
    f = tmp_path / "postes.csv"
    f.write_text("nom,latitude,longitude\nBureau de Treignac,45.5372,1.7944\nBureau de Meymac,45.5361,2.1461\n")
    call_command("implanter", "--departement", "19", "--nouveaux", "1", "--candidats", str(f), "--json")
    r = json.loads(capsys.readouterr().out)
    assert r["lieux"][0]["nom"] == "Bureau de Treignac"
    f.write_text("nom,latitude,longitude\nMauvais,abc,1\n")
    with pytest.raises(CommandError, match="Ligne 2 : latitude et longitude attendues"):
        call_command("implanter", "--departement", "19", "--candidats", str(f))


def test_routier_couvertures_depuis_la_demande_egales_a_celles_depuis_les_candidats(tmp_path):
    """Peu de communes au-delà du seuil, beaucoup de candidats : la recherche part des communes, dans le sens de la
    route (sens uniques compris), et trouve les mêmes ensembles que depuis chaque candidat."""
    from guichet.couverture import routier
    from guichet.couverture.donnees import Origines
    from tests.couverture.extraits import ecrire_grille

    chemin = ecrire_grille(tmp_path / "grille.osm.pbf", 30, 40, lat0=45.0, lon0=1.5, sens_uniques=True)
    m = routier.Routier(routier.Graphe(routier.lire_extrait(chemin)[0]))
    hasard = np.random.default_rng(5)
    n = 12
    demande = Origines(
        codes=np.array([f"{i:05d}" for i in range(n)], dtype=object),
        noms=np.array([f"C{i}" for i in range(n)], dtype=object),
        departements=np.array(["19"] * n, dtype=object),
        population=hasard.integers(10, 900, n),
        lat=hasard.uniform(45.0, 45.29, n),
        lon=hasard.uniform(1.5, 1.89, n),
    )
    prep = m.preparer_origines(demande)
    cand_lat, cand_lon = hasard.uniform(45.0, 45.29, 60), hasard.uniform(1.5, 1.89, 60)
    depuis_la_demande = implantation.couvertures(m, prep, cand_lat, cand_lon, 20)
    depuis_les_candidats = [
        np.flatnonzero(m.depuis(prep, la, lo, limite=20) <= 20) for la, lo in zip(cand_lat, cand_lon, strict=True)
    ]
    assert sum(len(e) for e in depuis_les_candidats) > 20  # des ensembles non vides, pas tous pleins
    assert sum(len(e) for e in depuis_les_candidats) < 12 * 60
    for a, b in zip(depuis_la_demande, depuis_les_candidats, strict=True):
        assert a.tolist() == b.tolist()
