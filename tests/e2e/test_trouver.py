from datetime import time

import pytest

from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import CreneauFactory, OperateurFactory, PassageFactory, StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reseau():
    correze = DepartementFactory(
        code="19",
        nom="Corrèze",
        contour={"type": "Polygon", "coordinates": [[[1.2, 45], [2.5, 45], [2.5, 45.8], [1.2, 45]]]},
    )
    tulle = CommuneFactory(
        code="19272",
        nom="Tulle",
        departement=correze,
        latitude=45.267,
        longitude=1.771,
        codes_postaux=["19000"],
    )
    structure = StructureFactory(
        matricule="FS-19-001", nom="France services de Tulle", commune=tulle, code_postal="19000"
    )
    for jour in range(6):
        CreneauFactory(structure=structure, jour=jour, debut=time(9), fin=time(17))
    structure.operateurs.add(OperateurFactory())
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
