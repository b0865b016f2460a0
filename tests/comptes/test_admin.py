import pytest
from django.contrib import admin
from django.urls import reverse

from guichet.comptes.models import Habilitation, Invitation, Utilisateur
from guichet.reseau.models import Operateur, Structure
from guichet.territoires.models import Commune, Departement
from tests.comptes.conftest import connecter
from tests.comptes.factories import InvitationFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_connecte(client):
    superuser = UtilisateurFactory(email="admin@example.fr", is_staff=True, is_superuser=True)
    return connecter(client, superuser)


@pytest.mark.parametrize("modele", [Utilisateur, Habilitation, Invitation, Structure, Operateur, Commune, Departement])
def test_listes_et_fiches_de_l_admin(admin_connecte, monde, modele):
    InvitationFactory(structure=monde.a1)
    prefixe = f"admin:{modele._meta.app_label}_{modele._meta.model_name}"
    assert admin.site.is_registered(modele)
    assert admin_connecte.get(reverse(f"{prefixe}_changelist"), {"q": "a"}).status_code == 200
    objet = modele.objects.first()
    assert admin_connecte.get(reverse(f"{prefixe}_change", args=[objet.pk])).status_code == 200


def test_ajout_d_un_utilisateur_par_e_mail(admin_connecte):
    reponse = admin_connecte.post(
        reverse("admin:comptes_utilisateur_add"),
        {
            "email": "Nouvelle@Example.fr",
            "usable_password": "true",
            "password1": "Une phrase de passe solide 2026 !",
            "password2": "Une phrase de passe solide 2026 !",
        },
    )
    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    assert Utilisateur.objects.filter(email="nouvelle@example.fr").exists()


def test_le_jeton_d_invitation_n_est_pas_affiche(admin_connecte, monde):
    invitation = InvitationFactory(structure=monde.a1)
    contenu = admin_connecte.get(reverse("admin:comptes_invitation_change", args=[invitation.pk])).content.decode()
    assert invitation.jeton not in contenu


def test_territoires_en_lecture(admin_connecte, monde):
    assert admin_connecte.get(reverse("admin:territoires_commune_add")).status_code == 403
    assert admin_connecte.get(reverse("admin:territoires_departement_add")).status_code == 403


def test_statut_en_lecture_seule_dans_l_admin(admin_connecte, monde):
    contenu = admin_connecte.get(reverse("admin:reseau_structure_change", args=[monde.a1.pk])).content.decode()
    assert 'name="statut"' not in contenu
    assert 'name="creneaux-TOTAL_FORMS"' in contenu
    assert 'name="passages-TOTAL_FORMS"' in contenu


def test_administration_en_francais_et_structures_par_pages(admin_connecte, monde):
    page = admin_connecte.get(reverse("admin:index")).content.decode()
    assert "Administration de guichet France Services" in page and "Django administration" not in page
    for nom in ("Tâches de fond", "Résultats des tâches de fond", "Double authentification", "Échecs de connexion"):
        assert nom in page
    assert "Task Results" not in page and "TOTP devices" not in page and "Otp_Totp" not in page
    assert admin.site._registry[Structure].list_per_page == 50


def test_apres_le_second_facteur_l_administrateur_arrive_ou_il_allait(client, db):
    from django_otp.oath import totp

    from tests.comptes.factories import MOT_DE_PASSE, TOTPDeviceFactory

    superuser = UtilisateurFactory(email="admin@example.fr", is_staff=True, is_superuser=True)
    appareil = TOTPDeviceFactory(user=superuser)
    voulue = reverse("admin:reseau_structure_changelist") + "?statut__exact=labellisee"
    connexion = client.get(voulue, follow=True)
    adresse_de_connexion = connexion.redirect_chain[-1][0]
    reponse = client.post(adresse_de_connexion, {"username": superuser.email, "password": MOT_DE_PASSE}, follow=True)
    assert reponse.redirect_chain[-1][0].startswith(reverse("comptes:double_facteur"))
    suite = reponse.context["suite"]
    reponse = client.post(reverse("comptes:double_facteur"), {"code": f"{totp(appareil.bin_key):06d}", "next": suite})
    assert reponse.status_code == 302 and reponse.url == voulue


def test_l_equipe_nationale_entre_dans_l_administration_pour_ce_qu_elle_gouverne(client, db):
    from guichet.comptes.models import Role
    from tests.comptes.conftest import connecter
    from tests.comptes.factories import HabilitationFactory, UtilisateurFactory

    national = UtilisateurFactory()
    HabilitationFactory(utilisateur=national, role=Role.NATIONAL)
    assert not national.is_staff
    connecter(client, national)
    index = client.get("/admin/")
    assert index.status_code == 200
    contenu = index.content.decode()
    assert "/admin/formation/parcours/" in contenu and "/admin/labellisation/referentiel/" in contenu
    assert "/admin/comptes/utilisateur/" not in contenu
    assert client.get("/admin/formation/parcours/").status_code == 200
    assert client.get("/admin/comptes/utilisateur/").status_code == 403
    conseiller = UtilisateurFactory()
    HabilitationFactory(utilisateur=conseiller, conseiller=True)
    connecter(client, conseiller)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/formation/parcours/").status_code == 302
