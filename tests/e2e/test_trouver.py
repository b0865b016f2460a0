import pytest

from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import PassageFactory, StructureFactory, france_services_de_tulle
from tests.territoires.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reseau():
    structure = france_services_de_tulle(jours_ouverts=6)
    correze = structure.commune.departement
    StructureFactory(
        nom="France services d'Égletons",
        commune=CommuneFactory(nom="Égletons", departement=correze),
        latitude=45.406,
        longitude=2.047,
    )
    bus = StructureFactory(nom="France services itinérante des Monédières", bus=True, latitude=45.45, longitude=1.87)
    PassageFactory(
        structure=bus,
        commune=CommuneFactory(nom="Chaumeil", departement=correze, latitude=45.46, longitude=1.88),
        lieu="Place de l'église",
    )
    return structure


def test_chercher_une_commune_puis_ouvrir_la_structure(page, reseau):
    page.goto("/")
    page.get_by_label("Commune ou code postal").fill("Tulle")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/trouver/?q=Tulle**")
    resultats = page.locator(".guichet-resultats > li")
    assert resultats.first.inner_text().startswith("France services de Tulle")
    assert resultats.count() == 3
    # La carte (Leaflet vendorisé, sans tuiles) dessine les contours du département.
    page.locator("#carte path.leaflet-interactive, #carte svg path").first.wait_for()
    page.get_by_role("link", name="France services de Tulle").click()
    page.wait_for_url("**/structures/FS-19-001/")
    assert page.get_by_role("heading", level=1).inner_text() == "France services de Tulle"
    assert "Les Allocations familiales" in page.content()


@pytest.mark.parametrize("chemin", ["/", "/trouver/", "/trouver/?q=Tulle", "/structures/FS-19-001/"])
def test_pages_publiques_accessibles(page, reseau, chemin):
    page.goto(chemin)
    page.wait_for_load_state("networkidle")
    verifier_accessibilite(page)
