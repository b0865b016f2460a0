import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from guichet import permissions
from tests.comptes.factories import TOTPDeviceFactory
from tests.comptes.monde import construire_monde

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def monde(db):
    return construire_monde()


def connecter(client, user, verifie=True):
    """Ouvre une session ; pour les rôles à second facteur, la session est aussi validée par TOTP."""
    client.force_login(user, backend=MODEL_BACKEND)
    if verifie and permissions.exige_double_facteur(user):
        appareil = TOTPDeviceFactory(user=user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
        session.save()
    return client


@pytest.fixture
def connecte(client):
    def _connecte(user, verifie=True):
        return connecter(client, user, verifie)

    return _connecte
