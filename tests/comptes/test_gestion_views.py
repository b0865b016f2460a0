"""L'espace de gestion des structures : chaque porte refuse la mauvaise personne (403 ou 404)."""

import pytest
from django.urls import reverse

from guichet.comptes.models import Invitation, Role
from guichet.reseau.models import Creneau, ExceptionHoraire, HistoriqueStatut, Structure
from tests.comptes.factories import HabilitationFactory
from tests.comptes.monde import ATTENDU, TOUTES
from tests.reseau.factories import StructureFactory

pytestmark = pytest.mark.django_db

PERSONNES = sorted(set(ATTENDU) - {"inactif"})


def donnees_fiche(structure, **autres):
    donnees = {
        "nom": structure.nom,
        "adresse": "2 rue de la Poste",
        "complement_adresse": "",
        "code_postal": "01100",
        "email": "contact@example.fr",
        "telephone": "04 00 00 00 00",
        "poste_libre_acces": "on",
        "accessible_pmr": "on",
        "creneaux-TOTAL_FORMS": "0",
        "creneaux-INITIAL_FORMS": "0",
        "exceptions-TOTAL_FORMS": "0",
        "exceptions-INITIAL_FORMS": "0",
    }
    donnees.update(autres)
    return donnees


def statut_attendu(autorise, visible):
    if not visible:
        return 404
    return 200 if autorise else 403


@pytest.mark.parametrize("personne", PERSONNES)
def test_chaque_vue_refuse_hors_perimetre(monde, connecte, personne):
    user = getattr(monde, personne)
    client = connecte(user)
    visibles, modifiables, statut, invitations = ATTENDU[personne]
    ecarts = []

    def verifier(methode, nom_url, structure, attendu, donnees=None):
        url = reverse(nom_url, args=[structure.pk])
        reponse = getattr(client, methode)(url, donnees or {})
        obtenu = reponse.status_code
        if methode == "post" and attendu == 200:
            attendu = obtenu if obtenu in (200, 302) else 200  # autorisé : formulaire valide ou non
        if obtenu != attendu:
            ecarts.append(f"{methode.upper()} {nom_url} {nom_structure} : {obtenu} au lieu de {attendu}")

    for nom_structure in sorted(TOUTES):
        structure = getattr(monde, nom_structure)
        visible = nom_structure in visibles
        verifier("get", "gestion:structure", structure, statut_attendu(True, visible))
        verifier("get", "gestion:agents", structure, statut_attendu(True, visible))
        verifier("get", "gestion:modifier", structure, statut_attendu(nom_structure in modifiables, visible))
        verifier("get", "gestion:statut", structure, statut_attendu(nom_structure in statut, visible))
        verifier("get", "gestion:inviter", structure, statut_attendu(nom_structure in invitations, visible))

        # Les POST refusés ne changent rien.
        if nom_structure not in modifiables:
            verifier(
                "post",
                "gestion:modifier",
                structure,
                statut_attendu(False, visible),
                donnees_fiche(structure, nom="Piraté"),
            )
        if nom_structure not in statut:
            verifier(
                "post",
                "gestion:statut",
                structure,
                statut_attendu(False, visible),
                {"statut": "fermee", "date": "2026-01-01"},
            )
        if nom_structure not in invitations:
            verifier(
                "post",
                "gestion:inviter",
                structure,
                statut_attendu(False, visible),
                {"email": "intrus@example.fr", "role": "gestionnaire"},
            )

    assert ecarts == []
    assert not Structure.objects.filter(nom="Piraté").exists()
    assert not HistoriqueStatut.objects.exists()
    assert not Invitation.objects.filter(email="intrus@example.fr").exists()


@pytest.mark.parametrize(
    "nom_url",
    ["gestion:structure", "gestion:modifier", "gestion:statut", "gestion:agents", "gestion:inviter"],
)
@pytest.mark.parametrize("methode", ["get", "post"])
def test_anonyme_renvoye_a_la_connexion(client, monde, nom_url, methode):
    reponse = getattr(client, methode)(reverse(nom_url, args=[monde.a1.pk]))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("comptes:connexion"))


