"""Le rapport d'audit et la décision du préfet : des PDF que pdftoppm rend proprement, et qui disent ce qu'il faut."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from guichet.labellisation import documents, services
from guichet.labellisation.models import Document, Etape, ResultatAudit
from tests.labellisation.factories import mettre_a, monde_labellisation
from tests.pdf import pages_du_pdf, texte_du_pdf

pytestmark = pytest.mark.django_db


def test_rapport_d_audit_et_decision(tmp_path):
    m = monde_labellisation()
    mettre_a(m.dossier, Etape.CANDIDATURE)
    audit = services.planifier_audit(
        m.dossier, m.prefecture, auditeur=m.auditeur, date_prevue=timezone.localdate() + timedelta(days=1)
    )
    audit.lignes.update(resultat=ResultatAudit.CONFORME)
    audit.lignes.filter(critere__code="poste-webcam").update(
        resultat=ResultatAudit.NON_CONFORME, commentaire="Poste en panne depuis mars."
    )
    services.conclure_audit(audit, m.auditeur, conclusion="favorable", synthese="Accueil chaleureux.")

    rapport = Document.objects.get(nature=Document.Nature.RAPPORT)
    pdf = documents.contenu(rapport)
    with default_storage.open(rapport.fichier, "rb") as brut:
        assert not brut.read().startswith(b"%PDF")  # gardé chiffré
    pages = pages_du_pdf(pdf)
    assert len(pages) >= 2  # un tableau d'une trentaine de critères
    texte = texte_du_pdf(pdf)
    assert "RÉPUBLIQUE" in texte and "Rapport d'audit" in texte
    assert "France services d'Égletons" in texte and "Conclusion : Favorable" in texte
    assert "Poste en panne" in texte and "1 non conforme." in texte

    m.dossier.donner_avis(m.national, favorable=True, motifs="Dossier solide.")
    services.labelliser(m.dossier, m.prefecture, date=timezone.localdate())
    decision = Document.objects.get(nature=Document.Nature.DECISION)
    pdf = documents.contenu(decision)
    assert len(pages_du_pdf(pdf)) == 1
    texte = " ".join(texte_du_pdf(pdf).split())
    assert "Préfecture Corrèze" in texte and "Décision du préfet" in texte
    assert f"labellisée France Services à compter du {timezone.localdate().day}" in texte
    assert "Dossier solide." in texte


def test_decision_de_refus_donne_ses_motifs():
    m = monde_labellisation()
    mettre_a(m.dossier, Etape.AVIS_DEFAVORABLE)
    services.refuser(m.dossier, m.prefecture, motifs="Aucun espace confidentiel.")
    pdf = documents.contenu(Document.objects.get(nature=Document.Nature.DECISION))
    pages_du_pdf(pdf)
    texte = " ".join(texte_du_pdf(pdf).split())
    assert "est refusée" in texte and "Aucun espace confidentiel." in texte
