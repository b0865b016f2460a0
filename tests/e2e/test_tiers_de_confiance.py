"""Bout en bout : le conseiller recueille le mandat de l'usager et lui remet son reçu, envoie une demande sous ce
mandat ; le référent voit le mandat sur la demande et vérifie sa référence ; l'usager révoque seul son mandat avec
son code ; la demande suivante sous ce mandat est refusée. Accessibilité (axe) de chaque page."""

import re

import pytest

from guichet.comptes.models import Role
from guichet.demandes.models import Demande
from tests.comptes.factories import HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.e2e.test_demandes import _connecter
from tests.reseau.factories import OperateurFactory, StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db(transaction=True)


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
    return agent, referent, TOTPDeviceFactory(user=referent)


def _demande_sous_mandat(page, reference):
    page.goto("/espace/demandes/nouvelle/")
    page.locator("#id_operateur").select_option(label="Les Allocations familiales")
    page.locator("#id_objet_libre").fill("Droits suspendus")
    page.locator("#id_usager_nom").fill("Dupontel")
    page.locator("#id_usager_prenom").fill("Jeannine")
    page.locator("#id_usager_date_naissance").fill("1980-05-17")
    page.locator("label[for=id_consentement_atteste]").click()
    page.locator("#id_mandat_reference").fill(reference)
    page.locator("#id_description").fill("Le versement est interrompu depuis deux mois.")
    page.locator("#id_type_aide").select_option("demarche_en_ligne")
    page.locator("#id_duree").select_option("15_30")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_load_state()


def test_mandat_demande_verification_revocation(page, navigateur, live_server, monde):
    agent, referent, appareil = monde
    _connecter(page, agent.email)
    page.goto("/espace/mandats/nouveau/")
    verifier_accessibilite(page)
    page.locator("#id_nom").fill("Dupontel")
    page.locator("#id_prenom").fill("Jeannine")
    page.locator("#id_date_naissance").fill("1980-05-17")
    page.get_by_label("Les Allocations familiales", exact=True).check(force=True)
    page.get_by_label("Pour une période (12 mois au plus)").check(force=True)
    page.get_by_label("Accord coché par l'usager, attesté par le conseiller").check(force=True)
    page.get_by_label(re.compile("J'atteste que l'usager, présent")).check(force=True)
    page.get_by_role("button", name="Enregistrer le mandat").click()
    page.wait_for_url("**/recu/")
    verifier_accessibilite(page)
    texte = page.locator(".fr-callout__text").inner_text()
    reference = re.search(r"M-[A-Z0-9]{4}-[A-Z0-9]{4}", texte).group(0)
    code = re.search(r"Code de révocation : ([A-Z0-9-]+)", texte).group(1)

    _demande_sous_mandat(page, reference)
    assert "envoyée aux référents" in page.content()
    url_demande = page.url

    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    referent_page = contexte.new_page()
    _connecter(referent_page, referent.email, appareil)
    referent_page.goto(url_demande)
    assert f"Mandat {reference}" in referent_page.content() and "Non habilité" in referent_page.content()
    verifier_accessibilite(referent_page)
    referent_page.goto("/espace/mandats/verifier/")
    referent_page.locator("#id_reference").fill(reference)
    referent_page.get_by_role("button", name="Vérifier").click()
    referent_page.wait_for_load_state()
    assert "Valide" in referent_page.content() and "Dupontel" not in referent_page.content()
    verifier_accessibilite(referent_page)
    contexte.close()

    public = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    usager = public.new_page()
    usager.goto("/mandat/revoquer/")
    verifier_accessibilite(usager)
    usager.locator("#id_reference").fill(reference.lower())
    usager.locator("#id_code").fill(code)
    usager.get_by_role("button", name="Révoquer mon mandat").click()
    usager.wait_for_load_state()
    assert "est révoqué" in usager.content()
    verifier_accessibilite(usager)
    public.close()

    _demande_sous_mandat(page, reference)
    assert "a été révoqué le" in page.content()
    assert Demande.objects.count() == 1
