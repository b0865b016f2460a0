"""Qui peut voir ou faire quoi dans enquetes : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import QuerySet

from guichet.permissions import contient, est_agent, perimetre
from guichet.reseau.models import Structure
from guichet.statistiques.permissions import (
    departements_statistiques,
    peut_voir_statistiques_structure,
    structures_statistiques,
)

# — enquêtes annuelles, évaluation du back-office par les structures, visites mystères —
#
# Enquêtes (guichet.enquetes) : l'équipe nationale définit les campagnes et lit les textes libres
# (masqués) ; les résultats chiffrés se lisent comme les statistiques de l'activité : une structure par
# son équipe, un département par sa préfecture et son auditeur, tout par les rôles nationaux ; les
# niveaux national et régional, agrégés, par quiconque lit des résultats. Un conseiller répond aux
# campagnes des conseillers, une fois. Évaluation du back-office : le responsable d'une structure note
# les opérateurs nationaux ; les résultats suivent le périmètre du tableau de qualité (un opérateur ne
# voit que les siens). Visites mystères (guichet.visites) : l'équipe nationale planifie partout, la
# préfecture dans son département ; l'auditeur désigné saisit sa visite tant que la campagne est
# ouverte ; la structure ne voit ses résultats qu'une fois la campagne close, sans la date prévue.


def peut_gerer_enquetes(user) -> bool:
    return perimetre(user).tout_modifier


def peut_voir_enquetes(user) -> bool:
    """Des résultats d'enquête à lire (ou des questionnaires à remplir, pour un agent)."""
    p = perimetre(user)
    return bool(p.tout_voir or p.departements_suivis or p.structures_lues)


def peut_voir_resultats_enquete(user, niveau) -> bool:
    """`niveau` : un `enquetes.services.Niveau`."""
    if not peut_voir_enquetes(user):
        return False
    if niveau.code in ("national", "region"):
        return True
    if niveau.code == "departement":
        return contient(departements_statistiques(user), niveau.objet)
    if niveau.code == "structure":
        return contient(structures_statistiques(user), niveau.objet)
    return False


def resultats_enquete_lisibles(user, niveaux) -> list[bool]:
    """`peut_voir_resultats_enquete` pour chaque ligne d'un tableau par territoire (niveaux d'un même code),
    en une requête au plus."""
    if not niveaux or not peut_voir_enquetes(user):
        return [False] * len(niveaux)
    code = niveaux[0].code
    if perimetre(user).tout_voir or code in ("national", "region"):
        return [True] * len(niveaux)
    lisibles = departements_statistiques(user) if code == "departement" else structures_statistiques(user)
    ids = set(lisibles.filter(pk__in=[n.objet.pk for n in niveaux]).values_list("pk", flat=True))
    return [n.objet.pk in ids for n in niveaux]


def voit_textes_libres(user) -> bool:
    """Les réponses libres des enquêtes et les commentaires des évaluations : équipe nationale seulement."""
    return perimetre(user).tout_modifier


def peut_repondre_enquete(user, campagne) -> bool:
    from guichet.enquetes.models import Public

    return campagne.public == Public.AGENTS and campagne.ouverte and est_agent(user)


def peut_voir_affiche_enquete(user, structure) -> bool:
    """Le lien public et le QR code d'une structure : son équipe, sa préfecture, l'équipe nationale."""
    return peut_voir_statistiques_structure(user, structure)


def structures_qui_evaluent(user) -> QuerySet[Structure]:
    """Les structures dont l'utilisateur note le back-office des opérateurs : celles qu'il gère."""
    p = perimetre(user)
    return Structure.objects.filter(pk__in=p.structures_gerees) if p.structures_gerees else Structure.objects.none()


def peut_evaluer_operateurs(user) -> bool:
    return bool(perimetre(user).structures_gerees)
