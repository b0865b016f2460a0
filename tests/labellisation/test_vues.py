"""Les pages de la labellisation, rôle par rôle : qui voit, qui agit, qui est refusé (403 ou 404)."""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guichet.labellisation import services
from guichet.labellisation.models import Audit, Document, Etape, PieceAudit, ResultatAudit
from guichet.reseau import services as reseau_services
from guichet.reseau.models import Structure
from tests.comptes.conftest import connecter
from tests.labellisation.factories import mettre_a, monde_labellisation

pytestmark = pytest.mark.django_db

DEMAIN = timezone.localdate() + timedelta(days=1)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def m():
    return monde_labellisation()


@pytest.fixture
def avec_audit(m):
    mettre_a(m.dossier, Etape.CANDIDATURE)
    m.audit = services.planifier_audit(m.dossier, m.prefecture, auditeur=m.auditeur, date_prevue=DEMAIN)
    return m


def statut(client, user, url, methode="get", **donnees):
    client.logout()
    connecter(client, user)
    return getattr(client, methode)(url, donnees).status_code


LISTE = {
    "prefecture": 200,
    "auditeur": 200,
    "national": 200,
    "gestionnaire": 200,
    "conseiller": 403,
    "referent": 403,
    "sans_role": 403,
}


@pytest.mark.parametrize("nom, attendu", sorted(LISTE.items()))
def test_liste_des_dossiers(client, m, nom, attendu):
    assert statut(client, getattr(m, nom), reverse("labellisation:liste")) == attendu


def test_liste_paginee_avec_son_filtre(client, m, monkeypatch):
    from guichet.labellisation import views
    from guichet.labellisation.models import Dossier

    monkeypatch.setattr(views, "PAR_PAGE", 1)
    Dossier.objects.create(structure=m.site_ailleurs)
    connecter(client, m.national)
    page = client.get(reverse("labellisation:liste"), {"etape": "projet"}).content.decode()
    assert "Dossiers de labellisation (2, page 1 sur 2)" in page and "etape=projet&amp;page=2" in page
    deuxieme = client.get(reverse("labellisation:liste"), {"etape": "projet", "page": 2}).content.decode()
    assert "page 2 sur 2" in deuxieme and ("Égletons" in page) != ("Égletons" in deuxieme)


def test_anonyme_renvoye_a_la_connexion(client, m):
    reponse = client.get(reverse("labellisation:dossier", args=[m.dossier.pk]))
    assert reponse.status_code == 302 and "/comptes/" in reponse["Location"]


DOSSIER = {
    "prefecture": 200,
    "national": 200,
    "gestionnaire": 200,
    "auditeur": 200,  # l'audit lui est confié
    "autre_auditeur": 404,
    "prefecture_ailleurs": 404,
    "conseiller": 404,
    "referent": 404,
    "sans_role": 404,
}


@pytest.mark.parametrize("nom, attendu", sorted(DOSSIER.items()))
def test_qui_voit_le_dossier_et_l_audit(client, avec_audit, nom, attendu):
    m = avec_audit
    user = getattr(m, nom)
    assert statut(client, user, reverse("labellisation:dossier", args=[m.dossier.pk])) == attendu
    assert statut(client, user, reverse("labellisation:audit", args=[m.audit.pk])) == attendu


def test_la_liste_ne_montre_que_le_perimetre(client, m):
    from guichet.labellisation.models import Dossier

    Dossier.objects.create(structure=m.site_ailleurs)
    connecter(client, m.prefecture)
    html = client.get(reverse("labellisation:liste")).content.decode()
    assert "Égletons" in html and "Aubusson" not in html


def test_la_prefecture_propose_un_site_de_son_departement(client, m):
    m.dossier.delete()
    connecter(client, m.prefecture)
    page = client.get(reverse("labellisation:proposer")).content.decode()
    assert "Égletons" in page and "Aubusson" not in page
    reponse = client.post(
        reverse("labellisation:proposer"), {"structure": m.site.pk, "email_responsable": "chef@example.fr"}
    )
    dossier = Structure.objects.get(pk=m.site.pk).dossier
    assert reponse.status_code == 302 and dossier.etape == Etape.CANDIDATURE
    assert dossier.email_responsable == "chef@example.fr"
    # Un site d'un autre département n'est pas proposable (choix invalide, rien n'est créé).
    reponse = client.post(reverse("labellisation:proposer"), {"structure": m.site_ailleurs.pk})
    assert reponse.status_code == 200 and "Sélectionnez un choix valide" in reponse.content.decode()
    assert not hasattr(Structure.objects.get(pk=m.site_ailleurs.pk), "dossier")


