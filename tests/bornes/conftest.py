import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.bornes import services
from guichet.bornes.models import Avis
from guichet.comptes.models import Role
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.comptes.monde import construire_monde


@pytest.fixture
def monde(db):
    """Le petit monde des droits (a1, a2 dans l'Ain, b dans l'Aisne), plus un responsable de b."""
    m = construire_monde()
    m.gestionnaire_b = UtilisateurFactory(email="gestionnaire-b@example.fr")
    HabilitationFactory(utilisateur=m.gestionnaire_b, role=Role.GESTIONNAIRE, structure=m.b)
    return m


def avis(n, debut=None, ecart=timedelta(minutes=5), note=5, **extra) -> list[dict]:
    """n avis au format de l'API, à `ecart` les uns des autres, le premier à `debut` (par défaut il y a 2 h)."""
    debut = debut or timezone.now() - timedelta(hours=2)
    return [{"id": str(uuid.uuid4()), "le": (debut + i * ecart).isoformat(), "note": note, **extra} for i in range(n)]


def poser_avis(structure, notes, jours=3):
    """Des avis déjà gardés (une borne à la structure), un toutes les 10 minutes, puis les agrégats."""
    borne, _ = services.appairer(structure, "Essai")
    debut = timezone.now() - timedelta(days=jours)
    Avis.objects.bulk_create(
        [
            Avis(structure=structure, borne=borne, le=debut + timedelta(minutes=10 * i), note=note)
            for i, note in enumerate(notes)
        ]
    )
    services.recalculer_tout()
    return borne
