"""Qui peut voir ou faire quoi dans demandes : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import Q, QuerySet

from guichet.demandes.models import Cote, Demande, OperateurInvite
from guichet.permissions import Perimetre, compte_actif, perimetre

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
    if demande is None or demande.pk is None or not compte_actif(user):
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
