"""Qui peut voir ou faire quoi dans statistiques : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from guichet.demandes.permissions import _paires_operateur
from guichet.permissions import contient, perimetre
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement

# Activité — statistiques (tableaux de bord et exports, guichet.statistiques).
#
# Structure : ses conseillers et son responsable ; la préfecture et l'auditeur de son département.
# Département : sa préfecture et son auditeur. Opérateur : ses référents et responsables
# départementaux, pour ses seules démarches et dans leurs départements. Tout, national compris :
# équipe nationale, auditeur national, équipe technique (`tout_voir`).


@dataclass(frozen=True)
class AccesStatistiquesOperateur:
    """Ce qu'un utilisateur voit de l'activité d'un opérateur : `departements` (identifiants), ou
    None pour tout le territoire."""

    departements: frozenset | None


def statistiques_nationales(user) -> bool:
    return perimetre(user).tout_voir


def departements_statistiques(user) -> QuerySet[Departement]:
    p = perimetre(user)
    if p.tout_voir:
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=p.departements_suivis)


def structures_statistiques(user) -> QuerySet[Structure]:
    p = perimetre(user)
    if p.tout_voir:
        return Structure.objects.all()
    if not (p.structures_lues or p.departements_suivis):
        return Structure.objects.none()
    return Structure.objects.filter(Q(pk__in=p.structures_lues) | Q(commune__departement_id__in=p.departements_suivis))


def acces_statistiques_operateur(user, operateur) -> AccesStatistiquesOperateur | None:
    """None : l'utilisateur ne voit pas l'activité de cet opérateur."""
    p = perimetre(user)
    if operateur is None or operateur.pk is None:
        return None
    if p.tout_voir:
        return AccesStatistiquesOperateur(departements=None)
    departements = frozenset(d for o, d in _paires_operateur(p) if o == operateur.pk)
    return AccesStatistiquesOperateur(departements=departements) if departements else None


def operateurs_statistiques(user) -> dict:
    """{identifiant d'opérateur: AccesStatistiquesOperateur} pour chaque opérateur dont l'utilisateur
    voit l'activité par son rôle de référent ou de responsable départemental (vide pour le national,
    qui les voit tous par le tableau national)."""
    acces = {}
    for operateur_id, departement_id in _paires_operateur(perimetre(user)):
        acces.setdefault(operateur_id, set()).add(departement_id)
    return {o: AccesStatistiquesOperateur(departements=frozenset(d)) for o, d in acces.items()}


def peut_voir_statistiques_structure(user, structure) -> bool:
    return contient(structures_statistiques(user), structure)


def peut_voir_statistiques_departement(user, departement) -> bool:
    return contient(departements_statistiques(user), departement)


def peut_voir_statistiques(user) -> bool:
    """Au moins un tableau de bord (et donc l'export des données ouvertes)."""
    p = perimetre(user)
    return bool(p.tout_voir or p.structures_lues or _paires_operateur(p) or p.departements_suivis)
