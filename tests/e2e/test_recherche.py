"""La base de connaissances de bout en bout : un agent connecté cherche, lit les résultats, ouvre une fiche."""

import pytest

from guichet.comptes.models import Role
from guichet.connaissances import recherche
from guichet.connaissances.importation import importer
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, UtilisateurFactory
from tests.connaissances.conftest import FICHIERS
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import StructureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conseillere(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "donnees"
    recherche.oublier()
    importer(FICHIERS / "xml")
    importer(FICHIERS / "json")
    user = UtilisateurFactory(email="conseillere@example.fr", first_name="Camille")
    HabilitationFactory(utilisateur=user, role=Role.CONSEILLER, structure=StructureFactory())
    yield user
    recherche.oublier()


def test_chercher_puis_ouvrir_une_fiche(page, conseillere, tmp_path):
    captures = tmp_path
    page.goto("/espace/connaissances/")
    page.wait_for_url("**/comptes/connexion/**")  # anonyme : d'abord la connexion
    page.get_by_label("Adresse e-mail").fill(conseillere.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/connaissances/")
    assert page.get_by_role("heading", level=1).inner_text() == "Base de connaissances"
    verifier_accessibilite(page)

    page.get_by_label("Votre question").fill("la dame a perdu sa CNI")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/espace/connaissances/?q=**")
    resultats = page.locator(".connaissances-resultats > li")
    assert resultats.count() >= 1
    premier = resultats.first
    assert premier.get_by_role("heading", level=3).inner_text() == "Carte d'identité d'un majeur : en cas de perte"
    assert premier.locator("mark").count() >= 1
    assert "Mise à jour le 21 juillet 2020" in premier.inner_text()
    assert premier.get_by_role("link", name="Pré-demande de carte d'identité").count() == 1
    verifier_accessibilite(page)

    # Sous le résultat, le passage qui répond ; le lien ouvre la fiche à ce passage, visible (onglet choisi ou
    # accordéon déplié).
    assert premier.locator(".connaissances-passage-titre").count() == 1
    premier.get_by_role("link", name="Carte d'identité d'un majeur : en cas de perte").click()
    page.wait_for_url("**/espace/connaissances/fiches/F1344/?passage=**")
    ancre = page.url.split("#", 1)[1]
    page.locator(f"#{ancre}").wait_for(state="visible")
    page.screenshot(path=str(captures / "fiche-au-passage.png"))
    assert page.get_by_role("heading", level=1).inner_text() == "Carte d'identité d'un majeur : en cas de perte"
    # Les situations en onglets : le second onglet s'ouvre au clic (JavaScript du DSFR).
    page.get_by_role("tab", name="Perte à l'étranger").click()
    page.get_by_text("consulat de France").wait_for(state="visible")
    verifier_accessibilite(page)


def test_filtre_par_operateur(page, conseillere):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(conseillere.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.goto("/espace/connaissances/")
    page.get_by_label("Votre question").fill("prestations familiales ressources")
    page.get_by_label("Opérateur").select_option(label="Les Allocations familiales")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**operateur=caf**")
    titres = page.locator(".connaissances-resultats h3").all_inner_texts()
    assert titres
    assert "Les prestations familiales sont-elles versées sous conditions de ressources ?" in titres
    verifier_accessibilite(page)