@pytest.mark.parametrize("nom", ["national", "auditeur", "gestionnaire", "conseiller", "sans_role"])
def test_seule_la_prefecture_propose(client, m, nom):
    assert statut(client, getattr(m, nom), reverse("labellisation:proposer")) == 403


ACTIONS = [
    # (personne, action, étape, données, code attendu, étape après)
    ("prefecture", "deposer", Etape.PROJET, {}, 302, Etape.CANDIDATURE),
    ("national", "deposer", Etape.PROJET, {}, 403, Etape.PROJET),
    ("gestionnaire", "deposer", Etape.PROJET, {}, 403, Etape.PROJET),
    ("gestionnaire", "deposer_porteur", Etape.PROJET, {}, 302, Etape.CANDIDATURE_PORTEUR),
    ("prefecture", "endosser", Etape.CANDIDATURE_PORTEUR, {}, 302, Etape.CANDIDATURE),
    ("gestionnaire", "endosser", Etape.CANDIDATURE_PORTEUR, {}, 403, Etape.CANDIDATURE_PORTEUR),
    ("prefecture_ailleurs", "endosser", Etape.CANDIDATURE_PORTEUR, {}, 404, Etape.CANDIDATURE_PORTEUR),
    ("national", "avis", Etape.AUDIT_REALISE, {"avis": "favorable"}, 302, Etape.AVIS_FAVORABLE),
    ("prefecture", "avis", Etape.AUDIT_REALISE, {"avis": "favorable"}, 403, Etape.AUDIT_REALISE),
    ("auditeur", "avis", Etape.AUDIT_REALISE, {"avis": "favorable"}, 404, Etape.AUDIT_REALISE),
    ("prefecture", "decider", Etape.AVIS_FAVORABLE, {"decision": "labelliser"}, 302, Etape.LABELLISEE),
    ("national", "decider", Etape.AVIS_FAVORABLE, {"decision": "labelliser"}, 403, Etape.AVIS_FAVORABLE),
    ("prefecture", "suspendre", Etape.LABELLISEE, {"motifs": "Fermé."}, 302, Etape.SUSPENDUE),
    ("gestionnaire", "suspendre", Etape.LABELLISEE, {"motifs": "Fermé."}, 403, Etape.LABELLISEE),
    ("prefecture", "retirer", Etape.SUSPENDUE, {"motifs": "Fermé."}, 302, Etape.RETIREE),
]


@pytest.mark.parametrize("nom, action, etape, donnees, code, apres", ACTIONS)
def test_actions_par_role(client, m, nom, action, etape, donnees, code, apres):
    mettre_a(m.dossier, etape)
    assert (
        statut(client, getattr(m, nom), reverse("labellisation:agir", args=[m.dossier.pk, action]), "post", **donnees)
        == code
    )
    m.dossier.refresh_from_db()
    assert m.dossier.etape == apres


def test_transition_illegale_par_la_page_message_clair(client, m):
    mettre_a(m.dossier, Etape.PROJET)
    connecter(client, m.prefecture)
    reponse = client.post(reverse("labellisation:agir", args=[m.dossier.pk, "retirer"]), {"motifs": "x"}, follow=True)
    assert "Impossible de retirer le label : le dossier est à l&#x27;étape « Projet »" in reponse.content.decode()
    m.dossier.refresh_from_db()
    assert m.dossier.etape == Etape.PROJET


def test_formulaire_invalide_nomme_le_champ(client, m):
    mettre_a(m.dossier, Etape.LABELLISEE)
    connecter(client, m.prefecture)
    reponse = client.post(reverse("labellisation:agir", args=[m.dossier.pk, "mettre_en_demeure"]), {}, follow=True)
    html = reponse.content.decode()
    assert "Échéance : Ce champ est obligatoire." in html and "Motifs : Ce champ est obligatoire." in html


def test_le_dossier_ne_propose_que_les_actions_du_role(client, m):
    mettre_a(m.dossier, Etape.AUDIT_REALISE)
    connecter(client, m.prefecture)
    assert (
        "Enregistrer l&#x27;avis de l&#x27;ANCT"
        not in client.get(reverse("labellisation:dossier", args=[m.dossier.pk])).content.decode()
    )
    client.logout()
    connecter(client, m.national)
    assert (
        "Enregistrer l&#x27;avis de l&#x27;ANCT"
        in client.get(reverse("labellisation:dossier", args=[m.dossier.pk])).content.decode()
    )


# — audit —


