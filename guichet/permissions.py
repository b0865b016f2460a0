"""Qui peut voir ou modifier quoi : la seule source de vérité des droits.

Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.

Périmètres (voir `guichet.comptes.models.Habilitation`) :

- national (et superutilisateur) : tout, en lecture et en écriture ;
- membre de l'équipe technique (`is_staff`) et auditeur national (sans département) : tout, en lecture ;
- préfecture : les structures de son département, en lecture et en écriture, statut compris ;
- auditeur départemental : les structures de son département, en lecture ;
- référent d'opérateur et responsable départemental d'opérateur : les structures des départements
  où il l'est, en lecture ; leurs couples (opérateur, département) sont dans `Perimetre.referent_de`
  et `Perimetre.responsable_de` ;
- responsable de structure (gestionnaire) : sa structure, en lecture et en écriture, et ses invitations ;
- conseiller : sa structure, en lecture ;
- anonyme, compte inactif ou sans habilitation : rien.

Les réponses « listes » sont des QuerySet (une requête pour la liste, plus une pour lire les
habilitations de l'utilisateur) ; les réponses « oui ou non » s'appuient sur elles.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from guichet.comptes.models import ROLES_DOUBLE_FACTEUR, Habilitation, Role
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement


@dataclass(frozen=True)
class Perimetre:
    """Les habilitations d'un utilisateur, lues une fois, rangées par nature de périmètre."""

    roles: frozenset = frozenset()
    tout_voir: bool = False
    tout_modifier: bool = False
    structures_lues: frozenset = field(default_factory=frozenset)  # conseiller, gestionnaire
    structures_gerees: frozenset = field(default_factory=frozenset)  # gestionnaire
    departements_lus: frozenset = field(default_factory=frozenset)  # préfecture, référent, auditeur
    departements_geres: frozenset = field(default_factory=frozenset)  # préfecture
    referent_de: frozenset = field(default_factory=frozenset)  # couples (operateur_id, departement_id)
    responsable_de: frozenset = field(default_factory=frozenset)  # couples (operateur_id, departement_id)

    @property
    def vide(self):
        return not (self.tout_voir or self.structures_lues or self.departements_lus)


AUCUN = Perimetre()


