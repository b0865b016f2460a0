"""Le parcours et les sessions dans l'administration : l'équipe nationale seulement."""

import pytest
from django.urls import reverse

from guichet.comptes.models import Role
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.formation.factories import SessionFactory, parcours

pytestmark = pytest.mark.django_db


def test_l_equipe_nationale_modifie_le_parcours_et_les_sessions(client):
    national = UtilisateurFactory(is_staff=True)
    HabilitationFactory(utilisateur=national, role=Role.NATIONAL)
    connecter(client, national)
    version = parcours()
    page = client.get(reverse("admin:formation_parcours_change", args=[version.pk]))
    assert page.status_code == 200
    assert "Module métier : Les Allocations familiales" in page.content.decode()
    assert client.get(reverse("admin:formation_session_change", args=[SessionFactory().pk])).status_code == 200


@pytest.mark.parametrize("role", [None, Role.PREFECTURE])
def test_l_equipe_technique_ou_une_prefecture_n_y_touche_pas(client, role):
    user = UtilisateurFactory(is_staff=True)
    if role:
        HabilitationFactory(prefecture=True, utilisateur=user)
    connecter(client, user)
    assert client.get(reverse("admin:formation_parcours_change", args=[parcours().pk])).status_code in (302, 403)
    assert "/admin/formation/" not in client.get(reverse("admin:index")).content.decode()
