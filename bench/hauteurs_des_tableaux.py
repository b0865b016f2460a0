"""Hauteur des tableaux de chaque rôle sur une plateforme de démonstration en marche, dans Chromium
à 1280 × 800 : la page d'accueil du rôle et son tableau de bord de l'activité, la hauteur de la page
(document.body.scrollHeight), le bas du bloc des chiffres clés, le nombre de barres sans libellé.

    .venv/bin/python bench/hauteurs_des_tableaux.py --url http://127.0.0.1:8104 [--base GUICHET_DATA_DIR]

La base de la plateforme (la même que celle du serveur : GUICHET_DATA_DIR ou DATABASE_URL) sert à
calculer le code TOTP des comptes de démonstration (`guichet demo --code`).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

RACINE = Path(__file__).resolve().parents[1]
ECRAN = {"width": 1280, "height": 800}
MOT_DE_PASSE = "guichet-demo-2026"
DOMAINE = "demo.guichet.fr"
# Les chiffres clés, comme dans tests/e2e/test_tableaux_des_roles.py : au bureau, le contenu de « Activité
# du jour » ; sur « Mon espace », la première rangée de blocs ; sur un tableau de bord, « En bref ».
BUREAU = "section[aria-labelledby=titre-activite] > *"
ESPACE = "#tableau-d-accueil > section:nth-child(-n+3)"
# (compte, page d'accueil, sélecteur des chiffres clés de l'accueil)
ROLES = [
    ("conseiller", "/espace/bureau/", BUREAU),
    ("gestionnaire", "/espace/bureau/", BUREAU),
    ("referent", "/comptes/espace/", ESPACE),
    ("prefecture", "/comptes/espace/", ESPACE),
    ("national", "/comptes/espace/", ESPACE),
    ("auditeur", "/comptes/espace/", ESPACE),
]
CHIFFRES_DU_TABLEAU = "#titre-synthese + .fr-grid-row"


def code_totp(email, environnement):
    sortie = subprocess.run(
        [str(RACINE / ".venv/bin/guichet"), "demo", "--code", email],
        capture_output=True,
        text=True,
        env=environnement,
        check=True,
        cwd=RACINE,
    ).stdout
    return next(mot for mot in sortie.split() if mot.isdigit() and len(mot) == 6)


def connecter(page, email, environnement):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "double-facteur" in page.url:
        page.get_by_label("Code à 6 chiffres").fill(code_totp(email, environnement))
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state()


def mesurer(page, url, selecteur):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    hauteur = page.evaluate("document.body.scrollHeight")
    bas = page.evaluate(
        "s => Math.max(-1, ...[...document.querySelectorAll(s)].map(e => e.getBoundingClientRect().bottom))",
        selecteur,
    )
    bas = round(bas) if bas >= 0 else None
    sans_libelle = page.evaluate(
        "[...document.querySelectorAll('.guichet-barres > li')]"
        ".filter(li => !li.querySelector('.guichet-barres__libelle')?.textContent.trim()).length"
    )
    return hauteur, bas, sans_libelle, page.url


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--base", help="GUICHET_DATA_DIR du serveur (pour les codes TOTP)")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    arguments = parser.parse_args()
    environnement = dict(os.environ)
    if arguments.base:
        environnement["GUICHET_DATA_DIR"] = arguments.base
    print(f"Plateforme {arguments.url}, écran {ECRAN['width']} × {ECRAN['height']}")
    print(f"{'rôle':<14} {'page':<52} {'hauteur':>8} {'bas des chiffres':>17} {'barres sans libellé':>20}")
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=arguments.chromium, headless=True, args=["--no-sandbox"])
        for compte, accueil, selecteur in ROLES:
            contexte = navigateur.new_context(base_url=arguments.url, viewport=ECRAN, locale="fr-FR")
            page = contexte.new_page()
            connecter(page, f"{compte}@{DOMAINE}", environnement)
            for url, sel in ((accueil, selecteur), ("/espace/statistiques/", CHIFFRES_DU_TABLEAU)):
                hauteur, bas, sans_libelle, finale = mesurer(page, url, sel)
                if url == "/espace/statistiques/" and compte in ("national", "auditeur"):
                    # La liste des tableaux (France entière, opérateurs, départements), puis le tableau national.
                    chemin = finale.removeprefix(arguments.url)
                    print(f"{compte:<14} {chemin:<52} {hauteur:>8} {'—':>17} {sans_libelle:>20}")
                    hauteur, bas, sans_libelle, finale = mesurer(page, "/espace/statistiques/national/", sel)
                chemin = finale.removeprefix(arguments.url)
                bas = "—" if bas is None else bas
                print(f"{compte:<14} {chemin:<52} {hauteur:>8} {bas:>17} {sans_libelle:>20}")
            contexte.close()
        navigateur.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
