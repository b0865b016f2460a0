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
from django.utils import timezone

from guichet.activite.models import DELAI_CORRECTION, Accompagnement
from guichet.comptes.models import ROLES_DOUBLE_FACTEUR, Habilitation, Role
from guichet.demandes.models import Cote, Demande, OperateurInvite
from guichet.labellisation.models import ETAPES_CANDIDATURE, Audit, Document, Dossier
from guichet.mandats.models import Mandat
from guichet.plans_d_action.models import PlanDAction
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


def _actif(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


ATTRIBUT_CACHE = "_perimetre_guichet"


def perimetre(user) -> Perimetre:
    """Le périmètre de l'utilisateur : lu une fois (une requête), puis gardé sur l'objet utilisateur."""
    if not _actif(user):
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
    return _actif(user) and (user.is_superuser or user.is_staff or bool(perimetre(user).roles & ROLES_DOUBLE_FACTEUR))


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


def accompagnements_corrigeables(user) -> QuerySet[Accompagnement]:
    """Les accompagnements que l'utilisateur peut corriger ou supprimer : les siens, des 7 derniers
    jours, dans une structure où il saisit encore."""
    p = perimetre(user)
    if not p.structures_lues:
        return Accompagnement.objects.none()
    return Accompagnement.objects.filter(
        agent=user, structure_id__in=p.structures_lues, le__gte=timezone.now() - DELAI_CORRECTION
    )


def peut_corriger_accompagnement(user, accompagnement) -> bool:
    return _contient(accompagnements_corrigeables(user), accompagnement)


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
    return _contient(structures_statistiques(user), structure)


def peut_voir_statistiques_departement(user, departement) -> bool:
    return _contient(departements_statistiques(user), departement)


def peut_voir_statistiques(user) -> bool:
    """Au moins un tableau de bord (et donc l'export des données ouvertes)."""
    p = perimetre(user)
    return bool(p.tout_voir or p.structures_lues or _paires_operateur(p) or p.departements_suivis)


# Demandes (back-office des opérateurs, guichet.demandes).
#
# Accès complet (identité de l'usager, messages, pièces jointes) : l'équipe de la structure qui a
# ouvert la demande (conseillers, responsable) et, côté opérateur, les référents et le responsable
# départemental de l'opérateur de la demande dans son département, ou d'un opérateur invité.
# Accès anonyme (métadonnées, jamais d'identité ni de corps de message) : équipe nationale, équipe
# technique, auditeurs, préfecture de son département. Personne d'autre ne voit une demande.

ACCES_COMPLET = "complet"
ACCES_ANONYME = "anonyme"


def _ids_invitees(paires) -> list[int]:
    """Les demandes où l'un des opérateurs des couples est invité, dans le département du couple."""
    q = Q(pk__in=[])
    for operateur_id, departement_id in sorted(paires):
        q |= Q(operateur_id=operateur_id, demande__departement_id=departement_id)
    return list(OperateurInvite.objects.filter(q).values_list("demande_id", flat=True)) if paires else []


def _q_paires(paires, invitees=True):
    """Filtre des demandes d'un ensemble de couples (opérateur, département) : l'opérateur de la
    demande, ou (invitees) un opérateur invité dans son fil. Les demandes où l'on est invité (peu
    nombreuses) sont lues d'abord : sans invitation, le filtre reste un simple « opérateur = et
    département = » qui suit l'index de la boîte de réception."""
    q = Q(pk__in=[])
    for operateur_id, departement_id in sorted(paires):
        q |= Q(operateur_id=operateur_id, departement_id=departement_id)
    ids = _ids_invitees(paires) if invitees else []
    return q | Q(pk__in=ids) if ids else q


def _paires_operateur(p: Perimetre) -> frozenset:
    return p.referent_de | p.responsable_de


def demandes_des_structures(user) -> QuerySet[Demande]:
    """Les demandes ouvertes par les structures de l'utilisateur (côté France services)."""
    p = perimetre(user)
    if not p.structures_lues:
        return Demande.objects.none()
    return Demande.objects.filter(structure_id__in=p.structures_lues)


def demandes_de_l_operateur(user, invitees=True) -> QuerySet[Demande]:
    """La boîte du référent : les demandes de ses couples opérateur × département, et celles où son
    opérateur est invité (si `invitees`)."""
    paires = _paires_operateur(perimetre(user))
    if not paires:
        return Demande.objects.none()
    return Demande.objects.filter(_q_paires(paires, invitees))


def boite_operateur(user) -> list:
    """La boîte du référent en parties disjointes, chacune lisible dans l'ordre d'un index (sans OU) :
    les demandes de ses couples opérateur × département, puis (s'il y en a) celles où son opérateur
    est invité. Leur réunion est `demandes_de_l_operateur(user)`."""
    paires = _paires_operateur(perimetre(user))
    if not paires:
        return []
    siennes = _q_paires(paires, invitees=False)
    parties = [Demande.objects.filter(siennes)]
    if ids := _ids_invitees(paires):
        parties.append(Demande.objects.filter(pk__in=ids).exclude(siennes))
    return parties


def demandes_accessibles(user) -> QuerySet[Demande]:
    """Les demandes dont l'utilisateur voit tout (identité comprise)."""
    p = perimetre(user)
    paires = _paires_operateur(p)
    if not (p.structures_lues or paires):
        return Demande.objects.none()
    q = Q(structure_id__in=p.structures_lues) if p.structures_lues else Q(pk__in=[])
    if paires:
        q |= _q_paires(paires)
    return Demande.objects.filter(q)


def demandes_anonymes(user) -> QuerySet[Demande]:
    """Les demandes que l'utilisateur voit sans identité ni message (chiffres et suivi anonymes)."""
    p = perimetre(user)
    if p.tout_voir:
        return Demande.objects.all()
    if not p.departements_suivis:
        return Demande.objects.none()
    return Demande.objects.filter(departement_id__in=p.departements_suivis)


def vues_des_demandes(user) -> list[str]:
    """Les listes de demandes de l'utilisateur, la première par défaut : « operateur » (boîte du
    référent), « agent » (demandes de ses structures), ou à défaut « anonyme » (suivi sans identité :
    équipe nationale, équipe technique, auditeurs, préfecture). Vide : il n'a pas accès aux demandes."""
    p = perimetre(user)
    vues = []
    if _paires_operateur(p):
        vues.append("operateur")
    if p.structures_lues:
        vues.append("agent")
    if not vues and (p.tout_voir or p.departements_suivis):
        vues.append("anonyme")
    return vues


def peut_voir_demandes(user) -> bool:
    return bool(vues_des_demandes(user))


def acces_demande(user, demande) -> str | None:
    """ACCES_COMPLET, ACCES_ANONYME, ou None (la demande n'existe pas pour lui)."""
    if demande is None or demande.pk is None or not _actif(user):
        return None
    if demandes_accessibles(user).filter(pk=demande.pk).exists():
        return ACCES_COMPLET
    if demandes_anonymes(user).filter(pk=demande.pk).exists():
        return ACCES_ANONYME
    return None


def cote_dans_demande(user, demande) -> str | None:
    """« agent » pour l'équipe de la structure, « referent » pour l'opérateur (ou un invité), sinon None."""
    p = perimetre(user)
    if demande.structure_id in p.structures_lues:
        return Cote.AGENT
    if operateur_du_referent(user, demande) is not None:
        return Cote.REFERENT
    return None


def operateur_du_referent(user, demande):
    """L'identifiant de l'opérateur au nom duquel l'utilisateur agit dans cette demande, ou None."""
    paires = _paires_operateur(perimetre(user))
    if (demande.operateur_id, demande.departement_id) in paires:
        return demande.operateur_id
    if not any(departement_id == demande.departement_id for _, departement_id in paires):
        return None
    invites = set(demande.invitations.values_list("operateur_id", flat=True))
    for operateur_id, departement_id in sorted(paires):
        if departement_id == demande.departement_id and operateur_id in invites:
            return operateur_id
    return None


def peut_rerouter(user, demande) -> bool:
    """Seul l'opérateur actuel de la demande (pas un invité) la réoriente."""
    return (demande.operateur_id, demande.departement_id) in _paires_operateur(perimetre(user))


def actions_demande(user, demande, cote) -> set[str]:
    """Les actions que l'utilisateur peut mener sur le fil d'une demande, selon son côté (aucune s'il
    n'en a pas : accès anonyme ou hors périmètre) : écrire tant qu'elle est ouverte ; côté opérateur,
    la prendre en charge ou la marquer traitée (« rapides »), l'inviter à un autre opérateur, la
    réorienter (l'opérateur actuel seulement) ; côté agent, la clôturer, puis la rouvrir tant que ses
    données sont gardées."""
    if cote is None:
        return set()
    ouverte = demande.cloturee_le is None and not demande.donnees_effacees
    actions = set()
    if ouverte:
        actions.add("message")
    if cote == Cote.REFERENT and ouverte:
        actions |= {"rapides", "invitation"}
        if peut_rerouter(user, demande):
            actions.add("reroutage")
    if cote == Cote.AGENT and ouverte:
        actions.add("cloture")
    if cote == Cote.AGENT and demande.cloturee_le is not None and not demande.donnees_effacees:
        actions.add("reouverture")
    return actions


def voit_boite_operateur(user) -> bool:
    """Référent ou responsable départemental d'un opérateur : il a une boîte de réception."""
    return bool(_paires_operateur(perimetre(user)))


# Qualité (tableau de qualité du back-office, guichet.qualite).
#
# Opérateur (référents, responsables départementaux) : ses couples opérateur × département ;
# préfecture et auditeur départemental : tous les opérateurs de leur département ; équipe nationale,
# équipe technique et auditeur national : tout. Les agents des structures n'y ont pas accès.


@dataclass(frozen=True)
class PerimetreQualite:
    tout: bool = False
    departements: frozenset = field(default_factory=frozenset)  # tous les opérateurs de ces départements
    paires: frozenset = field(default_factory=frozenset)  # couples (operateur_id, departement_id)

    def couvre(self, operateur_id, departement_id) -> bool:
        return self.tout or departement_id in self.departements or (operateur_id, departement_id) in self.paires


def perimetre_qualite(user) -> PerimetreQualite | None:
    """Ce que l'utilisateur voit du tableau de qualité du back-office, ou None s'il n'y a pas accès."""
    if not _actif(user):
        return None
    p = perimetre(user)
    if p.tout_voir:
        return PerimetreQualite(tout=True)
    paires = _paires_operateur(p)
    if not (p.departements_suivis or paires):
        return None
    return PerimetreQualite(departements=p.departements_suivis, paires=paires)


def peut_voir_qualite(user) -> bool:
    return perimetre_qualite(user) is not None


# Bureau de l'agent (guichet.bureau) et base de connaissances (guichet.connaissances).


def est_professionnel(user) -> bool:
    """A au moins un rôle, ou voit tout (équipe technique) : lit la base de connaissances, les guides,
    l'annuaire des référents et les liens des opérateurs ; pas un compte sans rôle."""
    p = perimetre(user)
    return bool(p.roles) or p.tout_voir


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


# — exploitation de la plateforme et pages institutionnelles —


def peut_voir_sante_plateforme(user) -> bool:
    """L'état des tâches de fond (file, worker) et le bandeau d'alerte : équipe nationale et superutilisateurs."""
    return perimetre(user).tout_modifier


def peut_modifier_pages_institutionnelles(user) -> bool:
    """Les pages du pied de page (accessibilité, mentions légales, données personnelles) : équipe nationale
    et superutilisateurs ; tout le monde les lit."""
    return perimetre(user).tout_modifier


# — labellisation —


def peut_gerer_referentiels(user) -> bool:
    """Les versions du référentiel de labellisation (brouillon, publication) : équipe nationale et
    superutilisateurs ; une version publiée ne se modifie plus, même pour eux."""
    return perimetre(user).tout_modifier


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
        return _contient(departements_statistiques(user), niveau.objet)
    if niveau.code == "structure":
        return _contient(structures_statistiques(user), niveau.objet)
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
    if visite is None or visite.pk is None or not _actif(user):
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
    if not _actif(user):
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


# — labellisation : dossiers, audits, documents, tableaux —
#
# Dossier de labellisation : la préfecture, ceux de son département (elle propose un site, endosse la
# candidature du porteur, planifie les audits, décide, met en demeure, suspend, retire) ; l'équipe nationale
# (et qui voit tout : auditeur national, équipe technique) les lit tous, et seule l'équipe nationale donne
# l'avis de l'ANCT ; l'auditeur, les dossiers des audits qui lui sont confiés, et il ne remplit que ceux-là
# tant qu'ils ne sont pas conclus ; le responsable de la structure (gestionnaire) lit son dossier et peut
# déposer la candidature de son site ; personne d'autre (conseillers, référents compris). Les documents
# (rapport d'audit, décision) et les pièces d'un audit se lisent avec le dossier.


def dossiers_visibles(user) -> QuerySet[Dossier]:
    p = perimetre(user)
    if p.tout_voir:
        return Dossier.objects.all()
    q = Q(pk__in=[])
    if p.departements_geres:
        q |= Q(structure__commune__departement_id__in=p.departements_geres)
    if p.structures_gerees:
        q |= Q(structure_id__in=p.structures_gerees)
    if Role.AUDITEUR in p.roles:
        q |= Q(pk__in=Audit.objects.filter(auditeur=user).values("dossier_id"))
    if not (p.departements_geres or p.structures_gerees or Role.AUDITEUR in p.roles):
        return Dossier.objects.none()
    return Dossier.objects.filter(q)


def peut_voir_dossiers(user) -> bool:
    """La liste des dossiers de labellisation (« Labellisation » dans le menu)."""
    p = perimetre(user)
    return bool(p.tout_voir or p.departements_geres or p.structures_gerees or Role.AUDITEUR in p.roles)


def peut_voir_dossier(user, dossier) -> bool:
    return _contient(dossiers_visibles(user), dossier)


def peut_instruire_dossier(user, dossier) -> bool:
    """Les décisions de la préfecture : endosser, planifier un audit ou un contrôle, labelliser, refuser,
    mettre en demeure, suspendre, rétablir, retirer. La préfecture du département du site, seule."""
    if dossier is None or dossier.pk is None:
        return False
    departement_id = Structure.objects.filter(pk=dossier.structure_id).values_list("commune__departement_id", flat=True)
    return bool(set(departement_id) & perimetre(user).departements_geres)


def peut_proposer_site(user) -> bool:
    """Proposer un site de son département à la labellisation : la préfecture."""
    return bool(perimetre(user).departements_geres)


def structures_a_proposer(user) -> QuerySet[Structure]:
    """Les sites que la préfecture peut proposer : de son département, sans dossier ou dont le dossier peut
    repartir (projet, refusé, label retiré), et qui ne sont pas fermés."""
    p = perimetre(user)
    if not p.departements_geres:
        return Structure.objects.none()
    return (
        Structure.objects.filter(commune__departement_id__in=p.departements_geres)
        .exclude(statut__in=[Structure.Statut.FERMEE, Structure.Statut.LABELLISEE, Structure.Statut.SUSPENDUE])
        .filter(Q(dossier__isnull=True) | Q(dossier__etape__in=ETAPES_CANDIDATURE))
    )


def peut_candidater_pour_le_site(user, dossier) -> bool:
    """Le porteur dépose la candidature de son site : son responsable (gestionnaire)."""
    return dossier is not None and dossier.structure_id in perimetre(user).structures_gerees


def peut_donner_avis_anct(user) -> bool:
    """L'avis de l'ANCT sur un dossier audité : l'équipe nationale (et les superutilisateurs)."""
    return perimetre(user).tout_modifier


def audits_assignes(user) -> QuerySet[Audit]:
    """Les audits confiés à l'utilisateur, s'il est auditeur."""
    if Role.AUDITEUR not in perimetre(user).roles:
        return Audit.objects.none()
    return Audit.objects.filter(auditeur=user)


def peut_voir_audit(user, audit) -> bool:
    return audit is not None and (peut_voir_dossier(user, audit.dossier) or _contient(audits_assignes(user), audit))


def peut_remplir_audit(user, audit) -> bool:
    """Seul l'auditeur à qui l'audit est confié le remplit, tant qu'il n'est pas conclu."""
    return audit is not None and audit.modifiable and _contient(audits_assignes(user), audit)


def peut_telecharger_document(user, document) -> bool:
    return isinstance(document, Document) and peut_voir_dossier(user, document.dossier)


def departements_tableau_labellisation(user) -> QuerySet[Departement]:
    """Les départements dont l'utilisateur voit le tableau de la labellisation : la préfecture le sien, qui voit
    tout (équipe nationale, auditeur national, équipe technique) tous."""
    p = perimetre(user)
    if p.tout_voir:
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=p.departements_geres)


