"""Dans Chromium : une saisie ambiguë fait choisir la commune (« Vouliez-vous dire… »), page accessible."""

import pytest

from guichet.territoires.models import Commune
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import StructureFactory, france_services_de_tulle
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tulle_et_tulette():
    france_services_de_tulle()
    Commune.objects.filter(code="19272").update(population=14_500)
    tulette = CommuneFactory(
        nom="Tulette",
        departement=DepartementFactory(code="26", nom="Drôme"),
        population=2_000,
        latitude=44.28,
        longitude=4.93,
    )
    StructureFactory(nom="France services de Tulette", commune=tulette)


def test_choisir_sa_commune_quand_la_saisie_est_ambigue(page, tulle_et_tulette):
    page.goto("/")
    page.get_by_label("Commune ou code postal").fill("tule")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/trouver/?q=tule**")
    choix = page.get_by_role("region", name="Vouliez-vous dire…")
    liens = choix.get_by_role("link")
    assert liens.nth(0).inner_text() == "Tulle (19)"
    assert liens.nth(1).inner_text() == "Tulette (26)"
    assert page.locator(".guichet-resultats").count() == 0
    verifier_accessibilite(page)
    liens.nth(0).click()
    page.wait_for_url("**/trouver/?commune=19272")
    assert page.locator(".guichet-resultats > li").first.inner_text().startswith("France services de Tulle")