def test_l_auditeur_enregistre_une_ligne_par_fetch(client, avec_audit):
    m = avec_audit
    ligne = m.audit.lignes.get(critere__code="accueil-visible")
    connecter(client, m.auditeur)
    reponse = client.post(
        reverse("labellisation:ligne", args=[m.audit.pk, ligne.pk]),
        {"resultat": "non_conforme", "commentaire": "Accueil derrière une cloison."},
        HTTP_ACCEPT="application/json",
    )
    assert reponse.status_code == 200
    corps = json.loads(reponse.content)
    assert corps["ok"] and any("accueil-visible" in r for r in corps["raisons"])
    ligne.refresh_from_db()
    assert ligne.resultat == "non_conforme" and ligne.commentaire == "Accueil derrière une cloison."
    # Un constat inconnu : 400, message clair, rien n'est écrit.
    reponse = client.post(
        reverse("labellisation:ligne", args=[m.audit.pk, ligne.pk]),
        {"resultat": "peut-etre"},
        HTTP_ACCEPT="application/json",
    )
    assert reponse.status_code == 400 and "inconnu" in json.loads(reponse.content)["erreur"]
    ligne.refresh_from_db()
    assert ligne.resultat == "non_conforme"


@pytest.mark.parametrize("nom, attendu", [("autre_auditeur", 404), ("prefecture", 403), ("national", 403)])
def test_seul_l_auditeur_de_l_audit_le_remplit(client, avec_audit, nom, attendu):
    m = avec_audit
    ligne = m.audit.lignes.first()
    url = reverse("labellisation:ligne", args=[m.audit.pk, ligne.pk])
    assert statut(client, getattr(m, nom), url, "post", resultat="conforme") == attendu
    url = reverse("labellisation:conclure", args=[m.audit.pk])
    assert statut(client, getattr(m, nom), url, "post", conclusion="favorable") == attendu


def test_lignes_preremplies_du_resultat_automatique(avec_audit):
    m = avec_audit
    horaires = m.audit.lignes.get(critere__code="horaires")
    assert horaires.resultat_automatique == "a_verifier" and horaires.resultat == ""
    assert "Horaires inconnus" in horaires.preuve_automatique
    assert m.audit.referentiel.code == "arrete-2025"
    assert m.audit.lignes.count() == m.audit.referentiel.criteres.count()


def test_les_equipements_du_registre_sont_montres_sans_decider_a_la_place_de_l_auditeur(client, m):
    Structure.objects.filter(pk=m.site.pk).update(poste_webcam=True, espace_confidentiel=False)
    mettre_a(m.dossier, Etape.CANDIDATURE)
    audit = services.planifier_audit(m.dossier, m.prefecture, auditeur=m.auditeur, date_prevue=DEMAIN)
    webcam = audit.lignes.get(critere__code="poste-webcam")
    confidentiel = audit.lignes.get(critere__code="espace-confidentiel")
    assert (webcam.resultat_automatique, webcam.resultat) == ("conforme", "")
    assert (
        webcam.preuve_automatique == "Déclaré au registre : un ordinateur équipé d'une webcam. À confirmer sur place."
    )
    assert (confidentiel.resultat_automatique, confidentiel.resultat) == ("a_verifier", "")
    assert "ne déclare pas un espace confidentiel" in confidentiel.preuve_automatique
    connecter(client, m.auditeur)
    page = client.get(reverse("labellisation:audit", args=[audit.pk])).content.decode()
    assert "Registre des structures (à vérifier) :" in page and "Vérification automatique (à vérifier) :" in page


def test_non_conformite_bloquante_interdit_la_conclusion_favorable(client, avec_audit):
    m = avec_audit
    m.audit.lignes.update(resultat=ResultatAudit.CONFORME)
    m.audit.lignes.filter(critere__code="accueil-visible").update(resultat=ResultatAudit.NON_CONFORME)
    connecter(client, m.auditeur)
    page = client.get(reverse("labellisation:audit", args=[m.audit.pk])).content.decode()
    assert (
        "Une conclusion favorable est impossible" in page and "Critère bloquant non conforme : accueil-visible" in page
    )
    reponse = client.post(
        reverse("labellisation:conclure", args=[m.audit.pk]), {"conclusion": "favorable"}, follow=True
    )
    assert "Conclusion favorable impossible" in reponse.content.decode()
    m.audit.refresh_from_db()
    assert m.audit.statut == Audit.Statut.PLANIFIE
    client.post(
        reverse("labellisation:conclure", args=[m.audit.pk]), {"conclusion": "defavorable", "synthese": "À revoir."}
    )
    m.audit.refresh_from_db()
    m.dossier.refresh_from_db()
    assert m.audit.conclusion == "defavorable" and m.dossier.etape == Etape.AUDIT_REALISE
    assert Document.objects.filter(audit=m.audit, nature=Document.Nature.RAPPORT).exists()
    # Conclu : plus rien ne s'écrit.
    ligne = m.audit.lignes.first()
    reponse = client.post(reverse("labellisation:ligne", args=[m.audit.pk, ligne.pk]), {"resultat": "conforme"})
    assert reponse.status_code == 403


