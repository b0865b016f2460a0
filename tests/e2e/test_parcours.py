"""Chaque rôle parcourt le site en suivant les liens des pages (en largeur, borné) : aucune page ne doit avoir
de violation axe grave ou critique, ni d'erreur dans la console, ni de lien qui mène à une erreur.

Le réseau est celui de la démonstration (`guichet demo`) sur une petite géographie, avec ses comptes : un par
rôle, le second facteur saisi comme un humain le ferait (code TOTP du moment)."""

import io
import os
import re
import time
from collections import Counter, deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django_otp.oath import totp

from guichet.demandes import listes as demandes_listes
from guichet.reseau import demo, gestion_views
from tests.e2e.conftest import AXE
from tests.reseau.test_demo import geographie  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# (rôle, compte de démonstration ou None pour l'anonyme, page de départ)
ROLES = [
    ("anonyme", None, "/"),
    ("conseiller", "conseiller", "/comptes/espace/"),
    ("gestionnaire", "gestionnaire", "/comptes/espace/"),
    ("référent", "referent", "/comptes/espace/"),
    ("responsable opérateur", "responsable-operateur", "/comptes/espace/"),
    ("préfecture", "prefecture", "/comptes/espace/"),
    ("auditeur", "auditeur", "/comptes/espace/"),
    ("national", "national", "/comptes/espace/"),
]
# Borné pour tenir dans la suite ; GUICHET_PARCOURS_PAGES=100 pour un parcours plus profond.
PAGES_PAR_ROLE = int(os.environ.get("GUICHET_PARCOURS_PAGES", "18"))
ROLES_CHOISIS = os.environ.get(
    "GUICHET_PARCOURS_ROLES", ""
)  # ex. « national,anonyme » pour n'en parcourir que certains
VARIANTES_PAR_MODELE = 2  # au plus deux adresses de même forme (/structures/<matricule>/…) par rôle
EXCLUES = ("/static/", "/media/", "/comptes/deconnexion/", "/admin/logout/", "/api/v1/openapi.json")


def _modele(url: str) -> str:
    """La forme d'une adresse : identifiants remplacés, clés de la requête sans leurs valeurs."""
    morceaux = urlsplit(url)
    chemin = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+|FS-[\w-]+|DEMO-[\w-]+", "*", morceaux.path)
    cles = sorted(p.split("=", 1)[0] for p in morceaux.query.split("&") if p)
    return chemin + ("?" + "&".join(cles) if cles else "")


AXE_SOURCE = AXE.read_text()
# Graves ou critiques, plus l'ordre des titres (« modéré » pour axe, mais exigé par le RGAA, critère 9.1).
REGLES_TOUJOURS = {"heading-order"}


def _violations(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)  # par le protocole du navigateur : la CSP de la page n'est pas affaiblie
    resultat = page.evaluate(
        "async () => await axe.run(document, "
        "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['impact']} {v['id']} : {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in resultat["violations"]
        if v["impact"] in ("serious", "critical") or v["id"] in REGLES_TOUJOURS
    ]


