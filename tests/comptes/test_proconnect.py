"""La connexion par ProConnect, de bout en bout contre un vrai fournisseur OpenID Connect lancé sur 127.0.0.1 :
le compte est retrouvé par son e-mail vérifié, jamais créé ; un état ou un nonce faux, un jeton expiré, une
identité inconnue ou un compte désactivé sont refusés ; le second facteur affirmé par ProConnect (`acr`)
dispense du code TOTP, sinon il est demandé."""

from urllib.parse import urlsplit

import pytest
import requests

from guichet.comptes.models import Role, Utilisateur
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.comptes.fournisseur_oidc import CLIENT_ID, CLIENT_SECRET, FournisseurOIDC

RETOUR = "http://testserver/comptes/proconnect/retour/"


@pytest.fixture(scope="module")
def fournisseur():
    f = FournisseurOIDC(RETOUR)
    yield f
    f.arreter()


@pytest.fixture
def proconnect(settings, fournisseur):
    settings.PROCONNECT_ACTIF = True
    settings.PROCONNECT_EMETTEUR = fournisseur.url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{fournisseur.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{fournisseur.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{fournisseur.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{fournisseur.url}/jwks"
    settings.OIDC_RP_SCOPES = "openid email"
    settings.OIDC_VERIFY_SSL = str(fournisseur.certificat)  # le certificat autosigné du fournisseur de test
    fournisseur.acr = "eidas1"
    fournisseur.nonce_force = None
    fournisseur.duree_jeton = 600
    return fournisseur


def _agent(role=Role.CONSEILLER, **kwargs):
    user = UtilisateurFactory()
    if role == Role.CONSEILLER:
        HabilitationFactory(utilisateur=user, conseiller=True)
    else:
        HabilitationFactory(utilisateur=user, role=role, **kwargs)
    return user


def _se_connecter(client, fournisseur, email, alterer_retour=None):
    fournisseur.prochain_email = email
    depart = client.get("/comptes/proconnect/")
    assert depart.status_code == 302 and depart["Location"].startswith(f"{fournisseur.url}/authorize?")
    autorisation = requests.get(depart["Location"], allow_redirects=False, timeout=10, verify=fournisseur.certificat)
    assert autorisation.status_code == 302
    retour = urlsplit(autorisation.headers["Location"])
    requete = retour.query if alterer_retour is None else alterer_retour(retour.query)
    return client.get(f"{retour.path}?{requete}")


def _connecte(client) -> bool:
    return "_auth_user_id" in client.session


def test_un_agent_connu_se_connecte_par_proconnect(client, db, proconnect):
    agent = _agent()
    proconnect.connaitre(agent.email.upper())  # la casse de l'adresse ne compte pas
    reponse = _se_connecter(client, proconnect, agent.email.upper())
    assert reponse.status_code == 302 and reponse["Location"] == "/comptes/espace/"
    assert _connecte(client) and int(client.session["_auth_user_id"]) == agent.pk
    assert client.get("/espace/bureau/").status_code == 200


def test_le_second_facteur_affirme_par_proconnect_dispense_du_totp(client, db, proconnect):
    prefecture = _agent(Role.PREFECTURE, prefecture=True)
    proconnect.connaitre(prefecture.email)
    proconnect.acr = "https://proconnect.gouv.fr/assurance/self-asserted-2fa"
    _se_connecter(client, proconnect, prefecture.email)
    assert client.get("/comptes/espace/").status_code == 200


def test_sans_second_facteur_affirme_le_totp_est_demande(client, db, proconnect):
    prefecture = _agent(Role.PREFECTURE, prefecture=True)
    proconnect.connaitre(prefecture.email)
    _se_connecter(client, proconnect, prefecture.email)
    assert _connecte(client)
    reponse = client.get("/comptes/espace/")
    assert reponse.status_code == 302 and reponse["Location"].startswith("/comptes/double-facteur/")


def _refuse(client, reponse):
    assert reponse.status_code == 302 and reponse["Location"] == "/comptes/connexion/"
    assert not _connecte(client)
    page = client.get("/comptes/connexion/").content.decode()
    assert "La connexion par ProConnect a échoué" in page


def test_un_etat_faux_est_refuse(client, db, proconnect):
    agent = _agent()
    proconnect.connaitre(agent.email)
    reponse = _se_connecter(client, proconnect, agent.email, lambda q: q.replace("state=", "state=falsifie"))
    _refuse(client, reponse)


def test_un_nonce_faux_est_refuse(client, db, proconnect):
    agent = _agent()
    proconnect.connaitre(agent.email)
    proconnect.nonce_force = "nonce-d-une-autre-session"
    _refuse(client, _se_connecter(client, proconnect, agent.email))


def test_un_jeton_expire_est_refuse(client, db, proconnect):
    agent = _agent()
    proconnect.connaitre(agent.email)
    proconnect.duree_jeton = -120
    _refuse(client, _se_connecter(client, proconnect, agent.email))


def test_une_identite_inconnue_n_ouvre_aucun_compte(client, db, proconnect):
    proconnect.connaitre("inconnue@example.gouv.fr")
    avant = Utilisateur.objects.count()
    _refuse(client, _se_connecter(client, proconnect, "inconnue@example.gouv.fr"))
    assert Utilisateur.objects.count() == avant


def test_un_compte_desactive_ou_un_email_non_verifie_est_refuse(client, db, proconnect):
    agent = _agent()
    agent.is_active = False
    agent.save()
    proconnect.connaitre(agent.email)
    _refuse(client, _se_connecter(client, proconnect, agent.email))
    autre = _agent()
    proconnect.connaitre(autre.email, verifie=False)
    _refuse(client, _se_connecter(client, proconnect, autre.email))


def test_le_bouton_n_apparait_que_si_proconnect_est_configure(client, db, settings, proconnect):
    assert "S'identifier avec" in client.get("/comptes/connexion/").content.decode()
    settings.PROCONNECT_ACTIF = False
    assert "ProConnect" not in client.get("/comptes/connexion/").content.decode()
    assert client.get("/comptes/proconnect/").status_code == 404
    assert client.get("/comptes/proconnect/retour/?code=x&state=y").status_code == 404
