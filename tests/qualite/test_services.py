import statistics
from datetime import date

import pytest

from guichet.qualite.exports import lignes_csv
from guichet.qualite.permissions import PerimetreQualite
from guichet.qualite.services import calculer, centile
from tests.qualite.conftest import MAINTENANT

JANVIER = (date(2026, 1, 1), date(2026, 1, 31))
TOUT = PerimetreQualite(tout=True)


def _lignes(tableau):
    return {(m.operateur.code, m.departement.code): m for m in tableau.lignes}


def test_centile():
    assert centile([], 0.5) is None
    assert centile([7.0], 0.9) == 7.0
    assert centile([4, 24, 96], 0.5) == 24
    assert centile([4, 24, 96], 0.9) == pytest.approx(81.6)
    valeurs = [3.0, 1.0, 10.0, 4.0, 8.0, 2.0]
    assert centile(valeurs, 0.5) == statistics.median(valeurs)
    # Même définition que statistics.quantiles(method="inclusive").
    assert centile(valeurs, 0.9) == pytest.approx(statistics.quantiles(valeurs, n=10, method="inclusive")[-1])


def test_caf_de_l_ain(jeu):
    t = calculer(TOUT, *JANVIER, maintenant=MAINTENANT)
    m = _lignes(t)[("caf", "01")]
    assert m.recues == 6  # cinq gardées et une réorientée
    assert m.reorientations == 1 and m.part_reorientee == pytest.approx(100 / 6)
    assert m.detenues == 5
    assert sorted(m.delais) == pytest.approx([4, 24, 96])
    assert m.mediane == pytest.approx(24)
    assert m.centile_90 == pytest.approx(81.6)
    assert (m.a_temps, m.issue_connue, m.en_cours) == (2, 4, 1)
    assert m.part_72h == pytest.approx(50)
    assert m.avis == 3
    assert m.parts_utilite == pytest.approx({"oui": 100 / 3, "non": 100 / 3, "ne_sait_pas": 100 / 3})


def test_l_operateur_qui_recoit_une_reorientation(jeu):
    m = _lignes(calculer(TOUT, *JANVIER, maintenant=MAINTENANT))[("cpam", "01")]
    assert (m.recues, m.reorientations, m.detenues) == (1, 0, 1)
    assert m.delais == pytest.approx([24])
    assert (m.a_temps, m.issue_connue) == (1, 1)
    assert m.avis == 0 and m.parts_utilite["oui"] is None


def test_total_et_lignes(jeu):
    t = calculer(TOUT, *JANVIER, maintenant=MAINTENANT)
    assert set(_lignes(t)) == {("caf", "01"), ("cpam", "01"), ("caf", "02")}
    assert t.total.recues == 8
    assert sorted(t.total.delais) == pytest.approx([1, 4, 24, 24, 96])
    assert t.total.mediane == pytest.approx(24)  # sur les délais eux-mêmes, pas une moyenne de médianes
    assert (t.total.a_temps, t.total.issue_connue) == (4, 6)


def test_jours_feries_du_departement(jeu):
    t = calculer(TOUT, date(2026, 4, 1), date(2026, 4, 30), maintenant=MAINTENANT)
    m = _lignes(t)[("caf", "57")]
    assert m.delais == pytest.approx([24])  # 48 h ouvrées hors Alsace-Moselle


def test_la_periode_exclut_avant_et_apres(jeu):
    t = calculer(TOUT, date(2025, 12, 1), date(2025, 12, 31), maintenant=MAINTENANT)
    assert [(m.operateur.code, m.departement.code, m.recues) for m in t.lignes] == [("caf", "01", 1)]
    assert calculer(TOUT, date(2026, 3, 1), date(2026, 3, 31), maintenant=MAINTENANT).lignes == []


def test_filtres(jeu):
    t = calculer(TOUT, *JANVIER, operateur_id=jeu.cpam.pk, maintenant=MAINTENANT)
    assert set(_lignes(t)) == {("cpam", "01")}
    t = calculer(TOUT, *JANVIER, departement_id=jeu.dep02.pk, maintenant=MAINTENANT)
    assert set(_lignes(t)) == {("caf", "02")}


def test_perimetres(jeu):
    referent = PerimetreQualite(paires=frozenset({(jeu.caf.pk, jeu.dep01.pk)}))
    assert set(_lignes(calculer(referent, *JANVIER, maintenant=MAINTENANT))) == {("caf", "01")}
    prefecture = PerimetreQualite(departements=frozenset({jeu.dep01.pk}))
    assert set(_lignes(calculer(prefecture, *JANVIER, maintenant=MAINTENANT))) == {("caf", "01"), ("cpam", "01")}
    autre = PerimetreQualite(departements=frozenset({jeu.dep02.pk}))
    assert set(_lignes(calculer(autre, *JANVIER, maintenant=MAINTENANT))) == {("caf", "02")}


def test_les_donnees_effacees_comptent_toujours(jeu, django_capture_on_commit_callbacks):
    from guichet.demandes import retention

    avant = _lignes(calculer(TOUT, *JANVIER, maintenant=MAINTENANT))[("caf", "01")]
    with django_capture_on_commit_callbacks(execute=True):
        effacees = retention.purger(MAINTENANT.replace(year=2027), ecrire=True).effacees
    assert len(effacees) == 3
    apres = _lignes(calculer(TOUT, *JANVIER, maintenant=MAINTENANT))[("caf", "01")]
    assert (apres.recues, apres.delais, apres.utilite) == (avant.recues, avant.delais, avant.utilite)


def test_csv(jeu):
    t = calculer(TOUT, *JANVIER, maintenant=MAINTENANT)
    lignes = list(lignes_csv(t))
    assert len(lignes) == 4 and lignes[-1][1:3] == ["Ensemble", "Ensemble"]
    caf = next(ligne for ligne in lignes if ligne[0] == "01" and ligne[2] == "Les Allocations familiales")
    assert caf[5:17] == [6, 1, "16,7", 5, 3, "24,0", "81,6", 4, 2, "50,0", 1, 3]
