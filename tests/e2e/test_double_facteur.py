"""Bout en bout : une personne de l'équipe nationale enregistre son second facteur avec le code d'enrôlement
remis hors ligne, puis arrive à la page demandée. Accessibilité (axe) des deux étapes de l'enrôlement."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.comptes import services
from guichet.comptes.models import Role
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory
from tests.e2e.conftest import verifier_accessibilite

pytestmark = pytest.mark.django_db(transaction=True)


def test_enrolement_avec_code_remis_hors_ligne(page, live_server):
    national = HabilitationFactory(role=Role.NATIONAL, utilisateur__email="anct@example.fr").utilisateur
    code_enrolement, _ = services.creer_code_enrolement(national)

    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill("anct@example.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/double-facteur/**")
    assert page.locator(".guichet-qr-code").count() == 0  # pas de secret avant le code d'enrôlement
    verifier_accessibilite(page)

    page.get_by_label("Code d'enrôlement").fill("ZZZZ-ZZZZ-ZZZZ")
    page.get_by_role("button", name="Continuer").click()
    assert "pas valable" in page.content()
    page.get_by_label("Code d'enrôlement").fill(code_enrolement)
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_selector(".guichet-qr-code svg")
    verifier_accessibilite(page)

    appareil = TOTPDevice.objects.get(user=national)
    page.get_by_label("Code à 6 chiffres").fill(f"{totp(appareil.bin_key):06d}")
    page.get_by_role("button", name="Activer").click()
    page.wait_for_url("**/comptes/espace/")
    assert "application d'authentification est enregistrée" in page.content()
