"""Qui peut voir ou faire quoi dans activite : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import QuerySet
from django.utils import timezone

from guichet.activite.models import DELAI_CORRECTION, Accompagnement
from guichet.permissions import contient, perimetre


def accompagnements_corrigeables(user) -> QuerySet[Accompagnement]:
    """Les accompagnements que l'utilisateur peut corriger ou supprimer : les siens, des 7 derniers
    jours, dans une structure où il saisit encore."""
    p = perimetre(user)
    if not p.structures_lues:
        return Accompagnement.objects.none()
    return Accompagnement.objects.filter(
        agent=user, structure_id__in=p.structures_lues, le__gte=timezone.now() - DELAI_CORRECTION
    )


def peut_corriger_accompagnement(user, accompagnement) -> bool:
    return contient(accompagnements_corrigeables(user), accompagnement)
