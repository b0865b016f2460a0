from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from guichet.activite.models import Accompagnement
from guichet.activite.signaux import accompagnements_crees
from guichet.statistiques import taches
from guichet.statistiques.models import ActiviteJour, EtatAgregats, StructureJour
from tests.activite.factories import AccompagnementFactory
from tests.statistiques.factories import a_paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _oublier_la_derniere_demande():
    taches._derniere_demande["instant"] = None
    yield
    taches._derniere_demande["instant"] = None


def test_une_saisie_programme_la_tache_une_fois_par_delai(settings, reseau, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        AccompagnementFactory(structure=reseau.a1, le=a_paris(2026, 2, 3))
        AccompagnementFactory(structure=reseau.a1, le=a_paris(2026, 2, 4))
    demandes = DBTaskResult.objects.filter(task_path="guichet.statistiques.taches.actualiser_agregats")
    assert demandes.count() == 1
    demande = demandes.get()
    assert demande.run_after >= demande.enqueued_at + timedelta(seconds=59)
    # Une suppression après le délai en programme une autre.
    taches._derniere_demande["instant"] -= taches.DELAI.total_seconds()
    with django_capture_on_commit_callbacks(execute=True):
        Accompagnement.objects.first().delete()
    assert demandes.count() == 2


def test_la_tache_met_les_agregats_a_jour(reseau):
    AccompagnementFactory(structure=reseau.a1, le=a_paris(2026, 2, 3))
    AccompagnementFactory(structure=reseau.b, le=a_paris(2026, 2, 3), oriente=True)
    resultat = taches.actualiser_agregats.call()
    assert resultat["jours"] == 1
    assert ActiviteJour.objects.get(departement=reseau.ain).nombre == 1
    assert ActiviteJour.objects.get(departement=reseau.aisne).resultat_oriente == 1
    assert EtatAgregats.courant().jusqu_a is not None


def test_moteur_immediat(settings, reseau, django_capture_on_commit_callbacks):
    """Avec un moteur de tâches immédiat, la saisie met les agrégats à jour dès la validation."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        AccompagnementFactory(structure=reseau.a2, le=a_paris(2026, 2, 3))
    assert ActiviteJour.objects.get().nombre == 1


def test_une_creation_en_masse_annoncee_par_l_activite_programme_la_tache(settings, reseau):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    accompagnements_crees.send(sender=Accompagnement, immediat=False)
    assert DBTaskResult.objects.filter(task_path="guichet.statistiques.taches.actualiser_agregats").count() == 1
    assert not ActiviteJour.objects.exists()


def test_une_creation_en_masse_immediate_recalcule_les_agregats(reseau):
    Accompagnement.objects.bulk_create(
        [AccompagnementFactory.build(structure=reseau.a1, le=a_paris(2026, 2, 3)) for _ in range(3)]
    )
    assert not StructureJour.objects.exists()
    accompagnements_crees.send(sender=Accompagnement, immediat=True)
    assert StructureJour.objects.get(structure=reseau.a1).nombre == 3
