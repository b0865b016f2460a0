"""Les tâches de fond des statistiques (interface Django tasks ; `guichet db_worker` les exécute)."""

import time
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from guichet.statistiques import agregation

# Au plus une demande de mise à jour par processus et par DELAI : la tâche part DELAI après la
# première écriture et prend en compte toutes celles validées d'ici là (et les suivantes grâce à
# la marge de relecture, voir agregation.MARGE).
DELAI = timedelta(seconds=60)
_derniere_demande = {"instant": None}


@task()
def actualiser_agregats(complet: bool = False) -> dict:
    """Met à jour les agrégats de l'activité (les jours touchés depuis le dernier calcul)."""
    bilan = agregation.actualiser(complet=complet)
    return {"jours": bilan.jours, "lignes": bilan.lignes, "duree_ms": bilan.duree_ms}


def demander_actualisation() -> None:
    """À appeler après une écriture d'accompagnements qui ne passe pas par `save()` (`bulk_create`) :
    les signaux de signaux.py l'appellent pour `save()` et `delete()`."""
    maintenant = time.monotonic()
    precedente = _derniere_demande["instant"]
    if precedente is not None and maintenant - precedente < DELAI.total_seconds():
        return
    _derniere_demande["instant"] = maintenant
    tache = actualiser_agregats
    if tache.get_backend().supports_defer:
        tache = tache.using(run_after=timezone.now() + DELAI)
    tache.enqueue()
