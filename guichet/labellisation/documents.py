"""Les documents PDF du dossier : le rapport d'audit et la décision du préfet, produits à l'étape qui les fait
naître, gardés chiffrés (comme les pièces jointes), téléchargés par qui voit le dossier."""

from django.utils import timezone

from guichet.chiffrement import enregistrer_chiffre, lire_dechiffre
from guichet.documents import pdf_depuis_gabarit
from guichet.labellisation.models import Audit, Document, Dossier, Etape

DOSSIER_STOCKAGE = "labellisation/documents"


def _enregistrer(dossier, nature, nom, pdf, audit=None) -> Document:
    return Document.objects.create(
        dossier=dossier,
        audit=audit,
        nature=nature,
        nom=nom,
        fichier=enregistrer_chiffre(pdf, nom, dossier=DOSSIER_STOCKAGE),
    )


def rapport_pdf(audit: Audit) -> bytes:
    lignes = list(audit.lignes.select_related("critere").prefetch_related("pieces"))
    return pdf_depuis_gabarit(
        "labellisation/documents/rapport.html",
        {
            "audit": audit,
            "structure": audit.dossier.structure,
            "lignes": lignes,
            "non_conformes": [ligne for ligne in lignes if ligne.resultat == "non_conforme"],
            "produit_le": timezone.localtime(),
        },
    )


def produire_rapport(audit: Audit) -> Document:
    nom = f"rapport-audit-{audit.dossier.structure.matricule}-{audit.date_prevue:%Y-%m-%d}.pdf"
    return _enregistrer(audit.dossier, Document.Nature.RAPPORT, nom, rapport_pdf(audit), audit=audit)


def decision_pdf(dossier: Dossier, evenement) -> bytes:
    structure = dossier.structure
    return pdf_depuis_gabarit(
        "labellisation/documents/decision.html",
        {
            "dossier": dossier,
            "structure": structure,
            "departement": structure.commune.departement,
            "evenement": evenement,
            "labellisee": evenement.etape == Etape.LABELLISEE,
            "audit": dossier.audits.filter(nature=Audit.Nature.LABELLISATION).exclude(realise_le=None).first(),
            "produit_le": timezone.localtime(),
        },
    )


def produire_decision(dossier: Dossier, evenement) -> Document:
    nom = f"decision-{dossier.structure.matricule}-{evenement.date:%Y-%m-%d}.pdf"
    return _enregistrer(dossier, Document.Nature.DECISION, nom, decision_pdf(dossier, evenement))


def contenu(document: Document) -> bytes:
    return lire_dechiffre(document.fichier)
