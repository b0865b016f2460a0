from datetime import date

import pytest

from guichet.statistiques.forms import PeriodeForm
from guichet.statistiques.periodes import Periode


def test_mois_trimestre_annee():
    assert Periode.mois(2026, 2).fin == date(2026, 2, 28)
    assert Periode.trimestre(2026, 4) == Periode("trimestre", date(2026, 10, 1), date(2026, 12, 31))
    assert Periode.annee(2024).jours == 366
    assert Periode.mois(2026, 2).libelle == "février 2026"
    assert Periode.trimestre(2026, 1).libelle == "1er trimestre 2026"
    assert Periode.dates(date(2026, 1, 5), date(2026, 1, 9)).libelle == "du 05/01/2026 au 09/01/2026"


def test_periode_precedente_de_meme_longueur():
    assert Periode.mois(2026, 3).precedente() == Periode("mois", date(2026, 2, 1), date(2026, 2, 28))
    assert Periode.mois(2026, 1).precedente() == Periode("mois", date(2025, 12, 1), date(2025, 12, 31))
    en_cours = Periode.mois(2026, 11).tronquee(date(2026, 11, 23))
    assert en_cours.libelle == "novembre 2026 (jusqu'au 23/11/2026)"
    assert en_cours.precedente() == Periode("mois", date(2026, 10, 1), date(2026, 10, 23))
    annee = Periode.annee(2026).tronquee(date(2026, 11, 23))
    assert annee.precedente() == Periode("annee", date(2025, 1, 1), date(2025, 11, 23))
    dates = Periode.dates(date(2026, 1, 10), date(2026, 1, 19))
    assert dates.precedente() == Periode("dates", date(2025, 12, 31), date(2026, 1, 9))


def test_decoupage_en_mois_entiers_et_jours():
    p = Periode.dates(date(2025, 12, 15), date(2026, 4, 10))
    assert p.grain == "mois"
    entiers, plages = p.decoupage()
    assert entiers == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert plages == [(date(2025, 12, 15), date(2025, 12, 31)), (date(2026, 4, 1), date(2026, 4, 10))]
    assert Periode.annee(2025).decoupage() == ([date(2025, m, 1) for m in range(1, 13)], [])
    assert Periode.mois(2026, 2).decoupage() == ([date(2026, 2, 1)], [])
    assert Periode.mois(2026, 2).grain == "jour"  # la courbe, elle, se lit au jour
    assert Periode.dates(date(2026, 2, 3), date(2026, 2, 20)).decoupage() == (
        [],
        [(date(2026, 2, 3), date(2026, 2, 20))],
    )


@pytest.mark.parametrize(
    "donnees, attendu",
    [
        ({}, Periode("mois", date(2026, 11, 1), date(2026, 11, 23))),
        ({"periode": "annee", "annee": "2025"}, Periode.annee(2025)),
        ({"periode": "trimestre", "annee": "2026", "trimestre": "2"}, Periode.trimestre(2026, 2)),
        ({"periode": "mois", "annee": "2026", "mois": "2"}, Periode.mois(2026, 2)),
        (
            {"periode": "dates", "debut": "2026-01-10", "fin": "2026-02-20"},
            Periode.dates(date(2026, 1, 10), date(2026, 2, 20)),
        ),
    ],
)
def test_formulaire(donnees, attendu):
    assert PeriodeForm(donnees or None, aujourd_hui=date(2026, 11, 23)).periode_choisie() == attendu


def test_formulaire_dates_invalides():
    f = PeriodeForm({"periode": "dates", "debut": "2026-02-20", "fin": "2026-01-10"}, aujourd_hui=date(2026, 11, 23))
    assert not f.is_valid()
    assert "La date de fin doit suivre la date de début." in f.errors["fin"]
    f = PeriodeForm({"periode": "dates", "debut": "2026-02-20"}, aujourd_hui=date(2026, 11, 23))
    assert "Indiquez la date de fin de la période." in f.errors["fin"]
