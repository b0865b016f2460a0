"""Qui peut voir ou modifier quoi : le périmètre de chaque utilisateur, et les règles du registre.

Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à un module de permissions.
Ce module-ci tient le périmètre (lu une fois par requête) et les règles communes à toute la plateforme :
structures, territoires, agents, pilotage d'un département. Chaque application tient les règles de ses
propres objets dans son module `permissions` (`guichet.demandes.permissions`, `guichet.labellisation.permissions`…),
qui ne lisent que ce périmètre : ainsi les imports descendent, ce module ne connaît aucune application métier.

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

Le périmètre est lu une fois par requête : la première question le calcule (une requête sur les
habilitations) et le garde sur l'objet utilisateur, comme Django y garde ses permissions ; les
questions suivantes le relisent. Chaque requête HTTP recharge l'utilisateur, donc son périmètre.
Une habilitation enregistrée ou supprimée pour cet objet utilisateur l'oublie aussitôt (voir
`oublier_perimetre`), de même qu'un changement de `is_active`, `is_staff` ou `is_superuser`.

Les réponses « listes » sont des QuerySet (une requête pour la liste) ; les réponses « oui ou non »
s'appuient sur elles, ou sur le seul périmètre quand il suffit.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save

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
    departements_suivis: frozenset = field(default_factory=frozenset)  # préfecture, auditeur départemental
    referent_de: frozenset = field(default_factory=frozenset)  # couples (operateur_id, departement_id)
    responsable_de: frozenset = field(default_factory=frozenset)  # couples (operateur_id, departement_id)

    @property
    def vide(self):
        return not (self.tout_voir or self.structures_lues or self.departements_lus)


AUCUN = Perimetre()


def compte_actif(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


ATTRIBUT_CACHE = "_perimetre_guichet"


def perimetre(user) -> Perimetre:
    """Le périmètre de l'utilisateur : lu une fois (une requête), puis gardé sur l'objet utilisateur."""
    if not compte_actif(user):
        return AUCUN
    cle = (user.pk, user.is_staff, user.is_superuser)
    cache = getattr(user, ATTRIBUT_CACHE, None)
    if cache is not None and cache[0] == cle:
        return cache[1]
    p = _lire_perimetre(user)
    setattr(user, ATTRIBUT_CACHE, (cle, p))
    return p


def oublier_perimetre(user) -> None:
    """Fait relire le périmètre à la prochaine question (après un changement d'habilitations)."""
    if user is not None and hasattr(user, ATTRIBUT_CACHE):
        delattr(user, ATTRIBUT_CACHE)


def _habilitation_changee(sender, instance, **kwargs):
    # L'objet utilisateur que tient l'habilitation (celui de la requête, le plus souvent) oublie
    # son périmètre ; les autres objets du même compte le relisent à la requête suivante.
    utilisateur = instance._state.fields_cache.get("utilisateur")
    oublier_perimetre(utilisateur)


post_save.connect(_habilitation_changee, sender=Habilitation, dispatch_uid="permissions-habilitation-save")
post_delete.connect(_habilitation_changee, sender=Habilitation, dispatch_uid="permissions-habilitation-delete")


def _lire_perimetre(user) -> Perimetre:
    roles = set()
    structures_lues, structures_gerees = set(), set()
    departements_lus, departements_geres, departements_suivis = set(), set(), set()
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
                departements_suivis.add(departement_id)
        elif role == Role.PREFECTURE:
            departements_lus.add(departement_id)
            departements_geres.add(departement_id)
            departements_suivis.add(departement_id)
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
        departements_suivis=frozenset(departements_suivis),
        referent_de=frozenset(referent_de),
        responsable_de=frozenset(responsable_de),
    )


def exige_double_facteur(user) -> bool:
    """Vrai si l'utilisateur détient un rôle dont le périmètre couvre plus d'une structure (ROLES_DOUBLE_FACTEUR),
    ou s'il est de l'équipe technique ou superutilisateur (ils lisent tout) : un second facteur à la connexion."""
    return compte_actif(user) and (
        user.is_superuser or user.is_staff or bool(perimetre(user).roles & ROLES_DOUBLE_FACTEUR)
    )


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
    return structures_pilotees(user)


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


def ou_inviter_parmi(user, ids_structures) -> set:
    """Parmi ces structures (identifiants de structures existantes), celles où l'utilisateur invite :
    la réponse de `structures_ou_inviter`, lue dans le périmètre sans requête (pour décorer une liste)."""
    p = perimetre(user)
    ids = {i for i in ids_structures if i is not None}
    return ids if p.tout_modifier else ids & p.structures_gerees