def peut_voir_tableau_labellisation(user) -> bool:
    p = perimetre(user)
    return bool(p.tout_voir or p.departements_geres)


def tableau_labellisation_national(user) -> bool:
    """Le tableau national (par région et département, part des sites conformes à chaque critère)."""
    return perimetre(user).tout_voir


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
    return _contient(structures_formation(user), structure)


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
    if not _actif(user) or agent is None or agent.pk is None:
        return False
    if agent.pk == user.pk:
        return est_agent(user)
    structures = Habilitation.objects.filter(utilisateur=agent, role__in=ROLES_AGENT).values("structure_id")
    return structures_formation(user).filter(pk__in=structures).exists()


# — financement (subvention de fonctionnement) et conventions-cadres départementales —
#
# Subvention : l'équipe nationale voit tout (totaux par source et par région) et saisit partout ; la préfecture
# voit les structures de son département et y saisit les versements ; le responsable d'une structure lit la
# ligne de sa structure. Conventions-cadres : la préfecture lit et modifie celles de son département,
# l'équipe nationale toutes. Personne d'autre (conseillers, opérateurs, auditeurs, équipe technique).


def departements_financement(user) -> QuerySet[Departement]:
    """Les départements dont l'utilisateur voit la subvention, site par site, et où il saisit les versements."""
    return departements_pilotes(user)


