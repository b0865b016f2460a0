from urllib.parse import quote

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.comptes import services
from guichet.comptes.models import CodeEnrolement, Role
from tests.comptes.conftest import connecter
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, TOTPDeviceFactory

pytestmark = pytest.mark.django_db

DOUBLE_FACTEUR = reverse("comptes:double_facteur")


def code(appareil, decalage=0):
    """Le code que l'application afficherait maintenant (ou `decalage` pas de 30 s plus tard)."""
    return f"{totp(appareil.bin_key, t0=-decalage * appareil.step):06d}"


def faux_code(appareil):
    bons = {code(appareil, d) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in bons)


@pytest.fixture
def national():
    return HabilitationFactory(role=Role.NATIONAL, utilisateur__email="anct@example.fr").utilisateur


@pytest.fixture(autouse=True)
def _sans_attente(settings):
    # Sans quoi django-otp impose 1 s d'attente après un code faux.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("role", [Role.NATIONAL, Role.PREFECTURE, Role.REFERENT])
def test_roles_sensibles_renvoyes_vers_le_second_facteur(client, monde, role):
    user = {
        Role.NATIONAL: monde.national,
        Role.PREFECTURE: monde.prefecture_a,
        Role.REFERENT: monde.referent_caf_a,
    }[role]
    connecter(client, user, verifie=False)
    for url in (
        reverse("comptes:espace"),
        reverse("gestion:liste"),
        reverse("gestion:structure", args=[monde.a1.pk]),
    ):
        reponse = client.get(url)
        assert reponse.status_code == 302, url
        assert reponse.url == f"{DOUBLE_FACTEUR}?next={quote(url, safe='')}"
    # Pas de contournement par POST non plus.
    reponse = client.post(reverse("gestion:statut", args=[monde.a1.pk]), {"statut": "fermee", "date": "2026-01-01"})
    assert reponse.status_code == 302
    monde.a1.refresh_from_db()
    assert monde.a1.statut == "labellisee"


def test_next_garde_la_chaine_de_requete(client, national):
    connecter(client, national, verifie=False)
    reponse = client.get(reverse("gestion:liste") + "?statut=suspendue&page=2")
    assert reponse.url == f"{DOUBLE_FACTEUR}?next=%2Fespace%2Fstructures%2F%3Fstatut%3Dsuspendue%26page%3D2"


@pytest.mark.parametrize("personne", ["gestionnaire_a1", "conseiller_a1", "sans_role"])
def test_autres_roles_sans_second_facteur(client, monde, personne):
    connecter(client, getattr(monde, personne), verifie=False)
    assert client.get(reverse("comptes:espace"), follow=True).status_code == 200