def _connecter(page, identifiant):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(f"{identifiant}@{demo.DOMAINE}")
    page.get_by_label("Mot de passe").fill(demo.MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "/double-facteur/" in page.url:
        page.get_by_label("Code à 6 chiffres").fill(f"{totp(bytes.fromhex(demo.CLE_TOTP_DEMO)):06d}")
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state()
    assert "/comptes/connexion/" not in page.url and "/double-facteur/" not in page.url, page.url


def _parcourir(contexte, base, depart):
    """Visite les pages HTML atteignables depuis `depart` ; renvoie (pages, problèmes)."""
    page = contexte.new_page()
    page.set_default_timeout(15_000)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    a_voir, vus, formes = deque([base + depart]), {base + depart}, Counter()
    pages, problemes = [], []
    while a_voir and len(pages) < PAGES_PAR_ROLE:
        url = a_voir.popleft()
        chemin = url[len(base) :]
        entete = contexte.request.get(url, max_redirects=0)
        type_ = entete.headers.get("content-type", "")
        if entete.status in (301, 302):
            cible = urljoin(url, entete.headers["location"])
            if cible.startswith(base) and cible not in vus:
                vus.add(cible)
                a_voir.appendleft(cible)
            continue
        if entete.status >= 400:
            problemes.append(f"{chemin} : erreur {entete.status}")
            continue
        if "text/html" not in type_:
            continue  # exports CSV, tableurs, JSON : pas des pages
        console.clear()
        page.goto(url, wait_until="load")
        page.wait_for_timeout(150)  # les scripts différés
        pages.append(chemin)
        problemes += [f"{chemin} : {v}" for v in _violations(page)]
        if console:
            problemes.append(f"{chemin} : console : {console[:3]}")
        for href in page.eval_on_selector_all("a[href]", "liens => liens.map(a => a.href)"):
            lien = urldefrag(href)[0]
            if not lien.startswith(base) or lien in vus or lien[len(base) :].startswith(EXCLUES):
                continue
            forme = _modele(lien[len(base) :])
            if formes[forme] >= VARIANTES_PAR_MODELE:
                continue
            formes[forme] += 1
            vus.add(lien)
            a_voir.append(lien)
    page.close()
    return pages, problemes


@pytest.mark.usefixtures("geographie")
def test_chaque_role_parcourt_le_site_sans_violation(navigateur, live_server, settings, capsys, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Des listes courtes, pour que la pagination paraisse (et soit vérifiée) avec le petit réseau de démonstration.
    monkeypatch.setattr(gestion_views, "PAR_PAGE", 4)
    monkeypatch.setattr(demandes_listes, "PAR_PAGE", 5)
    call_command("demo", "--wet-run", stdout=io.StringIO())
    assert AXE.exists()
    bilan, problemes, debut = [], [], time.monotonic()
    for role, identifiant, depart in ROLES:
        if ROLES_CHOISIS and role not in ROLES_CHOISIS.split(","):
            continue
        contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
        try:
            if identifiant:
                page = contexte.new_page()
                _connecter(page, identifiant)
                page.close()
            pages, trouves = _parcourir(contexte, live_server.url, depart)
        finally:
            contexte.close()
        bilan.append((role, len(pages)))
        problemes += [f"[{role}] {p}" for p in trouves]
    with capsys.disabled():
        print(f"\nParcours : {sum(n for _, n in bilan)} pages en {time.monotonic() - debut:.0f} s — {bilan}")
        print(f"Problèmes : {len(problemes)}")
    assert all(n >= 3 for _, n in bilan), bilan
    assert not problemes, "\n".join(problemes)


@pytest.mark.usefixtures("geographie")
def test_administration_liens_soulignes_et_sans_erreur(page):
    """L'administration (superutilisateur, second facteur) : les liens du fil d'Ariane se distinguent sans la
    couleur, et les pages ne laissent aucune ressource introuvable (icône du site)."""
    call_command("demo", "--wet-run", stdout=io.StringIO())
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    _connecter(page, "admin")
    for chemin in ("/admin/", "/admin/reseau/", "/admin/reseau/structure/", "/admin/pages/page/"):
        page.goto(chemin)
        problemes = [v for v in _violations(page) if "link-in-text-block" in v or "label" in v]
        assert problemes == [], (chemin, problemes)
        assert page.url.endswith(chemin), (chemin, page.url, page.title())
        if chemin != "/admin/":  # l'accueil de l'administration n'a pas de fil d'Ariane
            assert page.locator(".breadcrumbs a").count(), chemin
            soulignement = page.locator(".breadcrumbs a").first.evaluate("a => getComputedStyle(a).textDecorationLine")
            assert soulignement == "underline", chemin
    assert console == []
