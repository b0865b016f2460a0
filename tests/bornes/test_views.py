"""Pages des bornes : gestion des tablettes, résultats (droits, secret sous 5 avis), export, page publique, code QR."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.activite.models import Accompagnement
from guichet.bornes import services
from guichet.bornes.models import Avis, Borne, InvitationAvis
from guichet.reseau.models import Structure
from tests.bornes.conftest import poser_avis
from tests.comptes.conftest import connecter

pytestmark = pytest.mark.django_db


# Gestion des tablettes


def test_le_responsable_appaire_une_tablette_et_voit_le_jeton_une_fois(client, monde):
    connecter(client, monde.gestionnaire_a1)
    url = reverse("bornes:gestion")
    reponse = client.post(url, {"structure": monde.a1.pk, "nom": "Sortie"})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    jeton = html.split('id="jeton-borne">', 1)[1].split("<", 1)[0]
    assert services.authentifier(jeton).structure == monde.a1
    assert "<svg" in html and "#jeton=" in html
    assert jeton not in client.get(url).content.decode()  # montré une seule fois


def test_le_responsable_n_appaire_pas_une_autre_structure(client, monde):
    connecter(client, monde.gestionnaire_a1)
    reponse = client.post(reverse("bornes:gestion"), {"structure": monde.b.pk, "nom": "Intrus"})
    assert reponse.status_code == 200 and "jeton-borne" not in reponse.content.decode()
    assert not Borne.objects.exists()


def test_revocation_par_le_responsable(client, monde):
    borne, jeton = services.appairer(monde.a1, "Sortie")
    connecter(client, monde.gestionnaire_a1)
    reponse = client.post(reverse("bornes:revoquer", args=[borne.pk]))
    assert reponse.status_code == 302
    assert services.authentifier(jeton) is None
    api = client.post(
        "/api/v1/bornes/reponses", [], content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {jeton}"
    )
    assert api.status_code == 401


def test_un_autre_responsable_ne_revoque_pas(client, monde):
    borne, jeton = services.appairer(monde.a1, "Sortie")
    connecter(client, monde.gestionnaire_b)
    assert client.post(reverse("bornes:revoquer", args=[borne.pk])).status_code == 404
    assert services.authentifier(jeton) is not None


@pytest.mark.parametrize("nom", ["conseiller_a1", "prefecture_a", "referent_caf_a", "sans_role", "auditeur_national"])
def test_gestion_refusee(client, monde, nom):
    connecter(client, getattr(monde, nom))
    assert client.get(reverse("bornes:gestion")).status_code == 403


def test_la_revocation_exige_une_session(client, monde):
    borne, _ = services.appairer(monde.a1, "Sortie")
    reponse = client.post(reverse("bornes:revoquer", args=[borne.pk]))
    assert reponse.status_code == 302 and "connexion" in reponse["Location"]
    assert Borne.objects.get().active


# Résultats


@pytest.fixture
def avis_poses(monde):
    poser_avis(monde.a1, [5] * 8 + [4] * 2 + [1] * 2)  # 12 avis, 10 satisfaits
    poser_avis(monde.a2, [5, 5, 2])  # 3 avis : secret
    poser_avis(monde.b, [5] * 6)
    return monde


def _tableau(html):
    return html.split('id="resultats"', 1)[1].split("</table>", 1)[0]


def test_responsable_voit_sa_structure(client, avis_poses):
    m = avis_poses
    connecter(client, m.gestionnaire_a1)
    reponse = client.get(reverse("bornes:resultats"), follow=True)
    assert reponse.resolver_match.url_name == "structure"
    html = reponse.content.decode()
    assert "Période : du " in html
    assert "12</td>" in _tableau(html) and "83 %" in _tableau(html)


@pytest.mark.parametrize(
    "nom, vue, attendu",
    [
        ("gestionnaire_a1", ("structure", "b"), 403),
        ("gestionnaire_a1", ("structure", "a2"), 403),
        ("gestionnaire_a1", ("departement", "dep_a"), 403),
        ("gestionnaire_a1", ("national", None), 403),
        ("gestionnaire_b", ("structure", "a1"), 403),
        ("conseiller_a1", ("structure", "a1"), 403),
        ("prefecture_a", ("departement", "dep_b"), 403),
        ("prefecture_a", ("structure", "b"), 403),
        ("prefecture_a", ("national", None), 403),
        ("referent_caf_a", ("departement", "dep_a"), 403),
        ("auditeur_a", ("departement", "dep_a"), 403),
        ("prefecture_a", ("departement", "dep_a"), 200),
        ("prefecture_a", ("structure", "a1"), 200),
        ("national", ("national", None), 200),
        ("national", ("structure", "b"), 200),
    ],
)
def test_droits_des_resultats(client, avis_poses, nom, vue, attendu):
    m = avis_poses
    connecter(client, getattr(m, nom))
    niveau, cible = vue
    if niveau == "structure":
        args = [getattr(m, cible).pk]
    elif niveau == "departement":
        args = [getattr(m, cible).code]
    else:
        args = []
    assert client.get(reverse(f"bornes:{niveau}", args=args)).status_code == attendu
    assert client.get(reverse(f"bornes:{niveau}_export", args=[*args, "csv"])).status_code == attendu


def test_resultats_exigent_une_session(client, avis_poses):
    reponse = client.get(reverse("bornes:national"))
    assert reponse.status_code == 302 and "connexion" in reponse["Location"]


def test_moins_de_cinq_avis_jamais_montres_page_et_export(client, avis_poses):
    m = avis_poses
    connecter(client, m.prefecture_a)
    html = _tableau(client.get(reverse("bornes:departement", args=[m.dep_a.code])).content.decode())
    ligne_a2 = html.split("France services A2", 1)[1].split("</tr>", 1)[0]
    assert "non montré" in ligne_a2 and "67 %" not in ligne_a2 and ">3<" not in ligne_a2
    # Le total du département (15) et A1 (12) redonneraient A2 (3) : A1 est masquée aussi (secret secondaire).
    ligne_a1 = html.split("France services A1", 1)[1].split("</tr>", 1)[0]
    assert "non montré" in ligne_a1
    csv = client.get(reverse("bornes:departement_export", args=[m.dep_a.code, "csv"])).content.decode()
    lignes = {ligne.split(";")[0]: ligne for ligne in csv.splitlines()}
    assert lignes[m.a2.matricule].split(";")[2:] == ["secret"] * 4
    assert "15" in lignes["total"].split(";")[2]


def test_mois_de_moins_de_cinq_avis_masques_sur_la_page_de_la_structure(client, avis_poses):
    m = avis_poses
    connecter(client, m.gestionnaire_b)
    html = _tableau(client.get(reverse("bornes:structure", args=[m.b.pk])).content.decode())
    assert html.count("non montré") >= 11  # les mois sans avis (0 < 5)
    csv = client.get(reverse("bornes:structure_export", args=[m.b.pk, "csv"])).content.decode()
    assert csv.count("secret") >= 11 * 4


def test_national_par_departement(client, avis_poses):
    m = avis_poses
    connecter(client, m.national)
    html = _tableau(client.get(reverse("bornes:national")).content.decode())
    assert "01 — Ain" in html and "02 — Aisne" in html
    assert "21</td>" in html  # total : 15 + 6


def test_export_neutralise_les_formules(client, monde):
    monde.b.nom = '=HYPERLINK("http://x")'
    monde.b.save()
    poser_avis(monde.b, [5] * 6)
    connecter(client, monde.national)
    csv = client.get(reverse("bornes:departement_export", args=[monde.dep_b.code, "csv"])).content.decode()
    assert "'=HYPERLINK" in csv


def test_export_format_inconnu(client, avis_poses):
    connecter(client, avis_poses.national)
    assert client.get(reverse("bornes:national_export", args=["pdf"])).status_code == 404


# Page publique


def test_page_publique_montre_la_satisfaction_des_30_avis(client, monde):
    url = reverse("reseau:structure", args=[monde.a1.matricule])
    poser_avis(monde.a1, [5] * 20 + [2] * 9)
    assert "satisfaction-publique" not in client.get(url).content.decode()
    poser_avis(monde.a1, [4])
    html = client.get(url).content.decode()
    assert "satisfaction-publique" in html and "70 %" in html and "30 avis" in html


def test_page_publique_ignore_les_avis_signales(client, monde):
    poser_avis(monde.a1, [5] * 30)
    Avis.objects.filter(pk__in=list(Avis.objects.values_list("pk", flat=True)[:1])).update(signale=True)
    services.recalculer_tout()
    assert (
        "satisfaction-publique"
        not in client.get(reverse("reseau:structure", args=[monde.a1.matricule])).content.decode()
    )


# Code QR après un accompagnement


@pytest.fixture
def accompagnement(monde):
    from guichet.reseau.models import Operateur

    return Accompagnement.objects.create(
        structure=monde.a1,
        agent=monde.conseiller_a1,
        le=timezone.now() - timedelta(minutes=5),
        operateur=Operateur.objects.get(code="caf"),
        type_aide="demarche_en_ligne",
        resultat="resolu",
        duree="moins_15",
    )


def _inviter(client, user, accompagnement):
    connecter(client, user)
    return client.post(reverse("bornes:code_qr"), {"accompagnement": accompagnement.pk})


def test_code_qr_a_usage_unique(client, monde, accompagnement):
    reponse = _inviter(client, monde.conseiller_a1, accompagnement)
    html = reponse.content.decode()
    assert reponse.status_code == 200 and "<svg" in html
    adresse = "/avis/" + html.split("/avis/", 1)[1].split("/", 1)[0] + "/"
    client.logout()
    assert client.get(adresse).status_code == 200
    assert client.post(adresse, {"note": "4", "resolu": "oui", "attente": "", "reviendrait": "non"}).status_code == 200
    avis = Avis.objects.get()
    assert (avis.structure, avis.operateur.code, avis.note, avis.resolu, avis.reviendrait, avis.borne) == (
        monde.a1,
        "caf",
        4,
        True,
        False,
        None,
    )
    assert client.post(adresse, {"note": "1"}).status_code == 410  # déjà utilisé
    assert Avis.objects.count() == 1


def test_code_qr_expire_apres_sept_jours(client, monde, accompagnement):
    html = _inviter(client, monde.conseiller_a1, accompagnement).content.decode()
    adresse = "/avis/" + html.split("/avis/", 1)[1].split("/", 1)[0] + "/"
    InvitationAvis.objects.update(expire_le=timezone.now() - timedelta(seconds=1))
    assert client.get(adresse).status_code == 410
    assert client.get("/avis/inconnu/").status_code == 410


def test_avis_du_telephone_invalide(client, monde, accompagnement):
    html = _inviter(client, monde.conseiller_a1, accompagnement).content.decode()
    adresse = "/avis/" + html.split("/avis/", 1)[1].split("/", 1)[0] + "/"
    reponse = client.post(adresse, {"note": "9"})
    assert reponse.status_code == 200 and "choix valide" in reponse.content.decode()
    assert not Avis.objects.exists() and InvitationAvis.objects.get().utilisee_le is None


@pytest.mark.parametrize("nom", ["collegue", "gestionnaire_a1", "conseiller_b"])
def test_code_qr_seulement_par_l_agent_de_l_accompagnement(client, monde, accompagnement, nom):
    if nom == "collegue":
        from guichet.comptes.models import Role
        from tests.comptes.factories import HabilitationFactory, UtilisateurFactory

        user = UtilisateurFactory(email="collegue@example.fr")
        HabilitationFactory(utilisateur=user, role=Role.CONSEILLER, structure=monde.a1)
    else:
        user = getattr(monde, nom)
    assert _inviter(client, user, accompagnement).status_code == 404
    assert not InvitationAvis.objects.exists()


def test_code_qr_refuse_sans_saisie(client, monde):
    connecter(client, monde.prefecture_a)
    assert client.get(reverse("bornes:code_qr")).status_code == 403


def test_lien_vers_le_code_qr_sur_la_saisie(client, monde):
    connecter(client, monde.conseiller_a1)
    assert reverse("bornes:code_qr") in client.get(reverse("activite:saisie")).content.decode()


def test_la_borne_est_publique_et_sans_session(client, monde):
    reponse = client.get(reverse("bornes:borne"))
    assert reponse.status_code == 200
    assert "sessionid" not in reponse.cookies
    sw = client.get(reverse("bornes:service_worker"))
    assert sw["Content-Type"].startswith("application/javascript") and "guichet-borne-" in sw.content.decode()
    assert Structure.objects.count() == 3


def test_la_borne_dit_ses_delais_de_quelques_secondes(client, monde):
    """Le merci reste 6 s, une question facultative sans geste part au bout de 30 s : des attributs de la page
    que le script lit (le test de bout en bout les raccourcit)."""
    page = client.get(reverse("bornes:borne")).content.decode()
    assert 'data-delai="6"' in page and 'data-abandon="30"' in page


# Plan d'action sur un score faible


def test_la_prefecture_ouvre_un_plan_depuis_un_score_faible(client, avis_poses):
    from guichet.plans_d_action import services as plans
    from guichet.plans_d_action.models import Origine

    m = avis_poses  # a1 : 10 satisfaits sur 12 (83 %) ; on y ajoute des avis mécontents
    poser_avis(m.a1, [1] * 8)
    poser_avis(m.a2, [5, 5, 5])  # A2 passe à 6 avis : plus de secret dans le département
    connecter(client, m.prefecture_a)
    html = client.get(reverse("bornes:departement", args=[m.dep_a.code])).content.decode()
    url = reverse("bornes:ouvrir_plan", args=[m.a1.pk])
    assert url in html
    assert url in client.get(reverse("bornes:structure", args=[m.a1.pk])).content.decode()
    formulaire = client.get(url)
    assert "Satisfaction des usagers de France services A1" in formulaire.content.decode()
    reponse = client.post(url, {"titre": "Accueil de A1", "libelle": "Revoir l'accueil", "echeance": "2099-01-31"})
    plan = plans.plans_de(m.a1).get()
    assert reponse.status_code == 302 and reponse["Location"] == plan.get_absolute_url()
    assert (plan.origine, plan.structure, plan.departement) == (Origine.BORNE, m.a1, m.dep_a)
    assert plan.actions.get().libelle == "Revoir l'accueil"
    assert "Accueil de A1" in client.get(reverse("bornes:structure", args=[m.a1.pk])).content.decode()


def test_plan_invalide_sans_plan_a_moitie(client, avis_poses):
    from guichet.plans_d_action.models import PlanDAction

    connecter(client, avis_poses.prefecture_a)
    url = reverse("bornes:ouvrir_plan", args=[avis_poses.a1.pk])
    reponse = client.post(url, {"titre": "Plan", "libelle": "Action", "echeance": "2001-01-01"})
    assert reponse.status_code == 400 and "déjà passée" in reponse.content.decode()
    assert not PlanDAction.objects.exists()


@pytest.mark.parametrize("nom, cible", [("gestionnaire_a1", "a1"), ("prefecture_a", "b"), ("auditeur_a", "a1")])
def test_plan_refuse_hors_prefecture_et_national(client, avis_poses, nom, cible):
    connecter(client, getattr(avis_poses, nom))
    url = reverse("bornes:ouvrir_plan", args=[getattr(avis_poses, cible).pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"titre": "x", "libelle": "y", "echeance": "2099-01-01"}).status_code == 403


def test_le_responsable_ne_voit_pas_le_bouton_de_plan(client, avis_poses):
    poser_avis(avis_poses.a1, [1] * 8)
    connecter(client, avis_poses.gestionnaire_a1)
    html = client.get(reverse("bornes:structure", args=[avis_poses.a1.pk])).content.decode()
    assert reverse("bornes:ouvrir_plan", args=[avis_poses.a1.pk]) not in html
