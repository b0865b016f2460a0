import pytest

from tests.comptes.conftest import connecte, monde  # noqa: F401  (fixtures partagées)


@pytest.fixture(autouse=True)
def _taches_immediates(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