def _actif(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def perimetre(user) -> Perimetre:
    """Lit les habilitations de l'utilisateur (une requête) et en déduit son périmètre."""
    if not _actif(user):
        return AUCUN
    roles = set()
    structures_lues, structures_gerees = set(), set()
    departements_lus, departements_geres = set(), set()
    referent_de, responsable_de = set(), set()
    tout_voir = tout_modifier = bool(user.is_superuser)
    tout_voir = tout_voir or bool(user.is_staff)
    for role, structure_id, operateur_id, departement_id in Habilitation.objects.filter(utilisateur=user).values_list(
        "role", "structure_id", "operateur_id", "departement_id"
    ):
        roles.add(role)
        if role == Role.NATIONAL:
            tout_voir = tout_modifier = True
        elif role == Role.AUDITEUR:
            if departement_id is None:
                tout_voir = True
            else:
                departements_lus.add(departement_id)
        elif role == Role.PREFECTURE:
            departements_lus.add(departement_id)
            departements_geres.add(departement_id)
        elif role == Role.REFERENT:
            departements_lus.add(departement_id)
            referent_de.add((operateur_id, departement_id))
        elif role == Role.RESPONSABLE_OPERATEUR:
            departements_lus.add(departement_id)
            responsable_de.add((operateur_id, departement_id))
        elif role == Role.GESTIONNAIRE:
            structures_lues.add(structure_id)
            structures_gerees.add(structure_id)
        elif role == Role.CONSEILLER:
            structures_lues.add(structure_id)
    return Perimetre(
        roles=frozenset(roles),
        tout_voir=tout_voir,
        tout_modifier=tout_modifier,
        structures_lues=frozenset(structures_lues),
        structures_gerees=frozenset(structures_gerees),
        departements_lus=frozenset(departements_lus),
        departements_geres=frozenset(departements_geres),
        referent_de=frozenset(referent_de),
        responsable_de=frozenset(responsable_de),
    )


def roles(user) -> set[str]:
    """Les rôles (valeurs de `Role`) que l'utilisateur détient, sur quelque périmètre que ce soit."""
    return set(perimetre(user).roles)


def exige_double_facteur(user) -> bool:
    """Vrai si l'utilisateur détient un rôle qui impose un second facteur à la connexion
    (référent, préfecture, national) ou s'il est superutilisateur (il a les droits du national)."""
    return _actif(user) and (user.is_superuser or user.habilitations.filter(role__in=ROLES_DOUBLE_FACTEUR).exists())


# Structures


def structures_visibles(user) -> QuerySet[Structure]:
    p = perimetre(user)
    if p.tout_voir:
        return Structure.objects.all()
    if p.vide:
        return Structure.objects.none()
    return Structure.objects.filter(Q(pk__in=p.structures_lues) | Q(commune__departement_id__in=p.departements_lus))


def structures_modifiables(user) -> QuerySet[Structure]:
    """Les structures dont l'utilisateur peut modifier la fiche (horaires, équipements, opérateurs…)."""
    p = perimetre(user)
    if p.tout_modifier:
        return Structure.objects.all()
    if not (p.structures_gerees or p.departements_geres):
        return Structure.objects.none()
    return Structure.objects.filter(Q(pk__in=p.structures_gerees) | Q(commune__departement_id__in=p.departements_geres))


def structures_dont_statut_modifiable(user) -> QuerySet[Structure]:
    p = perimetre(user)
    if p.tout_modifier:
        return Structure.objects.all()
    if not p.departements_geres:
        return Structure.objects.none()
    return Structure.objects.filter(commune__departement_id__in=p.departements_geres)


def structures_ou_inviter(user) -> QuerySet[Structure]:
    p = perimetre(user)
    if p.tout_modifier:
        return Structure.objects.all()
    if not p.structures_gerees:
        return Structure.objects.none()
    return Structure.objects.filter(pk__in=p.structures_gerees)


def _contient(queryset, structure) -> bool:
    return structure is not None and structure.pk is not None and queryset.filter(pk=structure.pk).exists()


def peut_voir_structure(user, structure) -> bool:
    return _contient(structures_visibles(user), structure)


def peut_modifier_structure(user, structure) -> bool:
    """Responsable de la structure, préfecture de son département, équipe nationale."""
    return _contient(structures_modifiables(user), structure)


def peut_changer_statut(user, structure) -> bool:
    """Préfecture du département de la structure, équipe nationale."""
    return _contient(structures_dont_statut_modifiable(user), structure)


def peut_inviter(user, structure) -> bool:
    """Responsable de la structure, équipe nationale."""
    return _contient(structures_ou_inviter(user), structure)


def peut_voir_agents(user, structure) -> bool:
    """L'équipe d'une structure se voit avec la structure : mêmes personnes, même périmètre."""
    return peut_voir_structure(user, structure)


# Territoire


def departements_visibles(user) -> QuerySet[Departement]:
    """Les départements où l'utilisateur voit au moins une structure, ou qu'il suit par son rôle."""
    p = perimetre(user)
    if p.tout_voir:
        return Departement.objects.all()
    if p.vide:
        return Departement.objects.none()
    return Departement.objects.filter(
        Q(pk__in=p.departements_lus) | Q(communes__structures__in=p.structures_lues)
    ).distinct()


# Activité (accompagnements) — issue 3 : les fonctions de guichet.activite s'ajoutent ici.


# Demandes (back-office des opérateurs) — issue 4 : les fonctions de guichet.demandes s'ajoutent ici.


# Bureau de l'agent et base de connaissances — issue 5 : les fonctions de guichet.bureau et
# guichet.connaissances s'ajoutent ici.
