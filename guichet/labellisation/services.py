"""Les actions sur un dossier de labellisation, telles que les pages les déclenchent : la transition du modèle
(gardée, atomique) et ce qui l'accompagne dans la même transaction — les lignes pré-remplies d'un audit
planifié, le rapport d'audit, la décision du préfet en PDF, l'invitation du futur responsable."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from guichet.chiffrement import enregistrer_chiffre, verifier_piece_jointe
from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.comptes.services import inviter
from guichet.labellisation import documents
from guichet.labellisation.models import Audit, Dossier, LigneAudit, PieceAudit, ResultatAudit
from guichet.labellisation.verifications import Resultat as Automatique
from guichet.labellisation.verifications import constats_du_registre, verifier
from guichet.plans_d_action import services as plans
from guichet.plans_d_action.models import Origine
from guichet.reseau.models import Structure

DOSSIER_PIECES = "labellisation/pieces"
PIECES_PAR_LIGNE = 10


def auditeurs_possibles(departement_id):
    """Les auditeurs qui peuvent recevoir un audit dans ce département : ceux du département et les nationaux."""
    ids = (
        Habilitation.objects.actives()
        .filter(role=Role.AUDITEUR)
        .filter(Q(departement_id=departement_id) | Q(departement__isnull=True))
        .values("utilisateur_id")
    )
    return Utilisateur.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "email")


@transaction.atomic
def proposer(structure: Structure, auteur, *, email_responsable="", par_porteur=False) -> Dossier:
    """Ouvre (ou reprend) le dossier du site et dépose sa candidature."""
    dossier, _ = Dossier.objects.get_or_create(structure=structure)
    if email_responsable:
        dossier.email_responsable = email_responsable.strip().lower()
        dossier.save(update_fields=["email_responsable", "modifie_le"])
    dossier.deposer_candidature(auteur, par_porteur=par_porteur)
    return dossier


def preremplir(audit: Audit, maintenant=None) -> None:
    """Une ligne par critère de la version de l'audit, pré-remplie du résultat automatique et de sa preuve
    (un résultat « à vérifier » reste à remplir par l'auditeur). Les équipements déclarés au registre sont
    montrés comme preuve des critères à contrôler sur place, sans en remplir le résultat."""
    criteres = list(audit.referentiel.criteres.all())
    structures = Structure.objects.filter(pk=audit.dossier.structure_id)
    (site,) = verifier(structures, criteres, maintenant)
    declares = constats_du_registre(structures.get())
    lignes = []
    for critere in criteres:
        constat = site.constats.get(critere.code)
        resultat = ""
        if constat is not None and constat.resultat in (Automatique.CONFORME, Automatique.NON_CONFORME):
            resultat = constat.resultat
        elif constat is None:
            constat = declares.get(critere.code)
        lignes.append(
            LigneAudit(
                audit=audit,
                critere=critere,
                resultat_automatique=constat.resultat if constat else "",
                preuve_automatique=constat.preuve if constat else "",
                resultat=resultat,
            )
        )
    LigneAudit.objects.bulk_create(lignes)


@transaction.atomic
def planifier_audit(dossier: Dossier, auteur, *, auditeur, date_prevue, controle=False) -> Audit:
    if (
        auditeur is not None
        and not auditeurs_possibles(dossier.structure.commune.departement_id).filter(pk=auditeur.pk).exists()
    ):
        raise ValidationError("Auditeur : cette personne n'est pas auditeur de ce département.")
    audit = dossier.planifier_audit(auteur, auditeur=auditeur, date_prevue=date_prevue, controle=controle)
    preremplir(audit)
    return audit


def enregistrer_ligne(ligne: LigneAudit, *, resultat: str, commentaire: str) -> LigneAudit:
    """Le brouillon de l'auditeur, ligne par ligne (enregistré à chaque changement)."""
    if resultat not in ("", *ResultatAudit.values):
        raise ValidationError(f"Constat « {resultat} » inconnu : conforme, non conforme ou sans objet.")
    if len(commentaire) > 5000:
        raise ValidationError("Commentaire : 5 000 caractères au plus.")
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=ligne.audit_id)
        if not audit.modifiable:
            raise ValidationError("Cet audit est conclu : il ne peut plus être modifié.")
        ligne.resultat = resultat
        ligne.commentaire = commentaire
        ligne.save(update_fields=["resultat", "commentaire", "modifie_le"])
    return ligne


