"""Page « Trouver » : quand la saisie est ambiguë, la personne choisit sa commune avant les résultats."""

import pytest

from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory


@pytest.fixture
def tulle_et_tulette(db):
    tulle = CommuneFactory(nom="Tulle", departement=DepartementFactory(code="19"), population=14_500)
    tulette = CommuneFactory(
        nom="Tulette", departement=DepartementFactory(code="26"), population=2_000, latitude=44.28, longitude=4.93
    )
    StructureFactory(nom="France services de Tulle", commune=tulle)
    StructureFactory(nom="France services de Tulette", commune=tulette)
    return tulle, tulette


def test_saisie_ambigue_propose_les_communes_avant_les_resultats(client, tulle_et_tulette):
    tulle, tulette = tulle_et_tulette
    page = client.get("/trouver/", {"q": "tule"})
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "Vouliez-vous dire…" in contenu
    assert 'aria-labelledby="titre-choix-commune"' in contenu
    assert contenu.index(f'href="?commune={tulle.code}"') < contenu.index(f'href="?commune={tulette.code}"')
    assert "Tulle (19)" in contenu and "Tulette (26)" in contenu
    # Pas de résultats tant que la commune n'est pas choisie.
    assert "Les plus proches de" not in contenu
    assert "France services de Tulle" not in contenu


def test_choisir_une_commune_montre_ses_resultats(client, tulle_et_tulette):
    tulle, _tulette = tulle_et_tulette
    contenu = client.get("/trouver/", {"commune": tulle.code}).content.decode()
    assert "Vouliez-vous dire" not in contenu
    assert "Les plus proches de Tulle (19)" in contenu
    assert contenu.index("France services de Tulle") < contenu.index("France services de Tulette")


def test_nom_exact_montre_les_resultats_sans_demander(client, tulle_et_tulette):
    contenu = client.get("/trouver/", {"q": "Tulette"}).content.decode()
    assert "Vouliez-vous dire" not in contenu
    assert "Les plus proches de Tulette (26)" in contenu


def test_saint_ne_mene_pas_a_strasbourg(client, db):
    strasbourg = CommuneFactory(
        nom="Strasbourg", departement=DepartementFactory(code="67"), population=290_000, latitude=48.58, longitude=7.75
    )
    StructureFactory(nom="France services de Strasbourg", commune=strasbourg)
    CommuneFactory(nom="Saint-Denis", departement=DepartementFactory(code="93"), population=113_000)
    CommuneFactory(nom="Saint-Étienne", departement=DepartementFactory(code="42"), population=173_000)
    contenu = client.get("/trouver/", {"q": "Saint"}).content.decode()
    assert "Vouliez-vous dire…" in contenu
    assert "Strasbourg" not in contenu
