import pytest
from django.conf import settings
from django.urls import reverse

from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

CONNEXION = reverse("comptes:connexion")


@pytest.fixture
def conseiller():
    return HabilitationFactory(conseiller=True, utilisateur__email="agent@example.fr").utilisateur


def test_page_de_connexion_dsfr(client):
    reponse = client.get(CONNEXION)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert 'name="username"' in contenu and 'type="email"' in contenu
    assert "Adresse e-mail" in contenu
    assert 'class="fr-input' in contenu


def test_connexion_reussie_mene_a_l_espace(client, conseiller):
    reponse = client.post(CONNEXION, {"username": "agent@example.fr", "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert reponse.url == reverse("comptes:espace")
    # Un conseiller arrive sur son bureau.
    assert client.get(reponse.url, follow=True).redirect_chain[-1][0] == reverse("bureau:accueil")


def test_connexion_insensible_a_la_casse_de_l_adresse(client, conseiller):
    reponse = client.post(CONNEXION, {"username": " Agent@Example.FR", "password": MOT_DE_PASSE})
    assert reponse.status_code == 302


def test_connexion_suit_next_local_seulement(client, conseiller):
    reponse = client.post(
        CONNEXION, {"username": "agent@example.fr", "password": MOT_DE_PASSE, "next": "/espace/structures/"}
    )
    assert reponse.url == "/espace/structures/"
    client.logout()
    reponse = client.post(
        CONNEXION,
        {"username": "agent@example.fr", "password": MOT_DE_PASSE, "next": "https://pirate.example/"},
    )
    assert reponse.url == reverse("comptes:espace")


def test_mauvais_mot_de_passe(client, conseiller):
    reponse = client.post(CONNEXION, {"username": "agent@example.fr", "password": "faux"})
    assert reponse.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_compte_inconnu_meme_message(client):
    reponse = client.post(CONNEXION, {"username": "inconnu@example.fr", "password": "faux"})
    assert "Adresse e-mail ou mot de passe incorrect." in reponse.content.decode()


def test_compte_desactive_refuse(client):
    UtilisateurFactory(email="parti@example.fr", is_active=False)
    reponse = client.post(CONNEXION, {"username": "parti@example.fr", "password": MOT_DE_PASSE})
    assert reponse.status_code == 200
    assert "_auth_user_id" not in client.session


def test_blocage_apres_trop_d_echecs(client, conseiller):
    limite = settings.AXES_FAILURE_LIMIT
    for _ in range(limite - 1):
        reponse = client.post(CONNEXION, {"username": "agent@example.fr", "password": "faux"})
        assert reponse.status_code == 200
    reponse = client.post(CONNEXION, {"username": "agent@example.fr", "password": "faux"})
    assert reponse.status_code == 429
    assert "comptes/bloque.html" in [t.name for t in reponse.templates]
    contenu = reponse.content.decode()
    assert "Trop de tentatives de connexion" in contenu
    assert "15 minutes" in contenu

    # Même le bon mot de passe est refusé pendant le blocage.
    reponse = client.post(CONNEXION, {"username": "agent@example.fr", "password": MOT_DE_PASSE})
    assert reponse.status_code == 429
    assert "_auth_user_id" not in client.session


def test_blocage_par_adresse_e_mail_insensible_a_la_casse(client, conseiller):
    for i in range(settings.AXES_FAILURE_LIMIT):
        email = "AGENT@example.fr" if i % 2 else "agent@example.fr"
        reponse = client.post(CONNEXION, {"username": email, "password": "faux"})
    assert reponse.status_code == 429


def test_deconnexion_par_post(client, conseiller):
    client.post(CONNEXION, {"username": "agent@example.fr", "password": MOT_DE_PASSE})
    assert client.get(reverse("comptes:deconnexion")).status_code == 405
    reponse = client.post(reverse("comptes:deconnexion"))
    assert reponse.status_code == 302
    assert reponse.url == reverse("accueil")
    assert "_auth_user_id" not in client.session


def test_mot_de_passe_hache_en_argon2(settings):
    # Les tests remplacent le hacheur par MD5 pour la vitesse : on rétablit celui du projet.
    from guichet import settings as reglages

    settings.PASSWORD_HASHERS = reglages.PASSWORD_HASHERS
    user = UtilisateurFactory()
    user.set_password("un mot de passe solide 2026")
    assert user.password.startswith("argon2")
    assert user.check_password("un mot de passe solide 2026")


def test_espace_exige_une_connexion(client):
    reponse = client.get(reverse("comptes:espace"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(CONNEXION)