def test_structure_inexistante_404(monde, connecte):
    client = connecte(monde.national)
    assert client.get(reverse("gestion:structure", args=[999_999])).status_code == 404


def test_liste_ne_montre_que_le_perimetre(monde, connecte):
    client = connecte(monde.prefecture_a)
    reponse = client.get(reverse("gestion:liste"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "France services A1" in contenu
    assert "France services A2" in contenu
    assert "France services B" not in contenu
    assert contenu.count(">Modifier</a>") == 2


def test_liste_conseiller_sans_lien_modifier(monde, connecte):
    contenu = connecte(monde.conseiller_a1).get(reverse("gestion:liste")).content.decode()
    assert "France services A1" in contenu
    assert "France services A2" not in contenu
    assert ">Modifier</a>" not in contenu


def test_liste_sans_role_vide(monde, connecte):
    reponse = connecte(monde.sans_role).get(reverse("gestion:liste"))
    assert reponse.status_code == 200
    assert "France services" not in reponse.content.decode().split("<main", 1)[1].split("</main>")[0].replace(
        "guichet France Services", ""
    )


def test_liste_filtre_departement_et_statut(monde, connecte):
    monde.a2.changer_statut(Structure.Statut.SUSPENDUE)
    client = connecte(monde.national)
    contenu = client.get(reverse("gestion:liste"), {"departement": monde.dep_b.pk}).content.decode()
    assert "France services B" in contenu and "France services A1" not in contenu
    contenu = client.get(reverse("gestion:liste"), {"statut": "suspendue"}).content.decode()
    assert "France services A2" in contenu and "France services A1" not in contenu


def test_liste_filtre_hors_perimetre_sans_effet(monde, connecte):
    # Filtrer sur un département qu'on ne voit pas ne montre rien de plus.
    contenu = connecte(monde.prefecture_a).get(reverse("gestion:liste"), {"departement": monde.dep_b.pk})
    assert "France services B" not in contenu.content.decode()


def test_liste_paginee(monde, connecte):
    for _ in range(30):
        StructureFactory(commune=monde.a1.commune)
    client = connecte(monde.prefecture_a)
    page1 = client.get(reverse("gestion:liste"))
    assert page1.context["page_obj"].paginator.count == 32
    assert len(page1.context["page_obj"].object_list) == 25
    page2 = client.get(reverse("gestion:liste"), {"page": 2})
    assert len(page2.context["page_obj"].object_list) == 7


def test_liste_nombre_de_requetes_constant(monde, connecte):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = connecte(monde.prefecture_a)
    client.get(reverse("gestion:liste"))

    def requetes():
        with CaptureQueriesContext(connection) as contexte:
            assert client.get(reverse("gestion:liste")).status_code == 200
        return len(contexte)

    avant = requetes()
    for _ in range(20):
        StructureFactory(commune=monde.a1.commune)
    assert requetes() == avant


def test_modifier_fiche_horaires_et_exceptions(monde, connecte):
    client = connecte(monde.gestionnaire_a1)
    donnees = donnees_fiche(
        monde.a1,
        nom="France services A1 rénovée",
        operateurs=[monde.caf.pk, monde.cpam.pk],
        **{
            "creneaux-TOTAL_FORMS": "2",
            "creneaux-0-jour": "0",
            "creneaux-0-debut": "09:00",
            "creneaux-0-fin": "12:00",
            "creneaux-1-jour": "0",
            "creneaux-1-debut": "14:00",
            "creneaux-1-fin": "17:30",
            "creneaux-1-sur_rdv": "on",
            "exceptions-TOTAL_FORMS": "1",
            "exceptions-0-date_debut": "2099-08-01",
            "exceptions-0-date_fin": "2099-08-15",
            "exceptions-0-ferme": "on",
            "exceptions-0-motif": "Congés d'été",
        },
    )
    reponse = client.post(reverse("gestion:modifier", args=[monde.a1.pk]), donnees)
    assert reponse.status_code == 302, reponse.context and reponse.context["fiche"].form.errors
    monde.a1.refresh_from_db()
    assert monde.a1.nom == "France services A1 rénovée"
    assert monde.a1.poste_libre_acces and monde.a1.accessible_pmr and not monde.a1.poste_webcam
    assert set(monde.a1.operateurs.all()) == {monde.caf, monde.cpam}
    assert [str(c) for c in monde.a1.creneaux.all()] == ["lundi 09:00–12:00", "lundi 14:00–17:30"]
    assert monde.a1.exceptions.get().motif == "Congés d'été"


def test_modifier_page_affiche_les_formulaires(monde, connecte):
    Creneau.objects.create(structure=monde.a1, jour=1, debut="09:00", fin="12:00")
    reponse = connecte(monde.gestionnaire_a1).get(reverse("gestion:modifier", args=[monde.a1.pk]))
    contenu = reponse.content.decode()
    assert 'name="creneaux-0-debut"' in contenu
    assert 'value="09:00"' in contenu
    assert "fr-input" in contenu
    assert "Mission locale de l&#x27;Aisne" not in contenu  # partenaire local d'un autre département


def test_modifier_supprimer_un_creneau(monde, connecte):
    creneau = Creneau.objects.create(structure=monde.a1, jour=1, debut="09:00", fin="12:00")
    donnees = donnees_fiche(
        monde.a1,
        **{
            "creneaux-TOTAL_FORMS": "1",
            "creneaux-INITIAL_FORMS": "1",
            "creneaux-0-id": str(creneau.pk),
            "creneaux-0-structure": str(monde.a1.pk),
            "creneaux-0-jour": "1",
            "creneaux-0-debut": "09:00",
            "creneaux-0-fin": "12:00",
            "creneaux-0-DELETE": "on",
        },
    )
    reponse = connecte(monde.gestionnaire_a1).post(reverse("gestion:modifier", args=[monde.a1.pk]), donnees)
    assert reponse.status_code == 302
    assert not monde.a1.creneaux.exists()


def test_modifier_creneau_a_l_envers_refuse(monde, connecte):
    donnees = donnees_fiche(
        monde.a1,
        **{
            "creneaux-TOTAL_FORMS": "1",
            "creneaux-0-jour": "0",
            "creneaux-0-debut": "12:00",
            "creneaux-0-fin": "09:00",
        },
    )
    reponse = connecte(monde.gestionnaire_a1).post(reverse("gestion:modifier", args=[monde.a1.pk]), donnees)
    assert reponse.status_code == 200
    assert "L&#x27;heure de fin doit suivre l&#x27;heure de début." in reponse.content.decode()
    assert not monde.a1.creneaux.exists()


def test_modifier_creneaux_qui_se_chevauchent_refuses(monde, connecte):
    donnees = donnees_fiche(
        monde.a1,
        **{
            "creneaux-TOTAL_FORMS": "2",
            "creneaux-0-jour": "2",
            "creneaux-0-debut": "09:00",
            "creneaux-0-fin": "12:00",
            "creneaux-1-jour": "2",
            "creneaux-1-debut": "11:00",
            "creneaux-1-fin": "13:00",
        },
    )
    reponse = connecte(monde.gestionnaire_a1).post(reverse("gestion:modifier", args=[monde.a1.pk]), donnees)
    assert reponse.status_code == 200
    assert "Deux créneaux du mercredi se chevauchent." in reponse.content.decode()
    assert not monde.a1.creneaux.exists()


def test_modifier_exception_ouverte_sans_horaires_refusee(monde, connecte):
    donnees = donnees_fiche(
        monde.a1,
        **{
            "exceptions-TOTAL_FORMS": "1",
            "exceptions-0-date_debut": "2099-07-01",
            "exceptions-0-date_fin": "2099-07-31",
            "exceptions-0-motif": "Horaires d'été",
        },
    )
    reponse = connecte(monde.gestionnaire_a1).post(reverse("gestion:modifier", args=[monde.a1.pk]), donnees)
    assert reponse.status_code == 200
    assert not ExceptionHoraire.objects.exists()


def test_modifier_operateur_local_d_un_autre_departement_refuse(monde, connecte):
    donnees = donnees_fiche(monde.a1, operateurs=[monde.local_b.pk])
    reponse = connecte(monde.gestionnaire_a1).post(reverse("gestion:modifier", args=[monde.a1.pk]), donnees)
    assert reponse.status_code == 200
    assert monde.local_b not in monde.a1.operateurs.all()


def test_modifier_ne_change_ni_commune_ni_statut(monde, connecte):
    commune_b = monde.b.commune
    donnees = donnees_fiche(monde.a1, commune=commune_b.pk, statut="fermee")
    connecte(monde.gestionnaire_a1).post(reverse("gestion:modifier", args=[monde.a1.pk]), donnees)
    monde.a1.refresh_from_db()
    assert monde.a1.commune_id != commune_b.pk
    assert monde.a1.statut == Structure.Statut.LABELLISEE


def test_prefecture_change_le_statut_avec_historique(monde, connecte):
    client = connecte(monde.prefecture_a)
    reponse = client.post(
        reverse("gestion:statut", args=[monde.a2.pk]),
        {"statut": "suspendue", "date": "2026-03-01", "commentaire": "Un seul agent formé"},
    )
    assert reponse.status_code == 302
    monde.a2.refresh_from_db()
    assert monde.a2.statut == Structure.Statut.SUSPENDUE
    changement = monde.a2.historique.get()
    assert changement.auteur == monde.prefecture_a
    assert str(changement.date) == "2026-03-01"
    assert changement.commentaire == "Un seul agent formé"


def test_statut_identique_refuse(monde, connecte):
    reponse = connecte(monde.national).post(
        reverse("gestion:statut", args=[monde.b.pk]), {"statut": "labellisee", "date": "2026-03-01"}
    )
    assert reponse.status_code == 200
    assert "La structure a déjà ce statut." in reponse.content.decode()
    assert not HistoriqueStatut.objects.exists()


def test_page_structure_montre_les_actions_permises(monde, connecte):
    contenu = connecte(monde.gestionnaire_a1).get(reverse("gestion:structure", args=[monde.a1.pk])).content.decode()
    assert reverse("gestion:modifier", args=[monde.a1.pk]) in contenu
    assert reverse("gestion:statut", args=[monde.a1.pk]) not in contenu

    contenu = connecte(monde.conseiller_a1).get(reverse("gestion:structure", args=[monde.a1.pk])).content.decode()
    assert reverse("gestion:modifier", args=[monde.a1.pk]) not in contenu


def test_equipe_de_la_structure(monde, connecte):
    autre = HabilitationFactory(role=Role.CONSEILLER, structure=monde.b)
    reponse = connecte(monde.gestionnaire_a1).get(reverse("gestion:agents", args=[monde.a1.pk]))
    contenu = reponse.content.decode()
    assert "gestionnaire-a1@example.fr" in contenu
    assert "conseiller-a1@example.fr" in contenu
    assert autre.utilisateur.email not in contenu
    assert "Inviter une personne" in contenu


def test_equipe_vue_par_un_conseiller_sans_invitations(monde, connecte):
    Invitation.objects.create(email="secret@example.fr", structure=monde.a1, invite_par=monde.gestionnaire_a1)
    contenu = connecte(monde.conseiller_a1).get(reverse("gestion:agents", args=[monde.a1.pk])).content.decode()
    assert "gestionnaire-a1@example.fr" in contenu
    assert "Inviter une personne" not in contenu
    assert "secret@example.fr" not in contenu
