import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from guichet.couverture import carroyage
from tests.couverture.monde import monde


def test_conversion_laea_egale_celle_de_pyproj():
    from pyproj import Transformer

    vers = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)
    est = np.array([3_200_000.0, 3_600_000.0, 4_252_500.0, 4_000_000.0, 3_700_000.0])
    nord = np.array([2_100_000.0, 2_900_000.0, 2_029_900.0, 3_100_000.0, 2_500_000.0])
    lat, lon = carroyage.laea_vers_latlon(est, nord)
    lon_ref, lat_ref = vers.transform(est, nord)
    assert np.allclose(lat, lat_ref, atol=1e-6) and np.allclose(lon, lon_ref, atol=1e-6)


def _csv(chemin, lignes, separateur=","):
    chemin.write_text("\n".join([separateur.join(["Idcar_200m", "Ind", "Men"])] + lignes) + "\n", encoding="utf-8")
    return chemin


def test_lecture_du_carroyage_centres_et_habitants(tmp_path):
    f = _csv(tmp_path / "c.csv", ["CRS3035RES200mN2474000E3694000;12.5;5", "CRS3035RES200mN2474200E3694000;3;1"], ";")
    lat, lon, habitants = carroyage.lire_csv(f)
    assert list(habitants) == [12.5, 3.0]
    assert lat[1] > lat[0]  # 200 m plus au nord
    assert 44 < lat[0] < 47 and 0 < lon[0] < 3


@pytest.mark.parametrize(
    "ligne, message",
    [
        ("CRS3035RES200mN2474000E3694000,abc,1", "Ligne 3 : nombre d'habitants illisible « abc »"),
        ("N2474000E3694000,3,1", "Ligne 3 : identifiant de carreau illisible"),
        ("CRS3035RES200mN2474000E3694000,-4,1", "Ligne 3 : nombre d'habitants invraisemblable"),
        ("CRS3035RES200mN2474000E3694000", "Ligne 3 : 1 colonnes, il en faut 2"),
    ],
)
def test_ligne_fautive_nommee_et_rien_n_est_ecrit(ligne, message, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    f = _csv(tmp_path / "c.csv", ["CRS3035RES200mN2474000E3694000,1,1", ligne])
    with pytest.raises(CommandError, match=message):
        call_command("import_carroyage", str(f), "--wet-run")
    assert not carroyage.disponible()


def test_colonnes_absentes(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(carroyage.CarroyageInvalide, match="Ligne 1 : colonnes attendues"):
        carroyage.lire_csv(f)


@pytest.mark.django_db
def test_couverture_par_carreaux(tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path
    monde()
    from pyproj import Transformer

    # Deux carreaux : l'un sur Tulle, l'autre sur Brive (coins calculés par pyproj, arrondis à 200 m).
    vers = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
    lignes = []
    for lon, lat, n in ((1.7722, 45.2658, 100), (1.5331, 45.1589, 40)):
        e, no = vers.transform(lon, lat)
        lignes.append(f"CRS3035RES200mN{int(no // 200 * 200)}E{int(e // 200 * 200)},{n},1")
    f = _csv(tmp_path / "c.csv", lignes)
    call_command("import_carroyage", str(f), "--json")
    assert not carroyage.disponible()  # simulation
    call_command("import_carroyage", str(f), "--wet-run", "--json")
    capsys.readouterr()
    call_command("couverture", "--origines", "carreaux", "--departement", "19", "--json")
    donnees = json.loads(capsys.readouterr().out)
    assert donnees["population_totale"] == 140
    assert donnees["population_sous_seuil"]["20"] == 100  # le carreau de Tulle ; celui de Brive est à 30 min
    assert [c["code"] for c in donnees["communes"]] == ["19031"]
