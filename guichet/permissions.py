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
    """Vrai si l'utilisateur détient un rôle dont le périmètre couvre plus d'une structure (ROLES_DOUBLE_FACTEUR),
    ou s'il est de l'équipe technique ou superutilisateur (ils lisent tout) : un second facteur à la connexion."""
    return _actif(user) and (
        user.is_superuser or user.is_staff or user.habilitations.filter(role__in=ROLES_DOUBLE_FACTEUR).exists()
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


# Activité (accompagnements) : les fonctions de guichet.activite.
#
# Saisie : un agent (conseiller ou responsable) saisit l'activité des structures où il l'est, et
# seulement celles-là (pas même l'équipe nationale : une saisie est le fait d'un agent du lieu).
# Correction et suppression : ses propres accompagnements des 7 derniers jours, dans ces structures.


def structures_de_saisie(user) -> QuerySet[Structure]:
    """Les structures pour lesquelles l'utilisateur saisit des accompagnements (conseiller, responsable)."""
    p = perimetre(user)
    if not p.structures_lues:
        return Structure.objects.none()
    return Structure.objects.filter(pk__in=p.structures_lues)


def peut_saisir(user, structure=None) -> bool:
    """Sans structure : l'utilisateur saisit-il pour au moins une structure ? Avec : pour celle-ci ?"""
    p = perimetre(user)
    if structure is None:
        return bool(p.structures_lues)
    return structure.pk in p.structures_lues


def accompagnements_corrigeables(user):
    """Les accompagnements que l'utilisateur peut corriger ou supprimer : les siens, des 7 derniers
    jours, dans une structure où il saisit encore."""
    from django.utils import timezone

    from guichet.activite.models import DELAI_CORRECTION, Accompagnement

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


def _departements_statistiques_ids(user, p: Perimetre) -> frozenset:
    """Les départements dont l'utilisateur voit le tableau : préfecture et auditeur départemental."""
    if not ({Role.PREFECTURE, Role.AUDITEUR} & p.roles):
        return frozenset()
    return frozenset(
        Habilitation.objects.filter(
            utilisateur=user, role__in=[Role.PREFECTURE, Role.AUDITEUR], departement__isnull=False
        ).values_list("departement_id", flat=True)
    )


def statistiques_nationales(user) -> bool:
    return perimetre(user).tout_voir


def departements_statistiques(user) -> QuerySet[Departement]:
    p = perimetre(user)
    if p.tout_voir:
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=_departements_statistiques_ids(user, p))


def structures_statistiques(user) -> QuerySet[Structure]:
    p = perimetre(user)
    if p.tout_voir:
        return Structure.objects.all()
    departements = _departements_statistiques_ids(user, p)
    if not (p.structures_lues or departements):
        return Structure.objects.none()
    return Structure.objects.filter(Q(pk__in=p.structures_lues) | Q(commune__departement_id__in=departements))


def acces_statistiques_operateur(user, operateur) -> AccesStatistiquesOperateur | None:
    """None : l'utilisateur ne voit pas l'activité de cet opérateur."""
    p = perimetre(user)
    if operateur is None or operateur.pk is None:
        return None
    if p.tout_voir:
        return AccesStatistiquesOperateur(departements=None)
    departements = frozenset(d for o, d in p.referent_de | p.responsable_de if o == operateur.pk)
    return AccesStatistiquesOperateur(departements=departements) if departements else None


def operateurs_statistiques(user) -> dict:
    """{identifiant d'opérateur: AccesStatistiquesOperateur} pour chaque opérateur dont l'utilisateur
    voit l'activité par son rôle de référent ou de responsable départemental (vide pour le national,
    qui les voit tous par le tableau national)."""
    p = perimetre(user)
    acces = {}
    for operateur_id, departement_id in p.referent_de | p.responsable_de:
        acces.setdefault(operateur_id, set()).add(departement_id)
    return {o: AccesStatistiquesOperateur(departements=frozenset(d)) for o, d in acces.items()}


def peut_voir_statistiques_structure(user, structure) -> bool:
    return _contient(structures_statistiques(user), structure)


def peut_voir_statistiques_departement(user, departement) -> bool:
    return _contient(departements_statistiques(user), departement)


def peut_voir_statistiques(user) -> bool:
    """Au moins un tableau de bord (et donc l'export des données ouvertes)."""
    p = perimetre(user)
    return bool(
        p.tout_voir or p.structures_lues or p.referent_de or p.responsable_de or _departements_statistiques_ids(user, p)
    )


# Demandes (back-office des opérateurs) : les fonctions de guichet.demandes.
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
    from guichet.demandes.models import OperateurInvite

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


def demandes_des_structures(user):
    """Les demandes ouvertes par les structures de l'utilisateur (côté France services)."""
    from guichet.demandes.models import Demande

    p = perimetre(user)
    if not p.structures_lues:
        return Demande.objects.none()
    return Demande.objects.filter(structure_id__in=p.structures_lues)


