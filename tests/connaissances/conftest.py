from pathlib import Path

import pytest

from guichet.connaissances import recherche
from tests.comptes.conftest import monde  # noqa: F401 (fixture partagée : un réseau où chaque rôle a un dehors)

FICHIERS = Path(__file__).parent / "fichiers"


@pytest.fixture(autouse=True)
def _index_isole(settings, tmp_path, monkeypatch):
    """Chaque test a son dossier de données (l'index y est enregistré) et un cache d'index vide ; l'empreinte
    de la base est vérifiée à chaque recherche."""
    settings.DATA_DIR = tmp_path / "donnees"
    monkeypatch.setattr(recherche, "DELAI_VERIFICATION", 0)
    recherche.oublier()
    yield
    recherche.oublier()
