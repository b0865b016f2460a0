import pytest
from django.core.management import call_command
from django.template import Context, Template


def test_pas_de_migration_manquante(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_pages_publiques_repondent(client, db):
    assert client.get("/").status_code == 200
    assert client.get("/trouver/").status_code == 200


def test_page_introuvable_en_francais(client, db):
    reponse = client.get("/nulle-part/")
    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.content.decode()


def test_check_deploy_propre_en_production():
    """Le profil de production (DEBUG=false, clé forte) passe `check --deploy` sans avertissement."""
    import os
    import subprocess
    import sys

    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # posé par les tests e2e
        "DEBUG": "false",
        "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghij-KLMNOP",
        "ALLOWED_HOSTS": "guichet.example.gouv.fr",
        "SECURE_SSL_REDIRECT": "true",
        "GUICHET_CLES_CHIFFREMENT": "mXVuxsuB4I-rkZ7vBXzfkF1za70p5nJsB9HK6mLhwfs=",
    }
    resultat = subprocess.run(
        [sys.executable, "-m", "guichet", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert "no issues" in resultat.stdout


def test_une_variable_de_gabarit_inconnue_fait_echouer_le_rendu_dans_les_tests():

    assert Template("{{ connue }}").render(Context({"connue": "oui"})) == "oui"
    with pytest.raises(ValueError, match="inconnue"):
        Template("{{ inconnue }}").render(Context({}))


def test_collectstatic_du_profil_de_production(tmp_path):
    """`guichet collectstatic` du README passe en production : le stockage à manifeste de whitenoise suit
    chaque référence des feuilles de style vendorisées (cartes de source comprises) et refuse celles qui manquent."""
    import os
    import subprocess
    import sys

    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghij-KLMNOP",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    resultat = subprocess.run(
        [sys.executable, "-m", "guichet", "collectstatic", "--noinput", "-v0"], env=env, capture_output=True, text=True
    )
    assert resultat.returncode == 0, resultat.stderr[-2000:]
    assert list((tmp_path / "static" / "vendor" / "swagger-ui").glob("swagger-ui.*.css"))
