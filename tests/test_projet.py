from django.core.management import call_command


def test_pas_de_migration_manquante(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_pages_publiques_repondent(client, db):
    assert client.get("/").status_code == 200
    assert client.get("/trouver/").status_code == 200
