"""Qui peut voir ou faire quoi dans formation : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import Q, QuerySet

from guichet.comptes.models import Habilitation
from guichet.permissions import ROLES_AGENT, compte_actif, contient, est_agent, perimetre
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement

# — formation des conseillers (guichet.formation) —
#
# Le conseiller voit son propre parcours. Le responsable de structure voit l'état de son équipe et y inscrit
# ses agents. La préfecture et l'auditeur départemental voient leur département (les sites à moins de deux
# agents formés en tête), en lecture. L'équipe nationale tient le parcours (ses versions), planifie les
# sessions, saisit la présence (les organismes formateurs lui remettent les feuilles d'émargement : une seule
# main sur ce qui fait d'un agent un « formé ») et voit les chiffres nationaux ; l'équipe technique et
# l'auditeur national lisent tout. Une attestation se télécharge par ceux qui voient le parcours de l'agent.


def peut_gerer_formation(user) -> bool:
    """Parcours et modules, sessions, présence : équipe nationale et superutilisateurs."""
    return perimetre(user).tout_modifier


def structures_formation(user) -> QuerySet[Structure]:
    """Les structures dont l'utilisateur voit l'état de formation de l'équipe."""
    p = perimetre(user)
    if p.tout_voir:
        return Structure.objects.all()
    if not (p.structures_gerees or p.departements_suivis):
        return Structure.objects.none()
    return Structure.objects.filter(
        Q(pk__in=p.structures_gerees) | Q(commune__departement_id__in=p.departements_suivis)
    )


def peut_voir_formation_structure(user, structure) -> bool:
    return contient(structures_formation(user), structure)


def peut_inscrire_en_formation(user, structure) -> bool:
    """Inscrire les agents d'une structure à une session : son responsable, l'équipe nationale."""
    p = perimetre(user)
    return structure is not None and (p.tout_modifier or structure.pk in p.structures_gerees)


def departements_formation(user) -> QuerySet[Departement]:
    """Les départements dont l'utilisateur voit les sites et leurs agents formés."""
    p = perimetre(user)
    if p.tout_voir:
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=p.departements_suivis)


def voit_chiffres_nationaux_formation(user) -> bool:
    return perimetre(user).tout_voir


def peut_voir_formation(user) -> bool:
    """La page « Formation » : un agent (son parcours), un responsable, une préfecture, un auditeur, le national."""
    p = perimetre(user)
    return bool(p.tout_voir or p.structures_lues or p.departements_suivis)


def peut_voir_parcours(user, agent) -> bool:
    """Le parcours (et l'attestation) d'un agent : lui-même, et qui voit la formation d'une de ses structures."""
    if not compte_actif(user) or agent is None or agent.pk is None:
        return False
    if agent.pk == user.pk:
        return est_agent(user)
    structures = Habilitation.objects.filter(utilisateur=agent, role__in=ROLES_AGENT).values("structure_id")
    return structures_formation(user).filter(pk__in=structures).exists()
