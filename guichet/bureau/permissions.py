"""Qui peut voir ou faire quoi dans bureau : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import QuerySet

from guichet.comptes.models import Habilitation, Role
from guichet.permissions import departements_visibles, perimetre


def peut_gerer_liens_operateurs(user) -> bool:
    """Les liens nationaux vers les sites des opérateurs : équipe nationale seulement."""
    return perimetre(user).tout_modifier


def referents_visibles(user) -> QuerySet[Habilitation]:
    """L'annuaire des référents et responsables départementaux d'opérateur (comptes actifs) des départements
    que l'utilisateur suit : ceux de ses structures (agent), de son rôle départemental (préfecture, référent,
    auditeur départemental), tous pour l'équipe nationale ; rien pour qui n'a pas de rôle."""
    p = perimetre(user)
    if p.vide:
        return Habilitation.objects.none()
    habilitations = Habilitation.objects.actives().filter(role__in=[Role.REFERENT, Role.RESPONSABLE_OPERATEUR])
    if p.tout_voir:
        return habilitations
    return habilitations.filter(departement__in=departements_visibles(user))
