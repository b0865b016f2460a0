"""Qui peut voir ou faire quoi dans couverture : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import QuerySet

from guichet.permissions import perimetre
from guichet.territoires.models import Departement

# — couverture du territoire (guichet.couverture) —
#
# La carte des temps d'accès d'un département : la préfecture et l'auditeur départemental pour les leurs ;
# l'équipe nationale, l'équipe technique et l'auditeur national pour tous, et la page nationale.
# Les agents des structures et les référents d'opérateur n'y ont pas accès.


def departements_couverture(user) -> QuerySet[Departement]:
    p = perimetre(user)
    if p.tout_voir:
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=p.departements_suivis)


def peut_voir_couverture(user) -> bool:
    p = perimetre(user)
    return p.tout_voir or bool(p.departements_suivis)


def peut_voir_couverture_departement(user, departement) -> bool:
    p = perimetre(user)
    return p.tout_voir or departement.pk in p.departements_suivis


def peut_voir_couverture_nationale(user) -> bool:
    return perimetre(user).tout_voir
