"""La formation de bout en bout, dans Chromium : le responsable inscrit un agent, l'équipe nationale saisit sa
présence, l'agent devient « formé », et le critère « deux agents formés » de la structure passe au vert."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp

from guichet.comptes.models import Role
from guichet.labellisation.models import Critere, Famille, Preuve, Referentiel, Verification
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.formation.factories import SessionFactory, former, module
from tests.reseau.factories import france_services_de_tulle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLE = b"cle-totp-des-tests-e2e".hex()


def critere_agents(matricule):
    sortie = io.StringIO()
    call_command("conformite", "--json", stdout=sortie, stderr=io.StringIO())
    (site,) = [s for s in json.loads(sortie.getvalue())["sites"] if s["matricule"] == matricule]
    return site["criteres"]["agents"]


def connecter(page, email, code_totp=None):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if code_totp:
        page.get_by_label("Code à 6 chiffres").fill(code_totp)
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state()


@pytest.fixture
def tulle():
    # Le référentiel en vigueur (migration de données), vidé avec les tables entre les tests avec serveur.
    # Un référentiel en vigueur avec le critère « deux agents formés » (les tables sont vidées entre les tests
    # avec serveur, données des migrations comprises).
    if Referentiel.objects.en_vigueur() is None:
        referentiel = Referentiel.objects.create(code="e2e", titre="Référentiel des tests", date=timezone.localdate())
        Critere.objects.create(
            referentiel=referentiel,
            code="agents",
            titre="Au moins deux agents formés",
            famille=Famille.AGENTS,
            preuve=Preuve.AUTOMATIQUE,
            verification=Verification.AGENTS,
        )
        referentiel.publier()
    structure = france_services_de_tulle()
    responsable = UtilisateurFactory(email="responsable@example.fr", first_name="Dominique", last_name="Responsable")
    HabilitationFactory(utilisateur=responsable, role=Role.GESTIONNAIRE, structure=structure)
    former(responsable, structure)
    nouvelle = UtilisateurFactory(email="ines@example.fr", first_name="Inès", last_name="Nouvelle")
    HabilitationFactory(utilisateur=nouvelle, role=Role.CONSEILLER, structure=structure)
    former(nouvelle, structure, sauf=["metier-caf"])  # il lui reste le module de la CAF
    national = UtilisateurFactory(email="national@example.fr", first_name="Alex", last_name="ANCT")
    HabilitationFactory(utilisateur=national, role=Role.NATIONAL)
    TOTPDeviceFactory(user=national, key=CLE)
    jour = timezone.localdate()
    session = SessionFactory(
        module=module("metier-caf"), debut=jour, fin=jour, lieu="CAF de la Corrèze, Tulle", organisme_formateur="CAF"
    )
    return structure, nouvelle, session


def test_inscription_presence_agent_forme_critere_vert(navigateur, live_server, tulle):
    structure, nouvelle, session = tulle
    assert critere_agents(structure.matricule) == "non_conforme"  # un seul agent formé

    # Le responsable inscrit l'agente à la session du module de la CAF.
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    page = contexte.new_page()
    page.set_default_timeout(30_000)  # machine partagée : de la marge
    connecter(page, "responsable@example.fr")
    page.goto("/espace/formation/")
    page.get_by_role("link", name="France services de Tulle").click()
    page.wait_for_url(f"**/espace/formation/structures/{structure.pk}/")
    assert "1 agent formé sur 2" in " ".join(page.locator(".fr-text--lead").inner_text().split())
    verifier_accessibilite(page)
    page.get_by_role("combobox", name="Agent").select_option(label="Inès Nouvelle")
    page.get_by_role("combobox", name="Session").select_option(value=str(session.pk))
    page.get_by_role("button", name="Inscrire").click()
    page.wait_for_load_state()
    assert "Inès Nouvelle est inscrit" in page.content()
    verifier_accessibilite(page)
    contexte.close()

    # L'équipe nationale saisit la présence (second facteur compris).
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    page = contexte.new_page()
    page.set_default_timeout(30_000)  # machine partagée : de la marge
    connecter(page, "national@example.fr", f"{totp(bytes.fromhex(CLE)):06d}")
    page.goto(f"/espace/formation/sessions/{session.pk}/")
    verifier_accessibilite(page)
    page.get_by_role("combobox", name="Présence de Inès Nouvelle").select_option("present")
    page.get_by_role("button", name="Enregistrer la présence").click()
    page.wait_for_load_state()
    assert "Présence enregistrée (1 modification)" in page.content()

    # L'agente est formée : son parcours le dit, l'attestation se télécharge, le critère est vert.
    page.goto(f"/espace/formation/agents/{nouvelle.pk}/")
    assert page.locator(".fr-badge--success", has_text="Formé").count() == 1
    verifier_accessibilite(page)
    lien = page.get_by_role("link", name="Télécharger l'attestation de formation")
    attestation = page.request.get(lien.get_attribute("href"), timeout=60_000)
    assert attestation.headers["content-type"] == "application/pdf"
    assert attestation.body().startswith(b"%PDF")
    page.goto(f"/espace/formation/departements/{structure.commune.departement.code}/")
    assert page.locator("td .fr-badge--success", has_text="Conforme").count() == 1
    verifier_accessibilite(page)
    contexte.close()
    assert critere_agents(structure.matricule) == "conforme"