def structures_financement(user) -> QuerySet[Structure]:
    """Les structures dont l'utilisateur lit la ligne de subvention."""
    return structures_pilotees(user)


def peut_voir_financement(user) -> bool:
    p = perimetre(user)
    return bool(p.tout_modifier or p.departements_geres or p.structures_gerees)


def peut_voir_financement_national(user) -> bool:
    """Les totaux nationaux par source et par région : équipe nationale."""
    return perimetre(user).tout_modifier


def peut_voir_financement_departement(user, departement) -> bool:
    p = perimetre(user)
    return departement is not None and (p.tout_modifier or departement.pk in p.departements_geres)


def peut_voir_financement_structure(user, structure) -> bool:
    return _contient(structures_financement(user), structure)


def peut_saisir_versement(user, structure) -> bool:
    """Préfecture du département de la structure, équipe nationale ; jamais le responsable de la structure."""
    p = perimetre(user)
    if structure is None or structure.pk is None:
        return False
    return p.tout_modifier or structure.commune.departement_id in p.departements_geres


def departements_conventions(user) -> QuerySet[Departement]:
    """Les départements dont l'utilisateur lit et modifie la convention-cadre."""
    return departements_financement(user)


def peut_voir_conventions(user) -> bool:
    p = perimetre(user)
    return bool(p.tout_modifier or p.departements_geres)


