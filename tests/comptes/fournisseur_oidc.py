"""Un vrai fournisseur OpenID Connect (pyop) servi sur 127.0.0.1 pendant les tests, à la place de ProConnect.

Il authentifie d'office l'adresse que le test lui donne (`prochain_email`), avec le niveau `acr` voulu ; le
test peut lui faire émettre un jeton déjà expiré (`duree_jeton` négative) ou au nonce falsifié (`nonce_force`).
"""

import datetime
import ipaddress
import json
import ssl
import tempfile
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

from Cryptodome.PublicKey import RSA
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

CLIENT_ID = "guichet-test"
CLIENT_SECRET = "secret-du-client-de-test-0123456789"


class _Silencieux(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _certificat(dossier: Path) -> tuple[Path, Path]:
    """Un certificat TLS autosigné pour 127.0.0.1 : le fournisseur est servi en HTTPS, comme un vrai."""
    cle = ec.generate_private_key(ec.SECP256R1())
    nom = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fournisseur OIDC de test")])
    maintenant = datetime.datetime.now(datetime.UTC)
    certificat = (
        x509.CertificateBuilder()
        .subject_name(nom)
        .issuer_name(nom)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - datetime.timedelta(minutes=5))
        .not_valid_after(maintenant + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(cle, hashes.SHA256())
    )
    chemin_cert, chemin_cle = dossier / "fournisseur.pem", dossier / "fournisseur.key"
    chemin_cert.write_bytes(certificat.public_bytes(serialization.Encoding.PEM))
    chemin_cle.write_bytes(
        cle.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return chemin_cert, chemin_cle


class FournisseurOIDC:
    def __init__(self, redirect_uri: str):
        self._dossier = tempfile.TemporaryDirectory()
        self.certificat, cle_tls = _certificat(Path(self._dossier.name))
        self.serveur = make_server("127.0.0.1", 0, self.application, handler_class=_Silencieux)
        contexte = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        contexte.load_cert_chain(self.certificat, cle_tls)
        self.serveur.socket = contexte.wrap_socket(self.serveur.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.serveur.server_port}"
        cle = RSA.generate(2048)
        self.utilisateurs = {}
        self.prochain_email = ""
        self.acr = "eidas1"
        self.nonce_force = None
        self.provider = Provider(
            RSAKey(key=cle, alg="RS256", kid="cle-de-test"),
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "scopes_supported": ["openid", "email"],
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            },
            AuthorizationState(HashBasedSubjectIdentifierFactory("sel-de-test")),
            {
                CLIENT_ID: {
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [redirect_uri],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_post",
                }
            },
            Userinfo(self.utilisateurs),
        )
        self._fil = threading.Thread(target=self.serveur.serve_forever, daemon=True)
        self._fil.start()

    def arreter(self):
        self.serveur.shutdown()
        self.serveur.server_close()
        self._dossier.cleanup()

    def connaitre(self, email: str, verifie: bool = True):
        self.utilisateurs[email] = {"email": email, "email_verified": verifie, "sub": f"sub-{email}"}

    @property
    def duree_jeton(self):
        return self.provider.id_token_lifetime

    @duree_jeton.setter
    def duree_jeton(self, secondes):
        self.provider.id_token_lifetime = secondes

    def application(self, environ, start_response):
        chemin = environ["PATH_INFO"]
        methode = environ["REQUEST_METHOD"]
        entetes = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if "CONTENT_TYPE" in environ:
            entetes["Content-Type"] = environ["CONTENT_TYPE"]
        corps = ""
        if methode == "POST":
            longueur = int(environ.get("CONTENT_LENGTH") or 0)
            corps = environ["wsgi.input"].read(longueur).decode()
        if chemin == "/.well-known/openid-configuration":
            return self._json(start_response, self.provider.provider_configuration.to_dict())
        if chemin == "/jwks":
            return self._json(start_response, self.provider.jwks)
        if chemin == "/authorize":
            demande = self.provider.parse_authentication_request(environ.get("QUERY_STRING", ""))
            if self.nonce_force is not None:
                demande["nonce"] = self.nonce_force
            reponse = self.provider.authorize(demande, self.prochain_email, extra_id_token_claims={"acr": self.acr})
            start_response("302 Found", [("Location", reponse.request(demande["redirect_uri"]))])
            return [b""]
        if chemin == "/token":
            reponse = self.provider.handle_token_request(corps, entetes, extra_id_token_claims={"acr": self.acr})
            return self._json(start_response, reponse.to_dict())
        if chemin == "/userinfo":
            reponse = self.provider.handle_userinfo_request(corps or environ.get("QUERY_STRING", ""), entetes)
            return self._json(start_response, reponse.to_dict())
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"inconnu"]

    @staticmethod
    def _json(start_response, donnees):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(donnees).encode()]