def demandes_de_l_operateur(user, invitees=True):
    """La boîte du référent : les demandes de ses couples opérateur × département, et celles où son
    opérateur est invité (si `invitees`)."""
    from guichet.demandes.models import Demande

    paires = _paires_operateur(perimetre(user))
    if not paires:
        return Demande.objects.none()
    return Demande.objects.filter(_q_paires(paires, invitees))


def boite_operateur(user) -> list:
    """La boîte du référent en parties disjointes, chacune lisible dans l'ordre d'un index (sans OU) :
    les demandes de ses couples opérateur × département, puis (s'il y en a) celles où son opérateur
    est invité. Leur réunion est `demandes_de_l_operateur(user)`."""
    from guichet.demandes.models import Demande

    paires = _paires_operateur(perimetre(user))
    if not paires:
        return []
    siennes = _q_paires(paires, invitees=False)
    parties = [Demande.objects.filter(siennes)]
    if ids := _ids_invitees(paires):
        parties.append(Demande.objects.filter(pk__in=ids).exclude(siennes))
    return parties


def demandes_accessibles(user):
    """Les demandes dont l'utilisateur voit tout (identité comprise)."""
    from guichet.demandes.models import Demande

    p = perimetre(user)
    paires = _paires_operateur(p)
    if not (p.structures_lues or paires):
        return Demande.objects.none()
    q = Q(structure_id__in=p.structures_lues) if p.structures_lues else Q(pk__in=[])
    if paires:
        q |= _q_paires(paires)
    return Demande.objects.filter(q)


def demandes_anonymes(user):
    """Les demandes que l'utilisateur voit sans identité ni message (chiffres et suivi anonymes)."""
    from guichet.demandes.models import Demande

    p = perimetre(user)
    if p.tout_voir:
        return Demande.objects.all()
    departements = set(
        Habilitation.objects.filter(
            utilisateur=user, role__in=[Role.PREFECTURE, Role.AUDITEUR], departement__isnull=False
        ).values_list("departement_id", flat=True)
    )
    if not departements:
        return Demande.objects.none()
    return Demande.objects.filter(departement_id__in=departements)


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
    from guichet.demandes.models import Cote

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
    invites = set(demande.invitations.values_list("operateur_id", flat=True))
    for operateur_id, departement_id in sorted(paires):
        if departement_id == demande.departement_id and operateur_id in invites:
            return operateur_id
    return None


def peut_rerouter(user, demande) -> bool:
    """Seul l'opérateur actuel de la demande (pas un invité) la réoriente."""
    return (demande.operateur_id, demande.departement_id) in _paires_operateur(perimetre(user))


def structures_ou_ouvrir_demande(user) -> QuerySet[Structure]:
    """Les structures au nom desquelles l'utilisateur peut ouvrir une demande (conseiller, responsable)."""
    p = perimetre(user)
    if not p.structures_lues:
        return Structure.objects.none()
    return Structure.objects.filter(pk__in=p.structures_lues)


def voit_boite_operateur(user) -> bool:
    """Référent ou responsable départemental d'un opérateur : il a une boîte de réception."""
    return bool(_paires_operateur(perimetre(user)))


# — qualité (tableau de qualité du back-office, guichet.qualite) —
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
    departements = frozenset(
        Habilitation.objects.filter(
            utilisateur=user, role__in=[Role.PREFECTURE, Role.AUDITEUR], departement__isnull=False
        ).values_list("departement_id", flat=True)
    )
    paires = p.referent_de | p.responsable_de
    if not (departements or paires):
        return None
    return PerimetreQualite(departements=departements, paires=paires)


def peut_voir_qualite(user) -> bool:
    return perimetre_qualite(user) is not None


# Bureau de l'agent et base de connaissances : les fonctions de guichet.bureau et
# guichet.connaissances.

# — bureau —

ROLES_AGENT = frozenset({Role.CONSEILLER, Role.GESTIONNAIRE})


def est_agent(user) -> bool:
    """Conseiller ou responsable d'au moins une structure : il a un bureau."""
    return bool(perimetre(user).roles & ROLES_AGENT)


def seulement_agent(user) -> bool:
    """Toutes ses habilitations sont de conseiller ou de responsable de structure (au moins une) :
    sa page d'accueil est le bureau plutôt que « Mon espace »."""
    p = perimetre(user)
    return bool(p.roles) and p.roles <= ROLES_AGENT and not p.tout_voir


def est_professionnel(user) -> bool:
    """A au moins un rôle, ou voit tout (équipe technique) : lit les guides et les liens des opérateurs."""
    p = perimetre(user)
    return bool(p.roles) or p.tout_voir


def structures_du_bureau(user) -> QuerySet[Structure]:
    """Les structures dont l'agent voit l'activité du jour sur son bureau : là où il est conseiller ou responsable."""
    p = perimetre(user)
    if not p.structures_lues:
        return Structure.objects.none()
    return Structure.objects.filter(pk__in=p.structures_lues)


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


# — connaissances —


def peut_consulter_connaissances(user) -> bool:
    """La base de connaissances (recherche et fiches) : tout professionnel du réseau connecté — agents, responsables,
    référents, préfectures, équipe nationale, auditeurs — et l'équipe technique ; pas un compte sans rôle."""
    p = perimetre(user)
    return bool(p.roles) or p.tout_voir
