import pytest
from django.core.cache import cache

from guichet.reseau import annuaire
from guichet.territoires import recherche as recherche_communes


@pytest.fixture(autouse=True)
def _reglages_de_test(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    # Les ancres du journal d'audit : un fichier par test, comme la base.
    settings.GUICHET_JOURNAL_ANCRES = str(tmp_path / "journal" / "ancres.jsonl")


@pytest.fixture(autouse=True)
def _memoires_neuves():
    """L'annuaire public, les noms des communes et le cache sont gardés en mémoire par processus : chaque
    test part à neuf."""
    annuaire.invalider()
    recherche_communes.invalider()
    cache.clear()
    yield
    annuaire.invalider()
    recherche_communes.invalider()
    cache.clear()
