import pytest

from guichet.couverture import routier, services


@pytest.fixture(autouse=True)
def _memoire_neuve():
    """La couverture et le graphe gardés en mémoire du processus : chaque test part à neuf."""
    services._MEMOIRE.clear()
    routier.oublier()
    yield
    services._MEMOIRE.clear()
    routier.oublier()
