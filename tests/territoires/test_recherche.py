"""Quelle commune la personne cherche-t-elle : rangement par proximité du nom et population."""

import pytest

from guichet.territoires.recherche import chercher_communes
from tests.territoires.factories import CommuneFactory, DepartementFactory


def noms(correspondances):
    return [f"{c.nom} ({c.departement.code})" for c in correspondances.communes]


@pytest.fixture
def communes(db):
    correze, drome, rhone = (DepartementFactory(code=c) for c in ("19", "26", "69"))
    bas_rhin, seine_st_denis, reunion = (DepartementFactory(code=c) for c in ("67", "93", "974"))
    guadeloupe, ain = DepartementFactory(code="971"), DepartementFactory(code="01")
    CommuneFactory(nom="Tulle", departement=correze, population=14_500)
    CommuneFactory(nom="Tulette", departement=drome, population=2_000)
    CommuneFactory(nom="Strasbourg", departement=bas_rhin, population=290_000)
    CommuneFactory(nom="Saint-Denis", departement=seine_st_denis, population=113_000)
    CommuneFactory(nom="Saint-Denis", code="97411", departement=reunion, population=153_000)
    CommuneFactory(nom="Saint-Étienne", departement=DepartementFactory(code="42"), population=173_000)
    CommuneFactory(nom="Sainte-Rose", code="97129", departement=guadeloupe, population=18_000)
    CommuneFactory(nom="Sainte-Rose", code="97419", departement=reunion, population=7_000)
    CommuneFactory(nom="Lyon", departement=rhone, population=520_000)
    CommuneFactory(nom="Lyons-la-Forêt", departement=DepartementFactory(code="27"), population=700)
    CommuneFactory(nom="Gex", departement=ain, population=13_000)
    CommuneFactory(nom="Brive-la-Gaillarde", departement=correze, population=46_000)
    CommuneFactory(nom="Brives", departement=DepartementFactory(code="36"), population=200)


def test_saint_est_un_mot_entier_jamais_strasbourg(communes):
    trouvees = chercher_communes("Saint")
    assert "Strasbourg (67)" not in noms(trouvees)
    assert noms(trouvees)[0] == "Saint-Étienne (42)"
    assert trouvees.ambigu
    assert noms(chercher_communes("Stras")) == ["Strasbourg (67)"]


def test_tule_donne_tulle_avant_tulette_et_fait_choisir(communes):
    trouvees = chercher_communes("tule")
    assert noms(trouvees)[:2] == ["Tulle (19)", "Tulette (26)"]
    assert trouvees.ambigu


def test_nom_exact_unique_choisi_sans_demander(communes):
    for saisie, attendu in [("Lyon", "Lyon (69)"), ("Gex", "Gex (01)"), ("tulle", "Tulle (19)")]:
        trouvees = chercher_communes(saisie)
        assert noms(trouvees)[0] == attendu
        assert not trouvees.ambigu


def test_debut_de_nom_d_une_grande_ville_choisi_devant_un_nom_proche(communes):
    trouvees = chercher_communes("Brive")
    assert noms(trouvees)[0] == "Brive-la-Gaillarde (19)"
    assert not trouvees.ambigu


def test_faute_de_frappe_corrigee(communes):
    assert noms(chercher_communes("Strasbour"))[0] == "Strasbourg (67)"
    assert noms(chercher_communes("Strazbourg"))[0] == "Strasbourg (67)"


def test_homonymes_font_choisir_sauf_departement_donne(communes):
    trouvees = chercher_communes("Sainte-Rose")
    assert set(noms(trouvees)[:2]) == {"Sainte-Rose (971)", "Sainte-Rose (974)"}
    assert trouvees.ambigu
    for saisie in ("Sainte-Rose (971)", "sainte rose 971"):
        trouvees = chercher_communes(saisie)
        assert noms(trouvees) == ["Sainte-Rose (971)"]
        assert not trouvees.ambigu
    assert chercher_communes("st denis").ambigu


def test_rien_ne_correspond(communes):
    assert not chercher_communes("Zzyzx")
    assert not chercher_communes("   ")


def test_nom_exact_d_un_village_passe_devant_une_grande_ville_au_nom_proche(db):
    DepartementFactory(code="81")
    CommuneFactory(nom="Albi", departement__code="81", population=49_000)
    CommuneFactory(nom="Albine", departement__code="81", population=500)
    trouvees = chercher_communes("Albine")
    assert noms(trouvees)[0] == "Albine (81)"
    assert not trouvees.ambigu
