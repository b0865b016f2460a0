"""Qui peut voir ou faire quoi dans visites : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import Q

from guichet.comptes.models import Role
from guichet.permissions import compte_actif, perimetre


def peut_planifier_visites(user, departement=None) -> bool:
    """Sans département : planifie-t-il des visites quelque part ? Avec : dans ce département (None pour
    une campagne nationale, que seule l'équipe nationale ouvre) ?"""
    p = perimetre(user)
    if p.tout_modifier:
        return True
    if departement is None:
        return bool(p.departements_geres)
    return departement.pk in p.departements_geres


def campagnes_visites_suivies(user):
    """Les campagnes que l'utilisateur suit, dates comprises : toutes pour le national ; pour une préfecture
    ou un auditeur départemental, celles de ses départements et les nationales (dont il ne voit que les
    visites chez lui)."""
    from guichet.visites.models import CampagneVisites

    p = perimetre(user)
    if p.tout_voir:
        return CampagneVisites.objects.all()
    if not p.departements_suivis:
        return CampagneVisites.objects.none()
    return CampagneVisites.objects.filter(
        Q(departement_id__in=p.departements_suivis) | Q(departement__isnull=True)
    ).distinct()


def visites_suivies(user):
    """Les visites dont l'utilisateur voit tout (date prévue comprise), hors l'évaluateur lui-même."""
    from guichet.visites.models import Visite

    p = perimetre(user)
    if p.tout_voir:
        return Visite.objects.all()
    if not p.departements_suivis:
        return Visite.objects.none()
    return Visite.objects.filter(structure__commune__departement_id__in=p.departements_suivis)


def visites_de_l_evaluateur(user):
    """Les visites confiées à l'utilisateur (auditeur désigné)."""
    from guichet.visites.models import Visite

    if Role.AUDITEUR not in perimetre(user).roles:
        return Visite.objects.none()
    return Visite.objects.filter(evaluateur=user)


def resultats_visites_de_la_structure(user):
    """Les visites réalisées des structures de l'utilisateur (équipe), campagnes closes seulement."""
    from guichet.visites.models import Visite

    p = perimetre(user)
    if not p.structures_lues:
        return Visite.objects.none()
    return Visite.objects.filter(
        structure_id__in=p.structures_lues, campagne__close_le__isnull=False, realisee_le__isnull=False
    )


def acces_visite(user, visite) -> str | None:
    """« suivi » (tout, date comprise), « evaluateur » (saisie de sa visite), « structure » (résultats
    seulement, après la clôture), ou None : la visite n'existe pas pour lui."""
    if visite is None or visite.pk is None or not compte_actif(user):
        return None
    if visites_suivies(user).filter(pk=visite.pk).exists():
        return "suivi"
    if visites_de_l_evaluateur(user).filter(pk=visite.pk).exists():
        return "evaluateur"
    if resultats_visites_de_la_structure(user).filter(pk=visite.pk).exists():
        return "structure"
    return None


def peut_saisir_visite(user, visite) -> bool:
    """L'évaluateur désigné, tant que la campagne n'est pas close."""
    return visite.campagne.close_le is None and visites_de_l_evaluateur(user).filter(pk=visite.pk).exists()


def peut_modifier_campagne_visites(user, campagne) -> bool:
    """Ajouter des visites, clore : l'équipe nationale, ou la préfecture du département de la campagne."""
    return (
        peut_planifier_visites(user, campagne.departement) if campagne.departement_id else perimetre(user).tout_modifier
    )


def peut_voir_visites(user) -> bool:
    p = perimetre(user)
    return bool(p.tout_voir or p.departements_suivis or p.structures_lues or Role.AUDITEUR in p.roles)
