"""La documentation de l'API s'affiche dans Chromium : Swagger UI servi par le site, sous la CSP, sans erreur."""

import pytest

from tests.e2e.conftest import verifier_accessibilite

pytestmark = pytest.mark.django_db(transaction=True)


def test_la_documentation_affiche_les_operations(page, live_server):
    erreurs = []
    page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: erreurs.append(str(e)))
    externes = []
    page.on("request", lambda r: externes.append(r.url) if not r.url.startswith(live_server.url) else None)

    reponse = page.goto("/api/v1/docs")
    assert reponse.status == 200
    assert "script-src" in reponse.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for()
    chemins = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/structures" in chemins
    assert "/api/v1/structures/{matricule}" in chemins
    assert "/api/v1/accompagnements" in chemins
    page.wait_for_load_state("networkidle")
    assert erreurs == []
    assert [u for u in externes if not u.startswith(("data:", "blob:"))] == []
    verifier_accessibilite(page)
