"""Qui peut voir ou faire quoi dans conventions : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import QuerySet

from guichet.financement.permissions import departements_financement, peut_voir_financement_departement
from guichet.permissions import perimetre
from guichet.territoires.models import Departement


def departements_conventions(user) -> QuerySet[Departement]:
    """Les départements dont l'utilisateur lit et modifie la convention-cadre."""
    return departements_financement(user)


def peut_voir_conventions(user) -> bool:
    p = perimetre(user)
    return bool(p.tout_modifier or p.departements_geres)


def peut_modifier_convention(user, departement) -> bool:
    return peut_voir_financement_departement(user, departement)
