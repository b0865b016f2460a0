"""Qui peut voir ou faire quoi dans financement : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import QuerySet

from guichet.permissions import contient, departements_pilotes, perimetre, structures_pilotees
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement

# — financement (subvention de fonctionnement) et conventions-cadres départementales —
#
# Subvention : l'équipe nationale voit tout (totaux par source et par région) et saisit partout ; la préfecture
# voit les structures de son département et y saisit les versements ; le responsable d'une structure lit la
# ligne de sa structure. Conventions-cadres : la préfecture lit et modifie celles de son département,
# l'équipe nationale toutes. Personne d'autre (conseillers, opérateurs, auditeurs, équipe technique).


def departements_financement(user) -> QuerySet[Departement]:
    """Les départements dont l'utilisateur voit la subvention, site par site, et où il saisit les versements."""
    return departements_pilotes(user)


def structures_financement(user) -> QuerySet[Structure]:
    """Les structures dont l'utilisateur lit la ligne de subvention."""
    return structures_pilotees(user)


def peut_voir_financement(user) -> bool:
    p = perimetre(user)
    return bool(p.tout_modifier or p.departements_geres or p.structures_gerees)


def peut_voir_financement_national(user) -> bool:
    """Les totaux nationaux par source et par région : équipe nationale."""
    return perimetre(user).tout_modifier


def peut_voir_financement_departement(user, departement) -> bool:
    p = perimetre(user)
    return departement is not None and (p.tout_modifier or departement.pk in p.departements_geres)


def peut_voir_financement_structure(user, structure) -> bool:
    return contient(structures_financement(user), structure)


def peut_saisir_versement(user, structure) -> bool:
    """Préfecture du département de la structure, équipe nationale ; jamais le responsable de la structure."""
    p = perimetre(user)
    if structure is None or structure.pk is None:
        return False
    return p.tout_modifier or structure.commune.departement_id in p.departements_geres
