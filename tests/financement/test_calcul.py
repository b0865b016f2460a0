"""Le calcul du dû : prorata des jours labellisés, suspension, retrait, année bissextile, bus, arrondi unique."""

from datetime import date
from decimal import Decimal

from guichet.financement.calcul import Changement, du_pour, forfait_au_prorata, jours_labellises, repartir

FORFAIT = Decimal("30000.00")
PARTS = {"fnadt": Decimal("15000"), "fnfs": Decimal("15000")}


def changements(*couples):
    return [Changement(date.fromisoformat(jour), statut) for jour, statut in couples]


def du(historique, annee, **options):
    return du_pour(historique, annee, forfait=FORFAIT, parts=PARTS, **options)


def test_labellisee_le_1er_juillet_2026():
    resultat = du(changements(("2026-07-01", "labellisee")), 2026)
    assert resultat.jours == 184
    assert resultat.jours_annee == 365
    assert resultat.total == Decimal("15123.29")  # 30 000 × 184 / 365 = 15 123,287…
    # Réparti au centime près, sans perte : 7 561,64 + 7 561,65.
    assert sum(resultat.par_source.values()) == Decimal("15123.29")
    assert sorted(resultat.par_source.values()) == [Decimal("7561.64"), Decimal("7561.65")]


def test_toute_l_annee_le_forfait_entier():
    resultat = du(changements(("2021-03-01", "labellisee")), 2026)
    assert (resultat.jours, resultat.total) == (365, Decimal("30000.00"))


def test_trente_jours_de_suspension_perdent_30_sur_365():
    historique = changements(("2021-03-01", "labellisee"), ("2026-03-01", "suspendue"), ("2026-03-31", "labellisee"))
    resultat = du(historique, 2026)
    assert resultat.jours == 335
    assert resultat.total == forfait_au_prorata(FORFAIT, 335, 2026) == Decimal("27534.25")
    assert FORFAIT - resultat.total == Decimal("2465.75")  # 30 000 × 30 / 365 = 2 465,75


def test_annee_bissextile_366_jours():
    resultat = du(changements(("2028-07-01", "labellisee")), 2028)
    assert (resultat.jours, resultat.jours_annee) == (184, 366)
    assert resultat.total == Decimal("15081.97")  # 30 000 × 184 / 366 = 15 081,967…
    assert du(changements(("2027-01-01", "labellisee")), 2028).total == FORFAIT


def test_retrait_du_label_arrete_le_prorata():
    historique = changements(("2020-01-01", "labellisee"), ("2026-07-01", "retiree"))
    resultat = du(historique, 2026)
    assert resultat.jours == 181  # janvier à juin
    assert resultat.total == Decimal("14876.71")
    assert du(historique, 2027).jours == 0
    assert du(historique, 2027).total == Decimal("0.00")


def test_fermeture_et_projet_ne_sont_pas_labellises():
    assert jours_labellises(changements(("2026-01-01", "projet")), 2026) == 0
    historique = changements(("2025-06-01", "labellisee"), ("2026-12-31", "fermee"))
    assert jours_labellises(historique, 2026) == 364


def test_deux_changements_le_meme_jour_le_dernier_enregistre_l_emporte():
    historique = changements(("2026-07-01", "labellisee"), ("2026-07-01", "suspendue"))
    assert jours_labellises(historique, 2026) == 0
    historique = changements(("2026-07-01", "suspendue"), ("2026-07-01", "labellisee"))
    assert jours_labellises(historique, 2026) == 184


def test_bus_la_premiere_annee_recoit_l_aide_en_plus():
    options = {"itinerante": True, "aide_bus": Decimal("30000"), "source_bus": "bdt"}
    historique = changements(("2026-07-01", "labellisee"))
    premiere = du(historique, 2026, **options)
    assert premiere.forfait == Decimal("15123.29")
    assert premiere.aide_bus == Decimal("30000.00")
    assert premiere.total == Decimal("45123.29")
    assert premiere.par_source["bdt"] == Decimal("30000.00")
    assert sum(premiere.par_source.values()) == premiere.total
    # L'année suivante : le forfait seul.
    seconde = du(historique, 2027, **options)
    assert (seconde.aide_bus, seconde.total) == (Decimal("0.00"), FORFAIT)
    # Une structure fixe n'a pas l'aide.
    assert du(historique, 2026).aide_bus == Decimal("0.00")


def test_repartition_au_plus_fort_reste():
    assert repartir(Decimal("0.01"), {"a": 1, "b": 1}) == {"a": Decimal("0.01"), "b": Decimal("0.00")}
    parts = repartir(Decimal("100.00"), {"a": 1, "b": 1, "c": 1})
    assert sum(parts.values()) == Decimal("100.00")
    assert sorted(parts.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
