"""Bout en bout : un agent ouvre une demande avec une pièce jointe, un référent répond, l'agent clôt
la demande en la jugeant utile. Accessibilité (axe) de la page du formulaire et du fil."""

import pytest
from django_otp.oath import totp

from guichet.comptes.models import Role
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import OperateurFactory, StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def monde(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ain = DepartementFactory(code="01", nom="Ain")
    structure = StructureFactory(nom="France services de Bourg", commune=CommuneFactory(departement=ain))
    caf = OperateurFactory(code="caf", nom="Les Allocations familiales", national=True)
    agent = UtilisateurFactory(email="agent@example.fr", first_name="Camille", last_name="Agent")
    HabilitationFactory(utilisateur=agent, role=Role.CONSEILLER, structure=structure)
    referent = UtilisateurFactory(email="referent@example.fr", first_name="Claude", last_name="Référent")
    HabilitationFactory(utilisateur=referent, role=Role.REFERENT, operateur=caf, departement=ain)
    appareil = TOTPDeviceFactory(user=referent)
    return agent, referent, appareil


def _connecter(page, email, appareil=None):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    if appareil is not None:
        page.wait_for_url("**/double-facteur/**")
        page.get_by_label("Code à 6 chiffres").fill(f"{totp(appareil.bin_key):06d}")
        page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()


def test_une_demande_de_bout_en_bout(page, navigateur, live_server, monde):
    agent, referent, appareil = monde
    _connecter(page, agent.email)
    page.goto("/espace/demandes/nouvelle/")
    page.wait_for_load_state("networkidle")
    verifier_accessibilite(page)

    page.locator("#id_operateur").select_option(label="Les Allocations familiales")
    page.locator("#id_objet_libre").fill("Droits suspendus")
    page.locator("#id_usager_nom").fill("Dupontel")
    page.locator("#id_usager_prenom").fill("Jeannine")
    page.locator("#id_usager_date_naissance").fill("1980-05-17")
    page.locator("#id_usager_nir").fill("2 80 05 75 056 123 89")
    page.locator("label[for=id_consentement_atteste]").click()
    page.locator("#id_mandat_nature").select_option("presence")
    page.locator("#id_mandat_date").fill("2026-01-05")
    page.locator("#id_description").fill("Le versement est interrompu depuis deux mois.")
    page.locator("#id_type_aide").select_option("demarche_en_ligne")
    page.locator("#id_duree").select_option("15_30")
    page.locator("#id_pieces_jointes").set_input_files(
        [{"name": "avis.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/espace/demandes/*/")
    assert "envoyée aux référents" in page.content()
    assert page.get_by_role("link", name="avis.pdf").count() == 1
    url_demande = page.url
    verifier_accessibilite(page)

    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    referent_page = contexte.new_page()
    referent_page.set_default_timeout(10_000)
    _connecter(referent_page, referent.email, appareil)
    referent_page.goto("/espace/demandes/")
    verifier_accessibilite(referent_page)  # la boîte de réception
    referent_page.get_by_role("link", name=url_demande.rstrip("/").rsplit("/", 1)[-1], exact=True).click()
    referent_page.wait_for_url(url_demande)
    assert "Dupontel" in referent_page.content()
    verifier_accessibilite(referent_page)
    referent_page.locator("#id_message-corps").fill("Le versement a repris ce matin.")
    referent_page.get_by_role("button", name="Envoyer", exact=True).click()
    referent_page.wait_for_load_state()
    assert "Message envoyé." in referent_page.content()
    contexte.close()

    page.goto(url_demande)
    assert "Le versement a repris ce matin." in page.content()
    assert "Réponse reçue" in page.content()
    page.locator("label", has_text="Oui").click()
    page.get_by_role("button", name="Clôturer").click()
    page.wait_for_load_state()
    assert "Demande clôturée" in page.content()
    assert "réponse utile : oui" in page.content()
