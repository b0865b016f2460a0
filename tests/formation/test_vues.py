"""Les pages de la formation, rôle par rôle : ce que chacun voit et fait, et chaque refus."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from guichet.comptes.models import Role
from guichet.formation.models import Inscription, Presence, Session
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.comptes.monde import construire_monde
from tests.formation.factories import InscriptionFactory, SessionFactory, former, module
from tests.pdf import pages_du_pdf, texte_du_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    m = construire_monde()
    # a1 : le conseiller et le responsable formés ; un nouvel agent à former. b : un conseiller formé.
    former(m.conseiller_a1, m.a1)
    former(m.gestionnaire_a1, m.a1)
    m.nouveau_a1 = UtilisateurFactory(email="nouveau-a1@example.fr", first_name="Noé", last_name="Nouveau")
    HabilitationFactory(utilisateur=m.nouveau_a1, role=Role.CONSEILLER, structure=m.a1)
    former(m.conseiller_b, m.b)
    return m


def get(client, user, nom, *args):
    connecter(client, user)
    return client.get(reverse(f"formation:{nom}", args=args))


# — l'accueil de la formation —


@pytest.mark.parametrize(
    "personne, attendu",
    [
        ("national", 200),
        ("staff", 200),
        ("auditeur_national", 200),
        ("prefecture_a", 200),
        ("auditeur_a", 200),
        ("gestionnaire_a1", 200),
        ("conseiller_a1", 200),
        ("referent_caf_a", 403),
        ("sans_role", 403),
    ],
)
def test_accueil_par_role(client, monde, personne, attendu):
    assert get(client, getattr(monde, personne), "accueil").status_code == attendu


def test_accueil_anonyme_renvoye_a_la_connexion(client, monde):
    reponse = client.get(reverse("formation:accueil"))
    assert reponse.status_code == 302 and "/comptes/connexion/" in reponse["Location"]


def test_accueil_national_montre_les_chiffres_par_departement(client, monde):
    html = get(client, monde.national, "accueil").content.decode()
    assert "Chiffres nationaux" in html
    # A : a1 (2 formés sur 3) et a2 (aucun agent) ; B : b (1 formé).
    assert "3 agents formés sur 4" in html
    assert "3 structures labellisées sur 3 avec moins de deux agents formés" not in html
    assert reverse("formation:departement", args=["01"]) in html
    assert reverse("formation:session_nouvelle") in html


def test_accueil_prefecture_son_departement_seulement(client, monde):
    html = get(client, monde.prefecture_a, "accueil").content.decode()
    assert reverse("formation:departement", args=["01"]) in html
    assert reverse("formation:departement", args=["02"]) not in html
    assert reverse("formation:session_nouvelle") not in html


# — le parcours d'un agent et son attestation —


@pytest.mark.parametrize(
    "personne, voit",
    [
        ("conseiller_a1", True),  # lui-même
        ("gestionnaire_a1", True),
        ("prefecture_a", True),
        ("auditeur_a", True),
        ("national", True),
        ("auditeur_national", True),
        ("conseiller_b", False),
        ("referent_caf_a", False),
        ("sans_role", False),
    ],
)
def test_parcours_et_attestation_de_qui(client, monde, personne, voit):
    user = getattr(monde, personne)
    reponse = get(client, user, "parcours", monde.conseiller_a1.pk)
    assert reponse.status_code == (200 if voit else 404)
    attestation = client.get(reverse("formation:attestation", args=[monde.conseiller_a1.pk]))
    assert attestation.status_code == (200 if voit else 404)


def test_un_conseiller_ne_voit_pas_le_parcours_d_un_collegue(client, monde):
    # Même structure, mais un conseiller n'est pas responsable : son propre parcours seulement.
    assert get(client, monde.conseiller_a1, "parcours", monde.nouveau_a1.pk).status_code == 404


def test_prefecture_d_un_autre_departement_refusee(client, monde):
    assert get(client, monde.prefecture_a, "parcours", monde.conseiller_b.pk).status_code == 404
    assert get(client, monde.prefecture_a, "attestation", monde.conseiller_b.pk).status_code == 404


def test_attestation_pdf_lisible_et_complete(client, monde):
    reponse = get(client, monde.gestionnaire_a1, "attestation", monde.conseiller_a1.pk)
    assert reponse["Content-Type"] == "application/pdf"
    assert "attachment" in reponse["Content-Disposition"]
    pdf = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    assert len(pages_du_pdf(pdf)) >= 1
    texte = " ".join(texte_du_pdf(pdf).split())
    assert "Attestation de formation initiale" in texte
    assert monde.conseiller_a1.get_full_name() in texte
    assert "Module métier : France Travail" in texte  # chaque module, avec sa session
    assert "Posture d'accueil et relation à l'usager En présentiel" in texte
    assert "Soit 5,5 jours de formation en présentiel" in texte


def test_pas_d_attestation_avant_la_fin_du_parcours(client, monde):
    assert get(client, monde.gestionnaire_a1, "attestation", monde.nouveau_a1.pk).status_code == 404
    html = client.get(reverse("formation:parcours", args=[monde.nouveau_a1.pk])).content.decode()
    assert re.search(r"0 module\s+fait\s+sur 17", html)
    assert reverse("formation:attestation", args=[monde.nouveau_a1.pk]) not in html


# — l'équipe d'une structure : voir, inscrire —


@pytest.mark.parametrize(
    "personne, statut",
    [
        ("gestionnaire_a1", 200),
        ("prefecture_a", 200),
        ("auditeur_a", 200),
        ("national", 200),
        ("conseiller_a1", 404),  # un conseiller voit son parcours, pas celui de l'équipe
        ("conseiller_b", 404),
        ("referent_caf_a", 404),
        ("sans_role", 404),
    ],
)
def test_equipe_de_qui(client, monde, personne, statut):
    assert get(client, getattr(monde, personne), "equipe", monde.a1.pk).status_code == statut


def test_equipe_d_une_autre_structure_refusee_au_responsable(client, monde):
    assert get(client, monde.gestionnaire_a1, "equipe", monde.b.pk).status_code == 404


def test_le_responsable_inscrit_un_agent(client, monde):
    session = SessionFactory()
    connecter(client, monde.gestionnaire_a1)
    url = reverse("formation:equipe", args=[monde.a1.pk])
    html = client.get(url).content.decode()
    assert "2 agents formés sur 3" in html
    assert "Inscrire un agent à une session" in html
    reponse = client.post(url, {"agent": monde.nouveau_a1.pk, "session": session.pk}, follow=True)
    assert "est inscrit à" in reponse.content.decode()
    inscription = Inscription.objects.get(agent=monde.nouveau_a1, session=session)
    assert inscription.structure == monde.a1 and inscription.inscrit_par == monde.gestionnaire_a1


def test_le_responsable_n_inscrit_pas_un_agent_d_une_autre_structure(client, monde):
    session = SessionFactory()
    connecter(client, monde.gestionnaire_a1)
    reponse = client.post(
        reverse("formation:equipe", args=[monde.a1.pk]), {"agent": monde.conseiller_b.pk, "session": session.pk}
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Inscription.objects.filter(session=session).exists()


def test_une_session_complete_est_refusee_avec_un_message(client, monde):
    session = SessionFactory(capacite=1)
    InscriptionFactory(session=session, structure=monde.b)
    connecter(client, monde.gestionnaire_a1)
    reponse = client.post(
        reverse("formation:equipe", args=[monde.a1.pk]), {"agent": monde.nouveau_a1.pk, "session": session.pk}
    )
    assert reponse.status_code == 200
    assert not Inscription.objects.filter(session=session, agent=monde.nouveau_a1).exists()


@pytest.mark.parametrize("personne", ["prefecture_a", "auditeur_a", "auditeur_national"])
def test_la_prefecture_et_les_auditeurs_n_inscrivent_pas(client, monde, personne):
    session = SessionFactory()
    connecter(client, getattr(monde, personne))
    reponse = client.post(
        reverse("formation:equipe", args=[monde.a1.pk]), {"agent": monde.nouveau_a1.pk, "session": session.pk}
    )
    assert reponse.status_code == 403
    assert not Inscription.objects.filter(session=session).exists()


def test_le_national_inscrit_aussi(client, monde):
    session = SessionFactory()
    connecter(client, monde.national)
    client.post(reverse("formation:equipe", args=[monde.a1.pk]), {"agent": monde.nouveau_a1.pk, "session": session.pk})
    assert Inscription.objects.filter(session=session, agent=monde.nouveau_a1).exists()


# — le département —


def test_departement_sites_sous_le_seuil_en_tete(client, monde):
    html = get(client, monde.prefecture_a, "departement", "01").content.decode()
    # a2 : aucun agent formé ; a1 : deux agents formés.
    assert html.index(monde.a2.nom) < html.index(monde.a1.nom)
    assert "1 structure labellisée sur 2 avec moins de 2 agents formés" in html


@pytest.mark.parametrize(
    "personne", ["prefecture_a", "auditeur_a", "gestionnaire_a1", "conseiller_a1", "referent_caf_a"]
)
def test_departement_hors_perimetre_refuse(client, monde, personne):
    assert get(client, getattr(monde, personne), "departement", "02").status_code == 404


# — les sessions : planifier, saisir la présence —


def test_planifier_une_session_national_seulement(client, monde):
    donnees = {
        "module": module("metier-caf").pk,
        "debut": "2099-03-02",
        "fin": "2099-03-02",
        "lieu": "Préfecture de l'Ain, Bourg-en-Bresse",
        "departement": monde.dep_a.pk,
        "organisme_formateur": "CAF de l'Ain",
        "capacite": "12",
    }
    for personne in ("prefecture_a", "gestionnaire_a1", "auditeur_national", "staff"):
        connecter(client, getattr(monde, personne))
        assert client.get(reverse("formation:session_nouvelle")).status_code == 403
        assert client.post(reverse("formation:session_nouvelle"), donnees).status_code == 403
    assert not Session.objects.filter(organisme_formateur="CAF de l'Ain").exists()
    connecter(client, monde.national)
    reponse = client.post(reverse("formation:session_nouvelle"), donnees)
    session = Session.objects.get(organisme_formateur="CAF de l'Ain")
    assert reponse["Location"] == reverse("formation:session", args=[session.pk])
    assert session.creee_par == monde.national and session.module.code == "metier-caf"


@pytest.mark.parametrize(
    "changement, champ, message",
    [
        ({"lieu": ""}, "lieu", "Indiquez le lieu"),
        ({"debut": "2020-01-01", "fin": "2020-01-01"}, "debut", "Le premier jour est passé"),
        ({"fin": "2099-03-01"}, "fin", "Le dernier jour précède le premier"),
        ({"capacite": "0"}, "capacite", "au moins une place"),
    ],
)
def test_planifier_une_session_erreurs_nommees(client, monde, changement, champ, message):
    donnees = {
        "module": module("socle-accueil").pk,
        "debut": "2099-03-02",
        "fin": "2099-03-03",
        "lieu": "Bourg-en-Bresse",
        "organisme_formateur": "CNFPT",
        "capacite": "12",
    } | changement
    connecter(client, monde.national)
    reponse = client.post(reverse("formation:session_nouvelle"), donnees)
    assert reponse.status_code == 200
    erreurs = reponse.context["form"].errors
    assert champ in erreurs and message in " ".join(erreurs[champ])
    assert not Session.objects.filter(organisme_formateur="CNFPT").exists()


def test_a_distance_sans_lieu_accepte(client, monde):
    connecter(client, monde.national)
    client.post(
        reverse("formation:session_nouvelle"),
        {
            "module": module("socle-mooc").pk,
            "debut": "2099-03-02",
            "fin": "2099-03-02",
            "a_distance": "on",
            "lieu": "",
            "organisme_formateur": "ANCT",
            "capacite": "200",
        },
    )
    assert Session.objects.get(organisme_formateur="ANCT").ou == "À distance"


def test_saisir_la_presence_et_l_agent_devient_forme(client, monde):
    former(monde.nouveau_a1, monde.a1, sauf=["metier-caf"])
    session = SessionFactory(module=module("metier-caf"), passee=True)
    inscription = InscriptionFactory(session=session, agent=monde.nouveau_a1, structure=monde.a1)
    url = reverse("formation:session", args=[session.pk])

    # Ni le responsable, ni la préfecture ne saisissent la présence.
    for personne in ("gestionnaire_a1", "prefecture_a"):
        connecter(client, getattr(monde, personne))
        assert client.post(url, {f"presence_{inscription.pk}": "present"}).status_code == 403
    inscription.refresh_from_db()
    assert inscription.presence == Presence.INSCRIT

    connecter(client, monde.national)
    assert f'name="presence_{inscription.pk}"' in client.get(url).content.decode()
    reponse = client.post(url, {f"presence_{inscription.pk}": "present", f"demi_{inscription.pk}": ""})
    assert reponse.status_code == 302
    inscription.refresh_from_db()
    assert (inscription.presence, inscription.demi_journees_presentes) == (Presence.PRESENT, Decimal("0.5"))
    assert get(client, monde.gestionnaire_a1, "attestation", monde.nouveau_a1.pk).status_code == 200


def test_presence_partielle_invalide_nommee(client, monde):
    session = SessionFactory(module=module("socle-accueil"), passee=True)
    inscription = InscriptionFactory(session=session, agent=monde.nouveau_a1, structure=monde.a1)
    connecter(client, monde.national)
    reponse = client.post(
        reverse("formation:session", args=[session.pk]),
        {f"presence_{inscription.pk}": "partiel", f"demi_{inscription.pk}": "5"},
    )
    assert reponse.status_code == 200
    assert "Une présence partielle compte de 0,5 à moins de 2" in reponse.content.decode()
    inscription.refresh_from_db()
    assert inscription.presence == Presence.INSCRIT


def test_session_les_inscrits_des_autres_structures_ne_sont_pas_montres(client, monde):
    session = SessionFactory()
    InscriptionFactory(session=session, agent=monde.nouveau_a1, structure=monde.a1)
    InscriptionFactory(session=session, agent=monde.conseiller_b, structure=monde.b)
    html = get(client, monde.gestionnaire_a1, "session", session.pk).content.decode()
    assert "Nouveau" in html and monde.conseiller_b.last_name not in html
    html = get(client, monde.national, "session", session.pk).content.decode()
    assert "Nouveau" in html and monde.conseiller_b.last_name in html


def test_sessions_refusees_sans_role(client, monde):
    session = SessionFactory()
    assert get(client, monde.sans_role, "sessions").status_code == 403
    assert get(client, monde.referent_caf_a, "session", session.pk).status_code == 403
