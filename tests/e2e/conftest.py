"""Tests de bout en bout : Chromium de Debian piloté par Playwright (executablePath), axe-core pour l'accessibilité."""

import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps

# Playwright (API synchrone) fait tourner une boucle asyncio dans le fil du test ; l'ORM Django
# appelé depuis ce même fil (fabriques) doit être autorisé explicitement.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


# Les données de référence posées par des migrations de données, dans l'ordre des dépendances.
MIGRATIONS_DE_DONNEES = [
    ("guichet.reseau.migrations.0002_operateurs_nationaux", "creer"),
    ("guichet.reseau.migrations.0004_article_et_nom_court_des_operateurs", "renseigner"),
    ("guichet.demandes.migrations.0004_engagement_de_reponse", "engagement_de_l_accord_cadre"),
    ("guichet.demarches.migrations.0002_catalogue", "creer"),
    ("guichet.bureau.migrations.0002_liens_operateurs", "creer"),
    ("guichet.bureau.migrations.0003_guides", "charger"),
    ("guichet.connaissances.migrations.0002_sources_et_sigles", "creer"),
    ("guichet.connaissances.migrations.0004_themes_des_operateurs", "creer"),
    ("guichet.connaissances.migrations.0005_expressions_courantes", "creer"),
    ("guichet.pages.migrations.0002_contenus_initiaux", "creer"),
    ("guichet.formation.migrations.0002_parcours_initial", "creer"),
    ("guichet.visites.migrations.0002_grille_2026", "creer"),
]


@pytest.fixture(autouse=True)
def donnees_de_reference(transactional_db):
    """Les tests avec serveur sont transactionnels : Django vide les tables après chacun, y compris les
    données posées par les migrations (opérateurs, catalogue, guides, sources…). On les rejoue (fonctions
    idempotentes) avant chaque test plutôt que `serialized_rollback`, qui entre en conflit avec les types
    de contenu recréés après un vidage."""
    from guichet.reseau.models import Operateur

    if not Operateur.objects.filter(national=True).exists():
        for module, fonction in MIGRATIONS_DE_DONNEES:
            getattr(importlib.import_module(module), fonction)(apps, None)


@pytest.fixture(scope="session")
def navigateur():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian chromium.")
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGUMENTS)
        yield navigateur
        navigateur.close()


@pytest.fixture
def page(navigateur, live_server):
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    page = contexte.new_page()
    page.set_default_timeout(10_000)
    yield page
    contexte.close()


def verifier_accessibilite(page):
    """Lance axe-core (paquet npm, servi depuis node_modules) et échoue sur toute violation grave ou critique."""
    page.evaluate(AXE.read_text())  # évalué par le protocole du navigateur : la CSP de la page n'est pas affaiblie
    resultat = page.evaluate(
        "async () => await axe.run(document, "
        "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    graves = [v for v in resultat["violations"] if v["impact"] in ("serious", "critical")]
    assert not graves, "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in graves
    )
    return resultat


def connecter(page, user, appareil=None, suite=None):
    """Se connecter comme un usager : le formulaire (adresse, mot de passe des comptes de test), puis, pour un
    rôle à second facteur, le code TOTP de `appareil`. `suite` : la page demandée après la connexion."""
    from django_otp.oath import totp

    from tests.comptes.factories import MOT_DE_PASSE

    page.goto("/comptes/connexion/" + (f"?next={suite}" if suite else ""))
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    if appareil is not None:
        page.wait_for_url("**/double-facteur/**")
        page.get_by_label("Code à 6 chiffres").fill(f"{totp(appareil.bin_key):06d}")
        page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
