"""Les enquêtes et les visites mystères dans Chromium : un usager répond par le lien public, un évaluateur
saisit sa visite, et chaque nouvelle page passe axe sans violation grave."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.enquetes.models import Reponse, Valeur
from guichet.visites.models import CampagneVisites, Grille, Visite
from tests.comptes.factories import HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory
from tests.e2e.conftest import connecter, verifier_accessibilite
from tests.enquetes.conftest import repondre
from tests.enquetes.factories import CampagneFactory, questionnaire_type
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    # La machine partagée est parfois très chargée : plus de marge que les 10 s par défaut.
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(30_000)
    return page


@pytest.fixture
def monde():
    ain = DepartementFactory(code="01", nom="Ain")
    structure = StructureFactory(nom="France services de Belley", commune=CommuneFactory(departement=ain))
    campagne = CampagneFactory(titre="Votre avis 2026", introduction="Trois questions, deux minutes.")
    questionnaire_type(campagne)
    return ain, structure, campagne


def test_un_usager_repond_par_le_lien_public(page, monde):
    _, structure, campagne = monde
    url = f"/enquete/{campagne.pk}/{structure.matricule}/"
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == "Votre avis 2026"
    verifier_accessibilite(page)
    page.get_by_role("group", name="Satisfaction").get_by_text("4", exact=True).click()
    page.get_by_role("group", name="Problème résolu ?").get_by_text("Oui", exact=True).click()
    page.get_by_label("Un mot ?").fill("Très bien, rappelez-moi au 06 12 34 56 78")
    page.wait_for_timeout(2100)  # une personne lit les questions : un envoi plus rapide est refusé
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_role("heading", name="Merci").wait_for()
    verifier_accessibilite(page)
    assert Reponse.objects.filter(campagne=campagne, structure=structure).count() == 1
    assert Valeur.objects.get(question__libelle="Un mot ?").texte == "Très bien, rappelez-moi au [téléphone masqué]"
    # Revenir sur le lien depuis le même téléphone : déjà répondu.
    page.goto(url)
    assert "déjà répondu" in page.locator("main").inner_text()
    assert Reponse.objects.filter(campagne=campagne).count() == 1


def test_un_evaluateur_saisit_sa_visite(page, monde):
    ain, structure, _ = monde
    evaluateur = UtilisateurFactory(email="evaluateur@example.fr", first_name="Morgan", last_name="Évaluateur")
    HabilitationFactory(utilisateur=evaluateur, role=Role.AUDITEUR)
    appareil = TOTPDeviceFactory(user=evaluateur)
    jour = timezone.localdate()
    campagne = CampagneVisites.objects.create(
        titre="Visites de l'Ain",
        grille=Grille.objects.get(code="2026"),
        departement=ain,
        debut=jour - timedelta(days=5),
        fin=jour + timedelta(days=5),
    )
    visite = Visite.objects.create(campagne=campagne, structure=structure, evaluateur=evaluateur, prevue_le=jour)
    connecter(page, evaluateur, appareil, suite="/espace/visites-mysteres/")
    page.wait_for_url("**/espace/visites-mysteres/")
    verifier_accessibilite(page)
    page.get_by_role("link", name="France services de Belley").click()
    page.wait_for_url(f"**/espace/visites-mysteres/{visite.pk}/")
    verifier_accessibilite(page)
    page.get_by_label("Scénario joué").select_option("demenagement")
    page.get_by_label("Jour de la visite").fill(jour.isoformat())
    for critere in campagne.grille.criteres.all():
        page.locator(f"#radio-id_c{critere.pk}").get_by_text(f"3 — {critere.niveaux[2]}").click()
    page.get_by_label("Commentaire (Accueil)").fill("Accueil souriant.")
    page.get_by_label("Appréciation générale").fill("Démarche menée à son terme.")
    page.get_by_role("button", name="Enregistrer la visite").click()
    page.wait_for_url("**/espace/visites-mysteres/")
    visite.refresh_from_db()
    assert visite.realisee_le == jour and visite.scenario == "demenagement" and visite.notes.count() == 7
    assert visite.notes.get(critere__code="accueil").commentaire == "Accueil souriant."
    assert "saisie" in page.locator("main").inner_text().lower()  # le badge est en capitales


def test_pages_des_enquetes_accessibles(page, monde):
    ain, structure, campagne = monde
    for i in range(6):
        repondre(campagne, structure, note=4 + i % 2, choix="Oui", texte="Merci")
    national = UtilisateurFactory(email="national@example.fr")
    HabilitationFactory(utilisateur=national, role=Role.NATIONAL)
    appareil = TOTPDeviceFactory(user=national)
    connecter(page, national, appareil, suite="/espace/enquetes/")
    for chemin in (
        "/espace/enquetes/",
        "/espace/enquetes/nouvelle/",
        f"/espace/enquetes/{campagne.pk}/",
        f"/espace/enquetes/{campagne.pk}/resultats/",
        f"/espace/enquetes/{campagne.pk}/resultats/?niveau=structure&code={structure.matricule}",
        f"/espace/enquetes/{campagne.pk}/affiche/{structure.matricule}/",
        "/espace/visites-mysteres/",
        "/espace/visites-mysteres/campagnes/nouvelle/",
        "/espace/qualite/",
    ):
        reponse = page.goto(chemin)
        assert reponse.status == 200, chemin
        verifier_accessibilite(page)
    gestionnaire = UtilisateurFactory(email="responsable@example.fr")
    HabilitationFactory(utilisateur=gestionnaire, role=Role.GESTIONNAIRE, structure=structure)
    page.context.clear_cookies()
    connecter(page, gestionnaire, suite="/espace/enquetes/operateurs/")
    page.wait_for_url("**/espace/enquetes/operateurs/")
    verifier_accessibilite(page)
    page.get_by_role("group", name="Les Allocations familiales").get_by_label("Joignabilité").select_option("2")
    page.get_by_role("group", name="Les Allocations familiales").get_by_label("Délai de réponse").select_option("2")
    page.get_by_role("group", name="Les Allocations familiales").get_by_label("Utilité des réponses").select_option("4")
    page.get_by_role("button", name="Enregistrer les notes").click()
    page.get_by_text("1 opérateur noté").wait_for()
    verifier_accessibilite(page)
