"""Démonstration : la mesure nationale du jour (moteur d'estimation) sur le réseau de démonstration, pour que
la page nationale montre un premier point de son historique sans attendre le worker."""

from guichet.couverture.models import Mesure


def nettoyer() -> int:
    return Mesure.objects.all().delete()[0]


def peupler() -> dict[str, int]:
    from guichet.couverture.taches import mesurer

    mesurer("estimation")
    return {"mesures de la couverture": Mesure.objects.count()}
