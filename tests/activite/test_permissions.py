from datetime import timedelta

import pytest
from django.utils import timezone

from guichet import permissions
from guichet.activite import permissions as permissions_activite
from tests.activite.factories import AccompagnementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("qui", "attendues"),
    [
        ("conseiller", {"a1"}),
        ("gestionnaire", {"a1"}),
        ("multi", {"a1", "a2"}),
        ("conseiller_b", {"b"}),
        ("referent", set()),  # lit les structures de l'Ain, mais n'y saisit pas
        ("sans_role", set()),
    ],
)
def test_structures_de_l_agent_pour_la_saisie(lieux, qui, attendues):
    user = getattr(lieux, qui)
    noms = {"France services A1": "a1", "France services A2": "a2", "France services B": "b"}
    assert {noms[s.nom] for s in permissions.structures_de_l_agent(user)} == attendues
    assert permissions.peut_saisir(user) == bool(attendues)
    for cle in ("a1", "a2", "b"):
        assert permissions.peut_saisir(user, getattr(lieux, cle)) == (cle in attendues)


def test_national_et_anonyme_ne_saisissent_pas(lieux):
    from django.contrib.auth.models import AnonymousUser

    from guichet.comptes.models import Role
    from tests.comptes.factories import HabilitationFactory

    national = HabilitationFactory(role=Role.NATIONAL).utilisateur
    assert not permissions.peut_saisir(national)
    assert not permissions.peut_saisir(AnonymousUser())
    assert not permissions_activite.accompagnements_corrigeables(AnonymousUser()).exists()


def test_accompagnements_corrigeables(lieux):
    maintenant = timezone.now()
    sien = AccompagnementFactory(
        structure=lieux.a1, agent=lieux.conseiller, le=maintenant - timedelta(days=6, hours=23)
    )
    AccompagnementFactory(structure=lieux.a1, agent=lieux.conseiller, le=maintenant - timedelta(days=7, minutes=1))
    d_un_collegue = AccompagnementFactory(structure=lieux.a1, agent=lieux.collegue)
    assert list(permissions_activite.accompagnements_corrigeables(lieux.conseiller)) == [sien]
    assert permissions_activite.peut_corriger_accompagnement(lieux.conseiller, sien)
    assert not permissions_activite.peut_corriger_accompagnement(lieux.conseiller, d_un_collegue)
    assert not permissions_activite.peut_corriger_accompagnement(lieux.gestionnaire, sien)
    # L'agent qui a quitté la structure ne corrige plus ses saisies.
    lieux.conseiller.habilitations.all().delete()
    assert not permissions_activite.peut_corriger_accompagnement(lieux.conseiller, sien)
