"""Qui peut voir ou faire quoi dans plans_d_action : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import Q, QuerySet

from guichet.permissions import compte_actif, departements_pilotes, perimetre
from guichet.plans_d_action.models import PlanDAction
from guichet.territoires.models import Departement

# — plans d'action (guichet.plans_d_action) —
# Ouverts par la préfecture (son département) ou l'équipe nationale ; lus par l'auditeur de son périmètre ;
# le responsable de la structure lit et répond aux plans de sa structure, le responsable départemental d'un
# opérateur à ceux qui concernent son back-office ; la personne nommée responsable d'une action y répond.


def plans_visibles(user) -> QuerySet[PlanDAction]:
    p = perimetre(user)
    if p.tout_voir:
        return PlanDAction.objects.all()
    if p.vide and not p.responsable_de:
        return PlanDAction.objects.none()
    q = Q(departement_id__in=p.departements_suivis) | Q(structure_id__in=p.structures_gerees)
    for operateur_id, departement_id in p.responsable_de:
        q |= Q(operateur_id=operateur_id, departement_id=departement_id)
    q |= Q(actions__responsable=user)
    return PlanDAction.objects.filter(q).distinct()


def peut_voir_plans(user) -> bool:
    """La liste des plans : les rôles qui en suivent (sans requête : le menu la pose à chaque page)."""
    p = perimetre(user)
    return bool(p.tout_voir or p.departements_suivis or p.structures_gerees or p.responsable_de)


def peut_voir_plan(user, plan) -> bool:
    return plans_visibles(user).filter(pk=plan.pk).exists()


def departements_ou_ouvrir_plan(user) -> QuerySet[Departement]:
    return departements_pilotes(user)


def peut_ouvrir_plan(user, departement=None) -> bool:
    """Ouvrir un plan (et y ajouter des actions) : la préfecture dans son département, l'équipe nationale partout."""
    p = perimetre(user)
    if departement is None:
        return bool(p.tout_modifier or p.departements_geres)
    return p.tout_modifier or departement.pk in p.departements_geres


def peut_repondre_action(user, action) -> bool:
    if not compte_actif(user):
        return False
    plan = action.plan
    p = perimetre(user)
    return bool(
        p.tout_modifier
        or plan.departement_id in p.departements_geres
        or (plan.structure_id is not None and plan.structure_id in p.structures_gerees)
        or (plan.operateur_id is not None and (plan.operateur_id, plan.departement_id) in p.responsable_de)
        or action.responsable_id == user.pk
    )