def test_conclure_exige_toutes_les_lignes(client, avec_audit):
    m = avec_audit
    connecter(client, m.auditeur)
    reponse = client.post(
        reverse("labellisation:conclure", args=[m.audit.pk]), {"conclusion": "defavorable"}, follow=True
    )
    assert "Impossible de conclure" in reponse.content.decode() and "sans résultat" in reponse.content.decode()


def test_piece_jointe_chiffree_et_reservee(client, avec_audit):
    m = avec_audit
    ligne = m.audit.lignes.get(critere__code="accueil-visible")
    connecter(client, m.auditeur)
    fichier = io.BytesIO(PNG)
    fichier.name = "../../photo accueil.png"
    client.post(reverse("labellisation:joindre", args=[m.audit.pk, ligne.pk]), {"fichier": fichier})
    piece = PieceAudit.objects.get()
    assert piece.nom == "photo accueil.png" and piece.type_mime == "image/png"
    with default_storage.open(piece.fichier, "rb") as f:
        assert PNG not in f.read()  # chiffré au repos
    url = reverse("labellisation:piece", args=[piece.pk])
    assert client.get(url).content == PNG
    assert statut(client, m.prefecture, url) == 200
    for nom in ("autre_auditeur", "conseiller", "prefecture_ailleurs"):
        assert statut(client, getattr(m, nom), url) == 404


def test_piece_d_un_type_refuse(client, avec_audit):
    m = avec_audit
    ligne = m.audit.lignes.first()
    connecter(client, m.auditeur)
    fichier = io.BytesIO(b"MZ\x90\x00 programme")
    fichier.name = "photo.png"
    reponse = client.post(
        reverse("labellisation:joindre", args=[m.audit.pk, ligne.pk]), {"fichier": fichier}, follow=True
    )
    assert "n&#x27;est pas d&#x27;un type accepté" in reponse.content.decode()
    assert not PieceAudit.objects.exists()


# — documents —


def test_decision_telechargeable_par_qui_voit_le_dossier(client, m):
    mettre_a(m.dossier, Etape.AVIS_FAVORABLE)
    services.labelliser(m.dossier, m.prefecture)
    document = Document.objects.get(nature=Document.Nature.DECISION)
    url = reverse("labellisation:document", args=[document.pk])
    for nom in ("prefecture", "national", "gestionnaire"):
        client.logout()
        connecter(client, getattr(m, nom))
        reponse = client.get(url)
        assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
        assert reponse.content.startswith(b"%PDF")
    for nom in ("prefecture_ailleurs", "conseiller", "referent", "sans_role", "auditeur"):
        assert statut(client, getattr(m, nom), url) == 404


# — annuaire public —


def test_le_site_entre_dans_l_annuaire_a_sa_labellisation_et_en_sort_a_la_suspension(m):
    lat, lon = m.site.latitude, m.site.longitude
    assert reseau_services.structures_proches(lat, lon) == []
    mettre_a(m.dossier, Etape.AVIS_FAVORABLE)
    services.labelliser(m.dossier, m.prefecture)
    assert [r.structure.pk for r in reseau_services.structures_proches(lat, lon)] == [m.site.pk]
    m.dossier.suspendre(m.prefecture, motifs="Un seul agent.")
    assert reseau_services.structures_proches(lat, lon) == []
    m.dossier.retablir(m.prefecture)
    assert [r.structure.pk for r in reseau_services.structures_proches(lat, lon)] == [m.site.pk]


def test_le_site_sort_de_l_annuaire_au_retrait(m):
    mettre_a(m.dossier, Etape.AVIS_FAVORABLE)
    services.labelliser(m.dossier, m.prefecture)
    m.dossier.retirer(m.prefecture, motifs="Fermeture.")
    assert reseau_services.structures_proches(m.site.latitude, m.site.longitude) == []
    assert Structure.objects.get(pk=m.site.pk).statut == Structure.Statut.RETIREE


# — tableau de bord —

TABLEAU = {
    "prefecture": 200,
    "national": 200,
    "auditeur": 403,
    "gestionnaire": 403,
    "conseiller": 403,
    "referent": 403,
    "sans_role": 403,
}


