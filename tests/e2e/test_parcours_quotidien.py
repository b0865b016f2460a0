"""Les parcours d'une journée dans Chromium : du guichet à la demande au back-office (accompagnement
compté une fois), « Annuler » juste après la saisie, la règle de la première réponse. Axe partout.
Les tableaux de chaque rôle (chiffres clés sans défiler à 1280 × 800) : test_tableaux_des_roles.py."""

import time

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from guichet.activite.models import Accompagnement
from guichet.comptes.models import Role
from guichet.demandes.models import Demande
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import OperateurFactory, StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ECRAN = {"width": 1280, "height": 800}


@pytest.fixture
def monde(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ain = DepartementFactory(code="01", nom="Ain")
    structure = StructureFactory(nom="France services de Bourg", commune=CommuneFactory(departement=ain))
    caf = OperateurFactory(code="caf", nom="Les Allocations familiales", national=True)

    def personne(email, totp_=False, **habilitation):
        user = UtilisateurFactory(email=email, first_name="Claude", last_name=email.split("@")[0].capitalize())
        HabilitationFactory(utilisateur=user, **habilitation)
        return user, (TOTPDeviceFactory(user=user) if totp_ else None)

    return {
        "structure": structure,
        "agent": personne("agent@example.fr", role=Role.CONSEILLER, structure=structure),
        "referent": personne("referent@example.fr", True, role=Role.REFERENT, operateur=caf, departement=ain),
        "prefecture": personne("prefecture@example.fr", True, role=Role.PREFECTURE, departement=ain),
        "national": personne("national@example.fr", True, role=Role.NATIONAL),
        "auditeur": personne("auditeur@example.fr", True, role=Role.AUDITEUR, departement=ain),
    }


def connecter(page, qui, suite="/comptes/espace/"):
    user, appareil = qui
    page.goto(f"/comptes/connexion/?next={suite}")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    if appareil is not None:
        page.wait_for_url("**/double-facteur/**")
        page.get_by_label("Code à 6 chiffres").fill(f"{totp(appareil.bin_key):06d}")
        page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"**{suite}")


def attendre(condition, delai=10):
    fin = time.monotonic() + delai
    while not condition():
        assert time.monotonic() < fin, "délai dépassé"
        time.sleep(0.1)


def saisir_transmis_au_back_office(page):
    page.get_by_role("button", name="Les Allocations familiales", exact=True).last.click()
    page.get_by_role("button", name="Prime d'activité", exact=True).last.click()
    page.get_by_role("button", name="Aide à la démarche en ligne", exact=True).last.click()
    page.get_by_role("button", name="Transmis au back-office", exact=True).last.click()
    page.get_by_role("button", name="15 à 30 min", exact=True).last.click()
    expect(page.locator("#confirmation")).to_contain_text("Accompagnement enregistré")


def test_du_guichet_a_la_demande_et_annuler(page, monde):
    connecter(page, monde["agent"], "/espace/activite/saisie/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#synchro")).to_be_hidden()  # rien n'attend : pas de bandeau
    saisir_transmis_au_back_office(page)
    attendre(lambda: Accompagnement.objects.count() == 1)
    # « Annuler » : retiré pour de vrai, côté serveur.
    page.get_by_role("button", name="Annuler").click()
    expect(page.locator("#confirmation")).to_contain_text("Accompagnement annulé")
    assert Accompagnement.objects.count() == 0

    saisir_transmis_au_back_office(page)
    attendre(lambda: Accompagnement.objects.count() == 1)
    verifier_accessibilite(page)
    page.get_by_role("link", name="Ouvrir la demande au back-office").click()
    page.wait_for_url("**/espace/demandes/nouvelle/**")
    assert page.locator("#id_operateur option:checked").inner_text() == "Les Allocations familiales"
    assert page.locator("#id_objet option:checked").inner_text() == "Prime d'activité"
    expect(page.locator("#accompagnement-saisi")).to_be_visible()
    verifier_accessibilite(page)
    page.locator("#id_usager_nom").fill("Dupontel")
    page.locator("#id_usager_prenom").fill("Jeannine")
    page.locator("#id_usager_date_naissance").fill("1980-05-17")
    page.locator("label[for=id_consentement_atteste]").click()
    page.locator("#id_mandat_nature").select_option("presence")
    page.locator("#id_mandat_date").fill("2026-01-05")
    page.locator("#id_description").fill("Le versement est interrompu depuis deux mois.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/espace/demandes/*/")
    assert "envoyée aux référents des Allocations familiales" in page.content()
    demande = Demande.objects.get()
    assert Accompagnement.objects.count() == 1 and demande.accompagnement == Accompagnement.objects.get()


def test_la_premiere_reponse_est_un_message(page, navigateur, live_server, monde):
    from guichet.demandes import services
    from tests.demandes.factories import donnees

    agent, _ = monde["agent"]
    demande = services.ouvrir_demande(
        auteur=agent,
        structure=monde["structure"],
        operateur=monde["referent"][0].habilitations.get().operateur,
        donnees=donnees(),
    )
    page.set_viewport_size(ECRAN)
    connecter(page, monde["referent"], f"/espace/demandes/{demande.pk}/")
    page.get_by_role("button", name="Je m'en occupe").click()
    expect(page.get_by_role("button", name="Je m'en occupe")).to_have_count(0)
    expect(page.locator("#prise-en-charge")).to_contain_text("Prise en charge par")
    # « Traitée » sans message : refusé, le focus va au récapitulatif des erreurs.
    page.get_by_role("button", name="Traitée").click()
    expect(page.locator(".guichet-erreurs")).to_be_focused()
    demande.refresh_from_db()
    assert demande.premiere_reponse_le is None and demande.traitee_le is None
    verifier_accessibilite(page)
    page.get_by_label("Votre réponse à l'agent").fill("Le versement a repris ce matin.")
    page.get_by_role("button", name="Traitée").click()
    page.wait_for_load_state()
    demande.refresh_from_db()
    assert demande.premiere_reponse_le == demande.traitee_le is not None

    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    agent_page = contexte.new_page()
    connecter(agent_page, monde["agent"], f"/espace/demandes/{demande.pk}/")
    expect(agent_page.get_by_text("La réponse a-t-elle été utile ?")).to_be_visible()
    contexte.close()
