"""Qui peut voir ou faire quoi dans bornes : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import QuerySet

from guichet.permissions import compte_actif, contient, departements_pilotes, perimetre, structures_pilotees
from guichet.plans_d_action.permissions import peut_ouvrir_plan
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement

# — bornes de satisfaction (guichet.bornes) —
#
# Appairer et révoquer les tablettes d'une structure : son responsable, l'équipe nationale. Résultats : la
# structure pour son responsable, le département pour sa préfecture, le national pour l'équipe nationale
# (une structure ne voit jamais les résultats d'une autre). Plan d'action sur un score faible : préfecture du
# département, équipe nationale. Code QR d'avis : l'agent qui a fait l'accompagnement, dans sa structure.


def structures_des_bornes(user) -> QuerySet[Structure]:
    """Les structures dont l'utilisateur appaire et révoque les bornes."""
    p = perimetre(user)
    if p.tout_modifier:
        return Structure.objects.all()
    if not p.structures_gerees:
        return Structure.objects.none()
    return Structure.objects.filter(pk__in=p.structures_gerees)


def peut_gerer_bornes(user, structure=None) -> bool:
    """Sans structure : en gère-t-il au moins une ? Avec : celle-ci ?"""
    p = perimetre(user)
    if structure is None:
        return bool(p.tout_modifier or p.structures_gerees)
    return structure.pk is not None and (p.tout_modifier or structure.pk in p.structures_gerees)


def satisfaction_nationale(user) -> bool:
    return perimetre(user).tout_modifier


def departements_satisfaction(user) -> QuerySet[Departement]:
    return departements_pilotes(user)


def structures_satisfaction(user) -> QuerySet[Structure]:
    return structures_pilotees(user)


def peut_voir_satisfaction(user) -> bool:
    """Au moins un tableau de satisfaction : responsable de structure, préfecture, équipe nationale."""
    p = perimetre(user)
    return bool(p.tout_modifier or p.structures_gerees or p.departements_geres)


def peut_voir_satisfaction_departement(user, departement) -> bool:
    return contient(departements_satisfaction(user), departement)


def peut_voir_satisfaction_structure(user, structure) -> bool:
    return contient(structures_satisfaction(user), structure)


def peut_ouvrir_plan_satisfaction(user, structure) -> bool:
    """Plan d'action sur le score d'une structure : préfecture de son département, équipe nationale."""
    return structure is not None and peut_ouvrir_plan(user, structure.commune.departement)


def peut_inviter_avis(user, accompagnement) -> bool:
    """Le code QR d'avis d'un accompagnement : l'agent qui l'a saisi, dans une structure où il saisit encore."""
    p = perimetre(user)
    return (
        accompagnement is not None
        and compte_actif(user)
        and accompagnement.agent_id == user.pk
        and accompagnement.structure_id in p.structures_lues
    )