def test_connexion_par_mot_de_passe_puis_code(client, national):
    reponse = client.post(reverse("comptes:connexion"), {"username": "anct@example.fr", "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert reponse.url == f"{DOUBLE_FACTEUR}?next={quote(reverse('comptes:espace'), safe='')}"

    appareil = TOTPDeviceFactory(user=national)
    page = client.get(reponse.url)
    assert page.status_code == 200
    assert "<svg" not in page.content.decode()  # appareil déjà confirmé : pas de QR code

    reponse = client.post(DOUBLE_FACTEUR, {"code": code(appareil), "next": reverse("gestion:liste")})
    assert reponse.status_code == 302
    assert reponse.url == reverse("gestion:liste")
    assert client.get(reverse("gestion:liste")).status_code == 200
    assert client.get(reverse("comptes:espace")).status_code == 200


def test_enrolement_qr_code_et_premier_code(client, national):
    code_enrolement, _ = services.creer_code_enrolement(national)
    connecter(client, national, verifie=False)
    page = client.get(DOUBLE_FACTEUR + "?next=/espace/structures/")
    assert page.context["etape"] == "code" and "<svg" not in page.content.decode()
    assert not TOTPDevice.objects.filter(user=national).exists()
    reponse = client.post(DOUBLE_FACTEUR, {"code_enrolement": code_enrolement.lower(), "next": "/espace/structures/"})
    assert reponse.status_code == 302
    page = client.get(reponse.url)
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "<svg" in contenu and 'role="img"' in contenu
    appareil = TOTPDevice.objects.get(user=national)
    assert not appareil.confirmed
    assert page.context["secret"].replace(" ", "") in contenu.replace(" ", "")

    # Un code faux : message clair, rien de perdu (même secret, même appareil, next conservé).
    reponse = client.post(DOUBLE_FACTEUR, {"code": faux_code(appareil), "next": "/espace/structures/"})
    assert reponse.status_code == 200
    assert "Ce code n&#x27;est pas valide." in reponse.content.decode()
    assert reponse.context["secret"] == page.context["secret"]
    assert 'value="/espace/structures/"' in reponse.content.decode()
    assert TOTPDevice.objects.filter(user=national).count() == 1
    assert client.get(reverse("comptes:espace")).status_code == 302

    # Recharger la page ne change pas non plus le secret.
    assert client.get(DOUBLE_FACTEUR).context["secret"] == page.context["secret"]

    appareil.refresh_from_db()
    reponse = client.post(DOUBLE_FACTEUR, {"code": code(appareil), "next": "/espace/structures/"})
    assert reponse.status_code == 302
    assert reponse.url == "/espace/structures/"
    appareil.refresh_from_db()
    assert appareil.confirmed
    assert client.get(reverse("comptes:espace")).status_code == 200


def test_code_avec_espace_accepte(client, national):
    connecter(client, national, verifie=False)
    appareil = TOTPDeviceFactory(user=national)
    bon = code(appareil)
    reponse = client.post(DOUBLE_FACTEUR, {"code": f"{bon[:3]} {bon[3:]}"})
    assert reponse.status_code == 302


def test_code_mal_forme(client, national):
    connecter(client, national, verifie=False)
    TOTPDeviceFactory(user=national)
    reponse = client.post(DOUBLE_FACTEUR, {"code": "12ab56"})
    assert reponse.status_code == 200
    assert "Saisissez les 6 chiffres du code" in reponse.content.decode()


def test_un_code_ne_sert_qu_une_fois(client, national):
    appareil = TOTPDeviceFactory(user=national)
    bon = code(appareil)
    connecter(client, national, verifie=False)
    assert client.post(DOUBLE_FACTEUR, {"code": bon}).status_code == 302
    client.logout()
    connecter(client, national, verifie=False)
    reponse = client.post(DOUBLE_FACTEUR, {"code": bon})
    assert reponse.status_code == 200


def test_trop_d_essais_ralentis(client, national, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    connecter(client, national, verifie=False)
    appareil = TOTPDeviceFactory(user=national)
    client.post(DOUBLE_FACTEUR, {"code": faux_code(appareil)})
    appareil.refresh_from_db()
    reponse = client.post(DOUBLE_FACTEUR, {"code": code(appareil)})
    assert reponse.status_code == 200
    assert "Trop de codes erronés" in reponse.content.decode()


def test_next_externe_ignore(client, national):
    connecter(client, national, verifie=False)
    appareil = TOTPDeviceFactory(user=national)
    reponse = client.post(DOUBLE_FACTEUR, {"code": code(appareil), "next": "https://pirate.example/"})
    assert reponse.url == reverse("comptes:espace")


def test_code_d_un_autre_compte_refuse(client, national):
    autre = HabilitationFactory(role=Role.NATIONAL).utilisateur
    appareil_autre = TOTPDeviceFactory(user=autre)
    appareil = TOTPDeviceFactory(user=national)
    connecter(client, national, verifie=False)
    mauvais = code(appareil_autre)
    if mauvais in {code(appareil, d) for d in (-1, 0, 1)}:  # pragma: no cover
        pytest.skip("les deux clés donnent le même code en ce moment, par hasard")
    reponse = client.post(DOUBLE_FACTEUR, {"code": mauvais})
    assert reponse.status_code == 200


def test_double_facteur_exige_une_connexion(client):
    reponse = client.get(DOUBLE_FACTEUR)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("comptes:connexion"))


def test_deconnexion_possible_avant_le_code(client, national):
    connecter(client, national, verifie=False)
    assert client.post(reverse("comptes:deconnexion")).status_code == 302
    assert "_auth_user_id" not in client.session


# Enrôlement : le mot de passe seul ne suffit pas


def _connexion_par_mot_de_passe(client, email):
    reponse = client.post(reverse("comptes:connexion"), {"username": email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    return reponse


def test_voleur_du_mot_de_passe_ne_peut_pas_enroler(client, national):
    """L'attaque : le mot de passe est connu, le compte n'a pas encore de second facteur. Sans code
    d'enrôlement, aucun secret n'est montré, aucun appareil ne se crée, rien d'autre ne s'ouvre."""
    services.creer_code_enrolement(national)  # remis à la vraie personne, que l'attaquant n'a pas
    _connexion_par_mot_de_passe(client, "anct@example.fr")
    page = client.get(DOUBLE_FACTEUR)
    contenu = page.content.decode()
    assert page.status_code == 200 and page.context["etape"] == "code"
    assert "<svg" not in contenu and "secret" not in page.context
    assert not TOTPDevice.objects.filter(user=national).exists()
    # Un code TOTP au hasard ou un faux code d'enrôlement ne mènent à rien.
    assert client.post(DOUBLE_FACTEUR, {"code": "123456"}).context["etape"] == "code"
    reponse = client.post(DOUBLE_FACTEUR, {"code_enrolement": "ABCD-EFGH-JKMN"})
    assert reponse.status_code == 200
    assert "n&#x27;est pas valable" in reponse.content.decode()
    assert not TOTPDevice.objects.filter(user=national).exists()
    assert client.get(reverse("gestion:liste")).status_code == 302
    assert client.get(reverse("comptes:espace")).status_code == 302


def test_sans_code_d_enrolement_du_tout(client, national):
    _connexion_par_mot_de_passe(client, "anct@example.fr")
    for _ in range(3):
        assert client.get(DOUBLE_FACTEUR).context["etape"] == "code"
    assert not TOTPDevice.objects.filter(user=national).exists()


def test_secret_en_cours_d_enrolement_invisible_d_une_autre_session(client, national):
    """La vraie personne a présenté son code ; l'attaquant, connecté à côté avec le mot de passe, ne voit
    ni son secret ni un autre : l'enrôlement est lié à la session qui a présenté le code."""
    from django.test import Client

    code_enrolement, _ = services.creer_code_enrolement(national)
    _connexion_par_mot_de_passe(client, "anct@example.fr")
    client.post(DOUBLE_FACTEUR, {"code_enrolement": code_enrolement})
    secret = client.get(DOUBLE_FACTEUR).context["secret"]

    attaquant = Client()
    _connexion_par_mot_de_passe(attaquant, "anct@example.fr")
    page = attaquant.get(DOUBLE_FACTEUR)
    assert page.context["etape"] == "code"
    assert secret.replace(" ", "") not in page.content.decode().replace(" ", "")
    # Le code d'enrôlement déjà utilisé ne sert pas une seconde fois.
    reponse = attaquant.post(DOUBLE_FACTEUR, {"code_enrolement": code_enrolement})
    assert reponse.status_code == 200 and reponse.context["etape"] == "code"


def test_code_d_enrolement_expire_ou_d_un_autre_compte(client, national):
    autre = HabilitationFactory(role=Role.NATIONAL).utilisateur
    code_autre, _ = services.creer_code_enrolement(autre)
    code_expire, objet = services.creer_code_enrolement(national)
    CodeEnrolement.objects.filter(pk=objet.pk).update(expire_le=objet.cree_le)
    connecter(client, national, verifie=False)
    for code_enrolement in (code_autre, code_expire):
        reponse = client.post(DOUBLE_FACTEUR, {"code_enrolement": code_enrolement})
        assert reponse.context["etape"] == "code"
    assert not TOTPDevice.objects.filter(user=national).exists()


def test_code_d_enrolement_epuise_apres_trop_d_erreurs(client, national):
    code_enrolement, _ = services.creer_code_enrolement(national)
    connecter(client, national, verifie=False)
    for _ in range(CodeEnrolement.ESSAIS_MAX):
        client.post(DOUBLE_FACTEUR, {"code_enrolement": "ZZZZ-ZZZZ-ZZZZ"})
    reponse = client.post(DOUBLE_FACTEUR, {"code_enrolement": code_enrolement})
    assert reponse.context["etape"] == "code"
    assert not TOTPDevice.objects.filter(user=national).exists()


def test_code_d_enrolement_mal_forme(client, national):
    connecter(client, national, verifie=False)
    reponse = client.post(DOUBLE_FACTEUR, {"code_enrolement": "ABC"})
    assert "Saisissez les 12 lettres et chiffres" in reponse.content.decode()


def test_nouveau_code_remplace_l_ancien_et_le_second_facteur(national):
    ancien, _ = services.creer_code_enrolement(national)
    TOTPDeviceFactory(user=national)
    services.creer_code_enrolement(national)
    assert not TOTPDevice.objects.filter(user=national).exists()
    assert CodeEnrolement.objects.valables().filter(utilisateur=national).count() == 1
    assert not CodeEnrolement.objects.valables().filter(empreinte=CodeEnrolement.empreinte_de(ancien)).exists()
    assert CodeEnrolement.objects.filter(utilisateur=national).count() == 2


def test_la_session_change_de_cle_quand_elle_devient_verifiee(client, national):
    """Fixation de session : la clé connue avant le second facteur ne vaut plus rien après."""
    from django.conf import settings
    from django.test import Client

    appareil = TOTPDeviceFactory(user=national)
    _connexion_par_mot_de_passe(client, "anct@example.fr")
    cle_avant = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(DOUBLE_FACTEUR, {"code": code(appareil)}).status_code == 302
    cle_apres = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cle_apres != cle_avant
    assert client.get(reverse("gestion:liste")).status_code == 200

    fixee = Client()
    fixee.cookies[settings.SESSION_COOKIE_NAME] = cle_avant
    reponse = fixee.get(reverse("gestion:liste"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("comptes:connexion"))


def test_la_session_change_de_cle_apres_l_enrolement(client, national):
    from django.conf import settings

    code_enrolement, _ = services.creer_code_enrolement(national)
    _connexion_par_mot_de_passe(client, "anct@example.fr")
    client.post(DOUBLE_FACTEUR, {"code_enrolement": code_enrolement})
    cle_avant = client.cookies[settings.SESSION_COOKIE_NAME].value
    appareil = TOTPDevice.objects.get(user=national)
    assert client.post(DOUBLE_FACTEUR, {"code": code(appareil)}).status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != cle_avant
    appareil.refresh_from_db()
    assert appareil.confirmed


def test_commande_code_enrolement(national, capsys):
    from django.core.management import CommandError, call_command

    call_command("code_enrolement", "ANCT@example.fr", "--wet-run")
    sortie = capsys.readouterr().out
    code_enrolement = sortie.split(" : ")[1].split()[0]
    objet = CodeEnrolement.objects.get(utilisateur=national)
    assert objet.empreinte == CodeEnrolement.empreinte_de(code_enrolement)
    assert code_enrolement not in str(objet.__dict__)  # seule l'empreinte est gardée

    TOTPDeviceFactory(user=national)
    with pytest.raises(CommandError, match="déjà un second facteur"):
        call_command("code_enrolement", "anct@example.fr", "--wet-run")
    call_command("code_enrolement", "anct@example.fr", "--reinitialiser", "--wet-run")
    assert not TOTPDevice.objects.filter(user=national).exists()
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("code_enrolement", "personne@example.fr")


def test_action_d_administration_code_enrolement(client, national):
    admin = HabilitationFactory(role=Role.NATIONAL, utilisateur__is_staff=True, utilisateur__is_superuser=True)
    connecter(client, admin.utilisateur)
    TOTPDeviceFactory(user=national)
    reponse = client.post(
        "/admin/comptes/utilisateur/",
        {"action": "code_enrolement", "_selected_action": [national.pk]},
        follow=True,
    )
    assert reponse.status_code == 200
    assert "Code d&#x27;enrôlement de anct@example.fr" in reponse.content.decode()
    assert CodeEnrolement.objects.valables().filter(utilisateur=national).exists()
    assert not TOTPDevice.objects.filter(user=national).exists()


def test_action_d_administration_refusee_sans_droit_de_modifier(client, national):
    equipe = HabilitationFactory(role=Role.NATIONAL, utilisateur__is_staff=True).utilisateur  # sans permission
    connecter(client, equipe)
    reponse = client.post(
        "/admin/comptes/utilisateur/", {"action": "code_enrolement", "_selected_action": [national.pk]}
    )
    assert reponse.status_code == 403
    assert not CodeEnrolement.objects.exists()
