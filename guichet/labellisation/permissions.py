"""Qui peut voir ou faire quoi dans labellisation : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from django.db.models import Q, QuerySet

from guichet.comptes.models import Role
from guichet.labellisation.models import ETAPES_CANDIDATURE, Audit, Document, Dossier
from guichet.permissions import contient, perimetre
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement

# — labellisation —


def peut_gerer_referentiels(user) -> bool:
    """Les versions du référentiel de labellisation (brouillon, publication) : équipe nationale et
    superutilisateurs ; une version publiée ne se modifie plus, même pour eux."""
    return perimetre(user).tout_modifier


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
    return contient(dossiers_visibles(user), dossier)


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
    return audit is not None and (peut_voir_dossier(user, audit.dossier) or contient(audits_assignes(user), audit))


def peut_remplir_audit(user, audit) -> bool:
    """Seul l'auditeur à qui l'audit est confié le remplit, tant qu'il n'est pas conclu."""
    return audit is not None and audit.modifiable and contient(audits_assignes(user), audit)


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