def contient(queryset, structure) -> bool:
    return structure is not None and structure.pk is not None and queryset.filter(pk=structure.pk).exists()


def peut_voir_structure(user, structure) -> bool:
    return contient(structures_visibles(user), structure)


def peut_modifier_structure(user, structure) -> bool:
    """Responsable de la structure, préfecture de son département, équipe nationale."""
    return contient(structures_modifiables(user), structure)


def peut_changer_statut(user, structure) -> bool:
    """Préfecture du département de la structure, équipe nationale."""
    return contient(structures_dont_statut_modifiable(user), structure)


def peut_inviter(user, structure) -> bool:
    """Responsable de la structure, équipe nationale."""
    return contient(structures_ou_inviter(user), structure)


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


# Agents : conseillers et responsables de structure.
#
# Les structures où l'utilisateur est conseiller ou responsable sont celles de son bureau, celles
# pour lesquelles il saisit l'activité et celles au nom desquelles il ouvre des demandes (pas même
# l'équipe nationale : une saisie ou une demande est le fait d'un agent du lieu).
# Correction et suppression d'accompagnements : les siens des 7 derniers jours, dans ces structures.

ROLES_AGENT = frozenset({Role.CONSEILLER, Role.GESTIONNAIRE})


def departements_pilotes(user) -> QuerySet[Departement]:
    """Les départements que l'utilisateur pilote : tous pour l'équipe nationale, le sien pour la préfecture.
    Subvention, satisfaction, plans d'action : la même règle, écrite une fois."""
    p = perimetre(user)
    if p.tout_modifier:
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=p.departements_geres)


def structures_pilotees(user) -> QuerySet[Structure]:
    """Les structures dont l'utilisateur lit les chiffres de pilotage : toutes (équipe nationale), celles de son
    département (préfecture), la sienne (responsable de structure)."""
    p = perimetre(user)
    if p.tout_modifier:
        return Structure.objects.all()
    if not (p.departements_geres or p.structures_gerees):
        return Structure.objects.none()
    return Structure.objects.filter(Q(pk__in=p.structures_gerees) | Q(commune__departement_id__in=p.departements_geres))


def structures_de_l_agent(user) -> QuerySet[Structure]:
    """Les structures où l'utilisateur est conseiller ou responsable : son bureau, sa saisie, ses demandes."""
    p = perimetre(user)
    if not p.structures_lues:
        return Structure.objects.none()
    return Structure.objects.filter(pk__in=p.structures_lues)


def est_agent(user) -> bool:
    """Conseiller ou responsable d'au moins une structure : il a un bureau, saisit, ouvre des demandes."""
    return bool(perimetre(user).structures_lues)


def seulement_agent(user) -> bool:
    """Toutes ses habilitations sont de conseiller ou de responsable de structure (au moins une) :
    sa page d'accueil est le bureau plutôt que « Mon espace »."""
    p = perimetre(user)
    return bool(p.roles) and p.roles <= ROLES_AGENT and not p.tout_voir


def peut_saisir(user, structure=None) -> bool:
    """Sans structure : l'utilisateur saisit-il pour au moins une structure ? Avec : pour celle-ci ?"""
    p = perimetre(user)
    if structure is None:
        return bool(p.structures_lues)
    return structure.pk in p.structures_lues


# Bureau de l'agent (guichet.bureau) et base de connaissances (guichet.connaissances).


def est_professionnel(user) -> bool:
    """A au moins un rôle, ou voit tout (équipe technique) : lit la base de connaissances, les guides,
    l'annuaire des référents et les liens des opérateurs ; pas un compte sans rôle."""
    p = perimetre(user)
    return bool(p.roles) or p.tout_voir


# — parcours quotidiens : tableau d'accueil des rôles de suivi —


def departements_suivis(user) -> QuerySet[Departement]:
    """Les départements dont l'utilisateur suit tout le réseau (préfecture, auditeur départemental) ;
    tous pour l'équipe nationale, l'équipe technique et l'auditeur national."""
    p = perimetre(user)
    if p.tout_voir:
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=p.departements_suivis)


def voit_tableau_d_accueil(user) -> bool:
    """Préfecture, équipe nationale, auditeur : « Mon espace » s'ouvre sur le tableau de leur périmètre."""
    p = perimetre(user)
    return not seulement_agent(user) and bool(p.tout_voir or p.departements_suivis)
