"""Le bureau de l'agent de bout en bout : connexion, arrivée sur le bureau, guide, accessibilité."""

import pytest

from guichet.comptes.models import Role
from guichet.reseau.models import Operateur
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, UtilisateurFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conseillere():
    ain = DepartementFactory(code="01", nom="Ain")
    structure = StructureFactory(nom="France services de Bourg-en-Bresse", commune=CommuneFactory(departement=ain))
    user = UtilisateurFactory(email="conseillere@example.fr", first_name="Camille")
    HabilitationFactory(utilisateur=user, role=Role.CONSEILLER, structure=structure)
    referente = UtilisateurFactory(email="referente.caf@example.fr", first_name="Claude", last_name="Référente")
    caf = Operateur.objects.get(code="caf")
    HabilitationFactory(utilisateur=referente, role=Role.REFERENT, operateur=caf, departement=ain)
    return user


def test_connexion_bureau_puis_guide(page, conseillere):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(conseillere.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/bureau/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon bureau"
    assert page.locator('nav#navigation-principale a[aria-current="page"]').inner_text() == "Mon bureau"
    assert "referente.caf@example.fr" in page.content()
    assert page.get_by_role("link", name="ameli pro (espace des professionnels)").get_attribute("href") == (
        "https://espacepro.ameli.fr"
    )
    verifier_accessibilite(page)

    page.get_by_role("link", name="Je déménage").first.click()
    page.wait_for_url("**/espace/bureau/guides/demenagement/")
    titres = page.locator("h2[id^=titre-etape-]").all_inner_texts()
    assert titres[0] == "Étape 1 — Faire suivre le courrier"
    assert len(titres) >= 5
    assert page.get_by_role("link", name="Fiche F12118 sur service-public.fr").count() == 1
    verifier_accessibilite(page)