@transaction.atomic
def joindre_piece(ligne: LigneAudit, fichier, auteur) -> PieceAudit:
    """Une photo ou un document pour une ligne : type lu dans le contenu, 10 Mo au plus, chiffré au repos."""
    audit = Audit.objects.select_for_update().get(pk=ligne.audit_id)
    if not audit.modifiable:
        raise ValidationError("Cet audit est conclu : il ne peut plus être modifié.")
    if ligne.pieces.count() >= PIECES_PAR_LIGNE:
        raise ValidationError(f"Au plus {PIECES_PAR_LIGNE} pièces par critère.")
    nom, type_mime = verifier_piece_jointe(fichier)
    contenu = fichier.read()
    return PieceAudit.objects.create(
        ligne=ligne,
        nom=nom,
        type_mime=type_mime,
        taille=len(contenu),
        fichier=enregistrer_chiffre(contenu, nom, dossier=DOSSIER_PIECES),
        deposee_par=auteur,
    )


# Le délai laissé pour corriger une non-conformité : plus court pour un critère bloquant.
DELAI_BLOQUANT = timedelta(days=30)
DELAI_ORDINAIRE = timedelta(days=90)


def ouvrir_plan_des_non_conformites(audit: Audit, auteur):
    """Les non-conformités d'un audit conclu deviennent un plan d'action (une action par critère, confiée au
    responsable du site s'il en a un), ouvert par le service commun des plans d'action ; None s'il n'y en a pas."""
    lignes = list(
        audit.lignes.select_related("critere").filter(resultat=ResultatAudit.NON_CONFORME).order_by("critere__ordre")
    )
    if not lignes:
        return None
    structure = audit.dossier.structure
    responsable = (
        Utilisateur.objects.filter(
            is_active=True, habilitations__role=Role.GESTIONNAIRE, habilitations__structure=structure
        )
        .order_by("pk")
        .first()
    )
    aujourd_hui = timezone.localdate()
    actions = [
        {
            "libelle": (
                f"Mettre en conformité « {ligne.critere.titre} »"
                + (f" : {ligne.commentaire}" if ligne.commentaire else "")
            )[:300],
            "echeance": aujourd_hui + (DELAI_BLOQUANT if ligne.critere.bloquant else DELAI_ORDINAIRE),
            "responsable": responsable,
        }
        for ligne in lignes
    ]
    return plans.ouvrir_plan(
        titre=f"{audit.get_nature_display()} du {audit.date_prevue:%d/%m/%Y} — {structure.nom}"[:200],
        origine=Origine.LABELLISATION,
        departement=structure.commune.departement,
        auteur=auteur,
        structure=structure,
        source=audit,
        actions=actions,
    )


@transaction.atomic
def conclure_audit(audit: Audit, auteur, *, conclusion, synthese="") -> Audit:
    """L'auditeur conclut : le rapport en PDF, et le plan d'action des non-conformités."""
    audit.conclure(auteur, conclusion=conclusion, synthese=synthese)
    audit.refresh_from_db()
    documents.produire_rapport(audit)
    ouvrir_plan_des_non_conformites(audit, auteur)
    return audit


@transaction.atomic
def labelliser(dossier: Dossier, auteur, *, date=None, email_responsable=None):
    """La décision du préfet : le label, la décision en PDF, et le lien d'inscription du futur responsable."""
    evenement = dossier.labelliser(auteur, date=date, email_responsable=email_responsable)
    documents.produire_decision(dossier, evenement)
    if dossier.email_responsable:
        inviter(dossier.structure, dossier.email_responsable, Role.GESTIONNAIRE, auteur)
    return evenement


@transaction.atomic
def refuser(dossier: Dossier, auteur, *, motifs):
    evenement = dossier.refuser(auteur, motifs=motifs)
    documents.produire_decision(dossier, evenement)
    return evenement


def audits_dus(audits, jour=None):
    """Les audits planifiés dont la date est passée ou du jour : à réaliser."""
    jour = jour or timezone.localdate()
    return audits.filter(statut=Audit.Statut.PLANIFIE, date_prevue__lte=jour)
