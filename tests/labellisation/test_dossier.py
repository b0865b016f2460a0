"""Les étapes du dossier de labellisation : chaque transition permise, chaque transition refusée (sans trace)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.comptes.models import Invitation
from guichet.labellisation import services
from guichet.labellisation.models import Audit, Etape, Evenement, ResultatAudit, TransitionRefusee
from guichet.reseau.models import HistoriqueStatut, Structure
from tests.labellisation.factories import mettre_a, monde_labellisation

pytestmark = pytest.mark.django_db

DEMAIN = timezone.localdate() + timedelta(days=1)
DANS_UN_MOIS = timezone.localdate() + timedelta(days=30)


@pytest.fixture
def m():
    return monde_labellisation()


# Chaque action, ses étapes de départ et son étape d'arrivée (None : l'étape ne change pas).
ACTIONS = {
    "deposer": ((Etape.PROJET, Etape.REFUSEE, Etape.RETIREE), Etape.CANDIDATURE),
    "deposer_porteur": ((Etape.PROJET, Etape.REFUSEE, Etape.RETIREE), Etape.CANDIDATURE_PORTEUR),
    "endosser": ((Etape.CANDIDATURE_PORTEUR,), Etape.CANDIDATURE),
    "planifier": ((Etape.CANDIDATURE,), Etape.AUDIT_PLANIFIE),
    "planifier_controle": ((Etape.LABELLISEE, Etape.MISE_EN_DEMEURE, Etape.SUSPENDUE), None),
    "avis_favorable": ((Etape.AUDIT_REALISE,), Etape.AVIS_FAVORABLE),
    "avis_defavorable": ((Etape.AUDIT_REALISE,), Etape.AVIS_DEFAVORABLE),
    "labelliser": ((Etape.AVIS_FAVORABLE,), Etape.LABELLISEE),
    "refuser": ((Etape.AVIS_FAVORABLE, Etape.AVIS_DEFAVORABLE), Etape.REFUSEE),
    "mettre_en_demeure": ((Etape.LABELLISEE,), Etape.MISE_EN_DEMEURE),
    "lever": ((Etape.MISE_EN_DEMEURE,), Etape.LABELLISEE),
    "suspendre": ((Etape.LABELLISEE, Etape.MISE_EN_DEMEURE), Etape.SUSPENDUE),
    "retablir": ((Etape.SUSPENDUE,), Etape.LABELLISEE),
    "retirer": ((Etape.LABELLISEE, Etape.MISE_EN_DEMEURE, Etape.SUSPENDUE), Etape.RETIREE),
}


def agir(m, action):
    d, p = m.dossier, m.prefecture
    match action:
        case "deposer":
            return d.deposer_candidature(p)
        case "deposer_porteur":
            return d.deposer_candidature(m.gestionnaire, par_porteur=True)
        case "endosser":
            return d.endosser(p)
        case "planifier":
            return services.planifier_audit(d, p, auditeur=m.auditeur, date_prevue=DEMAIN)
        case "planifier_controle":
            return services.planifier_audit(d, p, auditeur=m.auditeur, date_prevue=DEMAIN, controle=True)
        case "avis_favorable":
            return d.donner_avis(m.national, favorable=True)
        case "avis_defavorable":
            return d.donner_avis(m.national, favorable=False, motifs="Pas d'espace confidentiel.")
        case "labelliser":
            return services.labelliser(d, p)
        case "refuser":
            return services.refuser(d, p, motifs="Avis défavorable de l'ANCT.")
        case "mettre_en_demeure":
            return d.mettre_en_demeure(p, echeance=DANS_UN_MOIS, motifs="Ouvert 18 h par semaine.")
        case "lever":
            return d.lever_mise_en_demeure(p)
        case "suspendre":
            return d.suspendre(p, motifs="Un seul agent depuis trois mois.")
        case "retablir":
            return d.retablir(p)
        case "retirer":
            return d.retirer(p, motifs="Fermeture du local.")
    raise AssertionError(action)


def trace(m):
    return (
        Evenement.objects.filter(dossier=m.dossier).count(),
        HistoriqueStatut.objects.filter(structure=m.site).count(),
        Audit.objects.filter(dossier=m.dossier).count(),
        Structure.objects.get(pk=m.site.pk).statut,
    )


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_chaque_action_permise_depuis_ses_etapes_et_refusee_ailleurs(m, action):
    depuis, vers = ACTIONS[action]
    for etape in Etape:
        Audit.objects.filter(dossier=m.dossier).delete()
        mettre_a(m.dossier, etape)
        avant = trace(m)
        if etape in depuis:
            agir(m, action)
            m.dossier.refresh_from_db()
            assert m.dossier.etape == (vers or etape), (action, etape)
            assert Evenement.objects.filter(dossier=m.dossier).count() == avant[0] + 1
            dernier = m.dossier.evenements.last()
            assert dernier.auteur is not None and dernier.date == timezone.localdate()
        else:
            with pytest.raises(TransitionRefusee) as refus:
                agir(m, action)
            assert f"le dossier est à l'étape « {Etape(etape).label} »" in refus.value.messages[0]
            m.dossier.refresh_from_db()
            assert m.dossier.etape == etape
            assert trace(m) == avant, (action, etape)


def test_parcours_complet_reporte_dans_l_historique_de_la_structure(m):
    m.dossier.deposer_candidature(m.gestionnaire, par_porteur=True)
    m.dossier.endosser(m.prefecture)
    audit = services.planifier_audit(m.dossier, m.prefecture, auditeur=m.auditeur, date_prevue=DEMAIN)
    audit.lignes.update(resultat=ResultatAudit.CONFORME)
    services.conclure_audit(audit, m.auditeur, conclusion=Audit.Conclusion.FAVORABLE, synthese="Très bon accueil.")
    m.dossier.donner_avis(m.national, favorable=True, motifs="Dossier complet.")
    services.labelliser(m.dossier, m.prefecture, date=timezone.localdate() - timedelta(days=2))
    m.dossier.mettre_en_demeure(m.prefecture, echeance=DANS_UN_MOIS, motifs="Un seul agent.")
    m.dossier.suspendre(m.prefecture, motifs="Toujours un seul agent.")
    m.dossier.retirer(m.prefecture, motifs="Aucun recrutement.")

    m.site.refresh_from_db()
    assert m.site.statut == Structure.Statut.RETIREE
    assert m.site.date_labellisation == timezone.localdate() - timedelta(days=2)
    historique = list(m.site.historique.order_by("cree_le").values_list("statut", "auteur", "commentaire"))
    assert [h[0] for h in historique] == ["labellisee", "labellisee", "suspendue", "retiree"]
    assert all(h[1] == m.prefecture.pk for h in historique)
    assert "Mise en demeure" in historique[1][2] and "Aucun recrutement" in historique[3][2]
    libelles = list(m.dossier.evenements.values_list("libelle", flat=True))
    assert libelles[:4] == [
        "Candidature déposée par le porteur",
        "Candidature endossée par la préfecture",
        f"Audit planifié (Auditrice Martin{m.auditeur.last_name.removeprefix('Martin')}, le {DEMAIN:%d/%m/%Y})",
        "Audit réalisé : conclusion favorable",
    ]


def test_avis_defavorable_exige_des_motifs(m):
    mettre_a(m.dossier, Etape.AUDIT_REALISE)
    with pytest.raises(TransitionRefusee, match="Motifs de l'avis défavorable"):
        m.dossier.donner_avis(m.national, favorable=False, motifs="  ")
    assert m.dossier.evenements.count() == 0


def test_refus_exige_des_motifs(m):
    mettre_a(m.dossier, Etape.AVIS_DEFAVORABLE)
    with pytest.raises(TransitionRefusee, match="Motifs du refus"):
        m.dossier.refuser(m.prefecture, motifs="")
    assert m.dossier.evenements.count() == 0


def test_mise_en_demeure_exige_une_echeance_future(m):
    mettre_a(m.dossier, Etape.LABELLISEE)
    with pytest.raises(TransitionRefusee, match="échéance future"):
        m.dossier.mettre_en_demeure(m.prefecture, echeance=timezone.localdate(), motifs="Horaires.")
    assert m.dossier.evenements.count() == 0


def test_un_seul_audit_planifie_a_la_fois(m):
    mettre_a(m.dossier, Etape.LABELLISEE)
    services.planifier_audit(m.dossier, m.prefecture, auditeur=m.auditeur, date_prevue=DEMAIN, controle=True)
    with pytest.raises(TransitionRefusee, match="déjà planifié"):
        services.planifier_audit(m.dossier, m.prefecture, auditeur=m.auditeur, date_prevue=DEMAIN, controle=True)


def test_l_auditeur_doit_etre_auditeur_du_departement(m):
    mettre_a(m.dossier, Etape.CANDIDATURE)
    with pytest.raises(Exception, match="pas auditeur de ce département"):
        services.planifier_audit(m.dossier, m.prefecture, auditeur=m.conseiller, date_prevue=DEMAIN)
    m.dossier.refresh_from_db()
    assert m.dossier.etape == Etape.CANDIDATURE and not m.dossier.audits.exists()


def test_une_erreur_en_cours_de_route_n_ecrit_rien(m, monkeypatch):
    """La décision en PDF échoue : ni étape, ni statut de la structure, ni invitation."""
    mettre_a(m.dossier, Etape.AVIS_FAVORABLE)
    m.dossier.email_responsable = "futur@example.fr"
    m.dossier.save()

    def panne(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(services.documents, "produire_decision", panne)
    with pytest.raises(OSError):
        services.labelliser(m.dossier, m.prefecture)
    m.dossier.refresh_from_db()
    m.site.refresh_from_db()
    assert m.dossier.etape == Etape.AVIS_FAVORABLE
    assert m.site.statut == Structure.Statut.PROJET and not m.site.historique.exists()
    assert not Invitation.objects.exists()


def test_labellisation_invite_le_futur_responsable(m):
    mettre_a(m.dossier, Etape.AVIS_FAVORABLE)
    services.labelliser(m.dossier, m.prefecture, email_responsable="Responsable@Example.fr ")
    invitation = Invitation.objects.get()
    assert invitation.email == "responsable@example.fr"
    assert invitation.structure == m.site and invitation.role == "gestionnaire"
    assert invitation.invite_par == m.prefecture


def test_sans_adresse_pas_d_invitation(m):
    mettre_a(m.dossier, Etape.AVIS_FAVORABLE)
    services.labelliser(m.dossier, m.prefecture)
    assert not Invitation.objects.exists()
