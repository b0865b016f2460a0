"""La démonstration de l'activité hors du département de démonstration : chaque département a de
l'activité, jusqu'à la veille, sur ses seules structures de démonstration."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from guichet.activite.models import Accompagnement
from guichet.reseau.demo import DEPARTEMENT_DEMO, PREFIXE
from guichet.statistiques import demo
from guichet.statistiques.models import StructureJour
from guichet.temps import PARIS
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db


def test_activite_dans_chaque_departement(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    departements = [DepartementFactory(code=code) for code in (DEPARTEMENT_DEMO, "02", "2A", "971")]
    structures = {
        d.code: [
            StructureFactory(
                matricule=f"{PREFIXE}{d.code}{i}",
                # Un code INSEE de cinq caractères, outre-mer compris (971 + 2 chiffres).
                commune=CommuneFactory(departement=d, code=d.code + str(i + 1).zfill(5 - len(d.code))),
            )
            for i in range(2)
        ]
        for d in departements
    }
    autre = StructureFactory(commune=CommuneFactory(departement=departements[1]))  # pas de la démonstration
    comptes = demo.peupler(graine=7)
    (volume,) = comptes.values()
    assert Accompagnement.objects.count() == volume > 0
    par_departement = dict(
        Accompagnement.objects.values_list("structure__commune__departement__code").annotate(n=Count("pk")).order_by()
    )
    # Chaque département a son activité ; celui de la démonstration a la sienne, saisie en détail ailleurs.
    assert set(par_departement) == {"02", "2A", "971"}
    assert not Accompagnement.objects.filter(structure=autre).exists()
    assert not Accompagnement.objects.filter(structure__in=structures[DEPARTEMENT_DEMO]).exists()
    aujourd_hui = timezone.localdate()
    jours = {le.astimezone(PARIS).date() for le in Accompagnement.objects.values_list("le", flat=True)}
    assert min(jours) >= aujourd_hui - timedelta(weeks=6) and max(jours) < aujourd_hui
    # Les agrégats des tableaux de bord suivent.
    assert sum(StructureJour.objects.values_list("nombre", flat=True)) == volume
