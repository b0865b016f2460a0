import pytest

from tests.demandes.factories import monde_des_demandes


@pytest.fixture(autouse=True)
def _taches_immediates(settings):
    """Les tâches de fond s'exécutent sur-le-champ (les courriels partent dans mail.outbox)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def m(db):
    return monde_des_demandes()
