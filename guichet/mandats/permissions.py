"""Qui peut voir ou faire quoi dans mandats : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import QuerySet

from guichet.mandats.models import Mandat
from guichet.permissions import est_agent, perimetre

# — mandats des usagers (guichet.mandats) —
# Le conseiller recueille et révoque les mandats de ses structures et seul il en lit l'identité de l'usager ;
# les référents et responsables d'opérateur, la préfecture et l'équipe nationale vérifient une référence
# (état et portée, sans donnée personnelle).


def peut_recueillir_mandat(user) -> bool:
    return est_agent(user)


def mandats_visibles(user) -> QuerySet[Mandat]:
    """Les mandats des structures de l'agent (l'identité de l'usager comprise) ; personne d'autre ne les liste."""
    p = perimetre(user)
    if not p.structures_lues:
        return Mandat.objects.none()
    return Mandat.objects.filter(structure_id__in=p.structures_lues)


def peut_verifier_mandat(user) -> bool:
    p = perimetre(user)
    return bool(p.tout_voir or p.referent_de or p.responsable_de or p.departements_geres)
