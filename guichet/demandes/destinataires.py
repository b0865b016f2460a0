"""Qui reçoit quoi : les comptes actifs concernés par une demande (référents, responsables
départementaux, équipe de la structure). Lus par les règles du fil (services.py), les notifications
et les relances ; ce module ne dépend d'aucun d'eux."""

from guichet.comptes.models import Habilitation, Role, Utilisateur


def referents(operateur_id, departement_id, role=Role.REFERENT):
    """Les comptes actifs qui ont ce rôle pour l'opérateur dans le département."""
    return Utilisateur.objects.filter(
        is_active=True,
        habilitations__role=role,
        habilitations__operateur_id=operateur_id,
        habilitations__departement_id=departement_id,
    ).distinct()


def responsables(operateur_id, departement_id):
    """Les responsables départementaux de l'opérateur (destinataires des escalades)."""
    return referents(operateur_id, departement_id, role=Role.RESPONSABLE_OPERATEUR)


def operateurs_avec_referent(departement) -> set[int]:
    """Les opérateurs qui ont au moins un référent actif dans le département."""
    return set(
        Habilitation.objects.actives()
        .filter(role=Role.REFERENT, departement=departement)
        .values_list("operateur_id", flat=True)
    )


def referents_de_la_demande(demande):
    """Les référents de l'opérateur de la demande et des opérateurs invités, dans son département."""
    operateurs = [demande.operateur_id, *demande.invitations.values_list("operateur_id", flat=True)]
    return Utilisateur.objects.filter(
        is_active=True,
        habilitations__role=Role.REFERENT,
        habilitations__operateur_id__in=operateurs,
        habilitations__departement_id=demande.departement_id,
    ).distinct()


def equipe_de_la_structure(demande):
    return Utilisateur.objects.filter(
        is_active=True,
        habilitations__structure_id=demande.structure_id,
        habilitations__role__in=[Role.CONSEILLER, Role.GESTIONNAIRE],
    ).distinct()