@pytest.mark.parametrize("nom, attendu", sorted(TABLEAU.items()))
def test_qui_voit_le_tableau(client, m, nom, attendu):
    assert statut(client, getattr(m, nom), reverse("labellisation:tableau")) == attendu
    assert statut(client, getattr(m, nom), reverse("labellisation:export", args=["csv"])) == attendu


def test_tableau_departemental_et_exports(client, avec_audit):
    m = avec_audit
    Audit.objects.filter(pk=m.audit.pk).update(date_prevue=timezone.localdate() - timedelta(days=3))
    connecter(client, m.prefecture)
    html = client.get(reverse("labellisation:tableau")).content.decode()
    assert "19 Corrèze" in html and "23 Creuse" not in html and "en retard" in html
    assert client.get(reverse("labellisation:tableau") + "?departement=23").status_code == 404
    csv = client.get(reverse("labellisation:export", args=["csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[1].startswith("19;Corrèze;")
    classeur = load_workbook(io.BytesIO(client.get(reverse("labellisation:export", args=["xlsx"])).content))
    assert classeur.sheetnames == ["Départements", "Critères", "Critères par département"]
    assert client.get(reverse("labellisation:export", args=["pdf"])).status_code == 404


def test_tableau_national_part_des_sites_conformes(client, avec_audit):
    m = avec_audit
    m.audit.lignes.update(resultat=ResultatAudit.CONFORME)
    m.audit.lignes.filter(critere__code="horaires").update(resultat=ResultatAudit.NON_CONFORME)
    services.conclure_audit(m.audit, m.auditeur, conclusion="defavorable")
    connecter(client, m.national)
    reponse = client.get(reverse("labellisation:tableau"))
    tableau = reponse.context["tableau"]
    assert tableau.national and tableau.sites_audites == 1
    horaires = next(c for c in tableau.criteres if c.code == "horaires")
    assert (horaires.non_conformes, horaires.part_conformes) == (1, 0.0)
    assert tableau.criteres[0].code == "horaires"  # les plus non conformes d'abord
    assert next(c for c in tableau.criteres if c.code == "accueil-visible").part_conformes == 100.0
    assert "Par région" in reponse.content.decode()


# — plan d'action des non-conformités —


def test_les_non_conformites_deviennent_un_plan_d_action(client, avec_audit):
    from guichet.plans_d_action.models import Action
    from guichet.plans_d_action.services import plans_de

    m = avec_audit
    m.audit.lignes.update(resultat=ResultatAudit.CONFORME)
    m.audit.lignes.filter(critere__code="poste-webcam").update(
        resultat=ResultatAudit.NON_CONFORME, commentaire="Pas de webcam."
    )
    m.audit.lignes.filter(critere__code="horaires").update(resultat=ResultatAudit.NON_CONFORME)
    services.conclure_audit(m.audit, m.auditeur, conclusion="defavorable")
    (plan,) = plans_de(m.audit)
    assert plan.origine == "labellisation" and plan.structure == m.site and plan.departement == m.dep
    actions = {a.libelle: a for a in plan.actions.all()}
    assert len(actions) == 2
    webcam = next(a for libelle, a in actions.items() if "Pas de webcam." in libelle)
    horaires = next(a for libelle, a in actions.items() if "24 heures" in libelle)
    assert webcam.responsable == m.gestionnaire
    assert horaires.echeance - timezone.localdate() == services.DELAI_BLOQUANT  # critère bloquant : plus court
    assert webcam.echeance - timezone.localdate() == services.DELAI_ORDINAIRE

    # Le responsable du site lit son dossier et son plan ; la préfecture voit l'action en retard sur son tableau.
    connecter(client, m.gestionnaire)
    assert plan.get_absolute_url() in client.get(reverse("labellisation:dossier", args=[m.dossier.pk])).content.decode()
    assert client.get(reverse("plans_d_action:detail", args=[plan.pk])).status_code == 200
    Action.objects.filter(pk=webcam.pk).update(echeance=timezone.localdate() - timedelta(days=2))
    client.logout()
    connecter(client, m.prefecture)
    reponse = client.get(reverse("labellisation:tableau"))
    assert [a.pk for a in reponse.context["tableau"].actions_en_retard] == [webcam.pk]
    assert reponse.context["tableau"].departements[0].actions_en_retard == 1
    assert "Pas de webcam." in reponse.content.decode()


def test_audit_sans_non_conformite_sans_plan(avec_audit):
    from guichet.plans_d_action.services import plans_de

    m = avec_audit
    m.audit.lignes.update(resultat=ResultatAudit.CONFORME)
    services.conclure_audit(m.audit, m.auditeur, conclusion="favorable")
    assert not plans_de(m.audit).exists()
