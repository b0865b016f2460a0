"""Le pied de page : le bouton « Paramètres d'affichage » ouvre la fenêtre du DSFR, qui change le thème."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_parametres_d_affichage(page):
    page.goto("/accessibilite/")
    fenetre = page.locator("#fr-theme-modal")
    assert not fenetre.is_visible()
    page.get_by_role("button", name="Paramètres d'affichage").click()
    fenetre.wait_for(state="visible")
    fenetre.locator("label", has_text="Thème sombre").click()
    page.wait_for_function("document.documentElement.getAttribute('data-fr-theme') === 'dark'")
    pied = page.locator("footer")
    for nom in ("Accessibilité : non conforme", "Mentions légales", "Données personnelles", "Plan du site"):
        assert pied.get_by_role("link", name=nom, exact=True).count() == 1, nom