def peut_modifier_convention(user, departement) -> bool:
    return peut_voir_financement_departement(user, departement)


# — couverture du territoire (guichet.couverture) —
#
# La carte des temps d'accès d'un département : la préfecture et l'auditeur départemental pour les leurs ;
# l'équipe nationale, l'équipe technique et l'auditeur national pour tous, et la page nationale.
# Les agents des structures et les référents d'opérateur n'y ont pas accès.


def departements_couverture(user) -> QuerySet[Departement]:
    p = perimetre(user)
    if p.tout_voir:
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=p.departements_suivis)


def peut_voir_couverture(user) -> bool:
    p = perimetre(user)
    return p.tout_voir or bool(p.departements_suivis)


def peut_voir_couverture_departement(user, departement) -> bool:
    p = perimetre(user)
    return p.tout_voir or departement.pk in p.departements_suivis


def peut_voir_couverture_nationale(user) -> bool:
    return perimetre(user).tout_voir


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
    return _contient(departements_satisfaction(user), departement)


def peut_voir_satisfaction_structure(user, structure) -> bool:
    return _contient(structures_satisfaction(user), structure)


def peut_ouvrir_plan_satisfaction(user, structure) -> bool:
    """Plan d'action sur le score d'une structure : préfecture de son département, équipe nationale."""
    return structure is not None and peut_ouvrir_plan(user, structure.commune.departement)


def peut_inviter_avis(user, accompagnement) -> bool:
    """Le code QR d'avis d'un accompagnement : l'agent qui l'a saisi, dans une structure où il saisit encore."""
    p = perimetre(user)
    return (
        accompagnement is not None
        and _actif(user)
        and accompagnement.agent_id == user.pk
        and accompagnement.structure_id in p.structures_lues
    )
