import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from guichet.couverture import calcul, services
from guichet.couverture.donnees import ARRET, STRUCTURE, lire_destinations, lire_origines
from guichet.couverture.estimation import Estimation, distance_km
from tests.couverture.monde import COMMUNES, monde

pytestmark = pytest.mark.django_db


def test_distance_du_grand_cercle_paris_lyon():
    # Notre-Dame de Paris → place Bellecour : 391,5 km à vol d'oiseau (valeur de référence connue).
    assert distance_km(48.8530, 2.3499, 45.7578, 4.8320) == pytest.approx(391.5, abs=1.0)


def test_minutes_de_l_estimation_calculees_a_la_main():
    monde()
    c = services.couverture("19")
    i = list(c.origines.codes).index("19031")  # Brive : le plus proche est Tulle
    km = distance_km(45.1589, 1.5331, 45.2658, 1.7722)
    assert c.minutes[i] == pytest.approx(km * 1.3 / 60 * 60, rel=1e-6)
    assert c.destinations.liste[c.indice[i]].matricule == "FS-19-TULLE"


def test_destinations_labellisees_arrets_regroupes_avec_leurs_horaires_et_variante_fixes():
    monde()
    toutes = lire_destinations()
    par_cle = {d.matricule + d.type: d for d in toutes.liste}
    assert {d.matricule for d in toutes.liste} == {"FS-19-TULLE", "FS-87-LIMOGES", "FS-19-BUS"}  # pas la fermée
    arret = par_cle["FS-19-BUS" + ARRET]
    assert arret.horaires == ["mercredi 9 h–12 h", "vendredi 14 h–16 h 30"]
    assert len([d for d in toutes.liste if d.type == ARRET]) == 1  # deux passages au même lieu : un seul lieu
    fixes = lire_destinations(fixes_seulement=True)
    assert [d.type for d in fixes.liste] == [STRUCTURE, STRUCTURE]


def test_le_bus_rapproche_meymac_et_la_variante_fixes_seulement_l_eloigne():
    monde()
    avec = services.couverture("19")
    sans = services.couverture("19", fixes_seulement=True)
    i = list(avec.origines.codes).index("19164")
    assert avec.minutes[i] == pytest.approx(0.0, abs=1e-6)
    assert sans.minutes[i] > 20
    assert avec.destinations.liste[avec.indice[i]].matricule == "FS-19-BUS"


def test_synthese_et_zones_blanches_rangees_par_population():
    monde()
    c = services.couverture("19", fixes_seulement=True)
    s = calcul.synthese(c, (20, 30))
    pop = {code: v[2] for code, v in COMMUNES.items() if v[1] == "19"}
    sous_20 = sum(pop[code] for code, m in zip(c.origines.codes, c.minutes, strict=True) if m <= 20)
    assert s["population_totale"] == sum(pop.values())
    assert s["population_sous_seuil"]["20"] == sous_20
    assert s["part_sous_seuil"]["20"] == round(sous_20 / sum(pop.values()), 4)
    blanches = calcul.zones_blanches(c, 20)
    assert [b["population"] for b in blanches] == sorted((b["population"] for b in blanches), reverse=True)
    assert all(b["minutes"] > 20 for b in blanches)
    assert blanches[0]["code"] == "19031"  # Brive (30 minutes de Tulle), la plus peuplée au-delà de 20 minutes


def test_commande_couverture_json(capsys):
    monde()
    call_command("couverture", "--departement", "19", "--seuils", "30,20", "--json")
    donnees = json.loads(capsys.readouterr().out)
    assert donnees["moteur"] == "estimation"
    assert donnees["seuils"] == [20, 30]
    assert set(donnees["part_sous_seuil"]) == {"20", "30"}
    assert donnees["population_totale"] == sum(v[2] for v in COMMUNES.values() if v[1] == "19")
    assert list(donnees["par_departement"]) == ["19"]
    for ligne in donnees["communes"]:
        assert set(ligne) >= {"code", "population", "minutes", "matricule"}
        assert ligne["minutes"] > 20


def test_commande_couverture_nationale_en_texte(capsys):
    monde()
    call_command("couverture")
    sortie = capsys.readouterr().out
    assert "moteur estimation" in sortie
    assert "À moins de 20 minutes" in sortie
    assert "19 :" in sortie and "87 :" in sortie


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--seuils", "20,abc"], "Seuil « abc » invalide"),
        (["--seuils", "0"], "Seuil « 0 » invalide"),
        (["--departement", "2Z"], "Département « 2Z » inconnu"),
    ],
)
def test_commande_couverture_refuse_une_mauvaise_saisie(arguments, message, capsys):
    monde()
    with pytest.raises(CommandError, match=message):
        call_command("couverture", *arguments)


def test_commande_couverture_routier_sans_reseau_le_dit(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    monde()
    with pytest.raises(CommandError, match="Aucun réseau routier importé"):
        call_command("couverture", "--moteur", "routier")


def test_origines_sans_point_ignorees():
    m = monde()
    m["communes"]["19036"].latitude = None
    m["communes"]["19036"].save()
    assert "19036" not in set(lire_origines(["19"]).codes)


def test_estimation_depuis_un_point_egale_plus_proche_a_un_seul_lieu():
    monde()
    origines = lire_origines()
    moteur = Estimation()
    prep = moteur.preparer_origines(origines)
    lieux = lire_destinations(fixes_seulement=True)
    seul = lieux.sans([1])
    m, _ = moteur.plus_proche(prep, seul)
    assert np.allclose(moteur.depuis(prep, seul.lat[0], seul.lon[0]), m)
