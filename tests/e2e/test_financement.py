"""La préfecture dans Chromium : elle enregistre un versement et voit le reste baisser, puis prépare la
convention-cadre de son département et en fait une nouvelle version ; axe sur chacune de ces pages, et sur la
page nationale de la subvention."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django_otp.oath import totp

from guichet.comptes.models import Role
from guichet.reseau.models import Structure
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, TOTPDeviceFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reseau():
    importlib.import_module("guichet.financement.migrations.0002_sources_et_baremes").creer(apps, None)
    correze = DepartementFactory(code="19", nom="Corrèze")
    tulle = StructureFactory(
        matricule="FS-19-001", nom="France services de Tulle", commune=CommuneFactory(departement=correze)
    )
    tulle.changer_statut(Structure.Statut.LABELLISEE, date=date(2026, 7, 1))
    ussel = StructureFactory(nom="France services d'Ussel", commune=CommuneFactory(departement=correze))
    ussel.changer_statut(Structure.Statut.LABELLISEE, date=date(2022, 3, 1))
    return correze


def connecter(page, role, **perimetre):
    habilitation = HabilitationFactory(role=role, utilisateur__email=f"{role}@example.fr", **perimetre)
    appareil = TOTPDeviceFactory(user=habilitation.utilisateur)
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(f"{role}@example.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/double-facteur/**")
    page.get_by_label("Code à 6 chiffres").fill(f"{totp(appareil.bin_key):06d}")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/comptes/espace/")


def test_la_prefecture_enregistre_un_versement_et_prepare_sa_convention(page, reseau):
    connecter(page, Role.PREFECTURE, departement=reseau)
    # L'outil est dans « Mon espace » ; l'année est fixée pour que le test ne dépende pas de la date du jour.
    assert page.get_by_role("link", name="Subvention de fonctionnement").is_visible()
    page.goto("/espace/financement/?annee=2026")
    page.wait_for_url("**/espace/financement/departements/19/?annee=2026")
    assert "Subvention 2026 — 19 Corrèze" in page.get_by_role("heading", level=1).inner_text()
    verifier_accessibilite(page)

    page.get_by_role("link", name="France services de Tulle").click()
    page.wait_for_url("**/espace/financement/structures/FS-19-001/**")
    assert page.locator("#montant-reste").inner_text() == "15\u202f123,29\u00a0€"

    page.get_by_label("Source de financement").select_option(label="FNADT")
    page.get_by_label("Date du versement").fill("2026-07-15")
    page.get_by_label("Montant (€)").fill("20000")
    page.get_by_label("Référence").fill("MDT-19-2026-001")
    page.get_by_role("button", name="Enregistrer le versement").click()
    page.wait_for_load_state()
    assert "dépasse le reste dû" in page.content()  # plus que le reste : refusé, rien n'est écrit
    assert page.locator("#montant-reste").inner_text() == "15\u202f123,29\u00a0€"

    page.get_by_label("Montant (€)").fill("7500,00")
    page.get_by_role("button", name="Enregistrer le versement").click()
    page.wait_for_load_state()
    assert "Versement de 7\u202f500,00\u00a0€ enregistré." in page.locator("#contenu").inner_text()
    assert page.locator("#montant-verse").inner_text() == "7\u202f500,00\u00a0€"
    assert page.locator("#montant-reste").inner_text() == "7\u202f623,29\u00a0€"
    assert "MDT-19-2026-001" in page.get_by_role("table", name="Versements de la subvention 2026").inner_text()
    verifier_accessibilite(page)

    page.goto("/espace/conventions/")
    verifier_accessibilite(page)
    page.get_by_label("Début de la période").fill("2026-01-01")
    page.get_by_label("Fin de la période").fill("2028-12-31")
    page.get_by_role("button", name="Préparer la convention").click()
    page.wait_for_url("**/espace/conventions/*/")
    assert "France services de Tulle" in page.content()
    verifier_accessibilite(page)
    page.get_by_role("button", name="Créer une nouvelle version").click()
    page.wait_for_load_state()
    assert "Version 2 créée" in page.content()
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_load_state()
    assert "Cette version est remplacée" in page.content()


def test_page_nationale_accessible(page, reseau):
    connecter(page, Role.NATIONAL)
    page.goto("/espace/financement/?annee=2026")
    assert "Par source de financement" in page.content()
    assert "45\u202f123,29\u00a0€" in page.get_by_role("table", name="Subvention par région").inner_text()
    verifier_accessibilite(page)
