"""La connexion par ProConnect, la fédération d'identité de l'État pour les agents publics (OpenID Connect),
par mozilla-django-oidc.

- Actif seulement si l'environnement le configure (PROCONNECT_CLIENT_ID, PROCONNECT_CLIENT_SECRET,
  PROCONNECT_URL) ; sinon le bouton n'est pas montré et ses adresses répondent 404.
- Un compte est retrouvé par son adresse e-mail vérifiée ; une identité inconnue n'ouvre jamais de compte
  (l'invitation reste la seule porte d'entrée), un compte désactivé est refusé.
- Le jeton d'identité est vérifié entièrement : signature (clés publiées du fournisseur), émetteur, audience,
  expiration, nonce ; l'état (`state`) par la vue de retour. Tout échec renvoie à la page de connexion avec un
  message, jamais une erreur 500.
- Les rôles à second facteur acceptent celui de ProConnect quand le jeton l'affirme (`acr` parmi
  PROCONNECT_ACR_DOUBLE_FACTEUR) ; sinon ils demandent le code TOTP, comme après un mot de passe.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

journal = logging.getLogger(__name__)

SESSION_ACR = "proconnect_acr"
ECHEC = "La connexion par ProConnect a échoué ; réessayez ou connectez-vous par mot de passe."


def actif() -> bool:
    return bool(getattr(settings, "PROCONNECT_ACTIF", False))


def double_facteur_assure(request) -> bool:
    """Le jeton ProConnect de cette session affirme un second facteur."""
    return request.session.get(SESSION_ACR, "") in settings.PROCONNECT_ACR_DOUBLE_FACTEUR


class ProConnectBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        self.configure = actif()
        if self.configure:
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not self.configure or request is None or not request.GET.get("code"):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as exc:
            journal.warning("Connexion ProConnect refusée : %s", exc)
            messages.error(
                request, "La connexion par ProConnect a échoué ; réessayez ou connectez-vous par mot de passe."
            )
            return None

    def _verify_jws(self, payload, key):
        # Tout est vérifié : signature et algorithme, émetteur, audience (notre client), expiration.
        entete = jwt.get_unverified_header(payload)
        if entete.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("Algorithme de signature inattendu.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.PROCONNECT_EMETTEUR,
                options={"require": ["iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"Jeton d'identité refusé : {exc}") from exc

    def verify_token(self, token, **kwargs):
        charge = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            # Le jeton d'identité (pas la réponse userinfo) : il expire, et dit le niveau d'authentification.
            if "exp" not in charge:
                raise SuspiciousOperation("Jeton d'identité sans expiration.")
            self.request.session[SESSION_ACR] = str(charge.get("acr", ""))
        return charge

    def verify_claims(self, claims):
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        # Jamais de compte ouvert par une identité inconnue : OIDC_CREATE_USER est faux, ceci en est la garde.
        raise SuspiciousOperation("Aucun compte n'est créé par ProConnect sans invitation.")

    def update_user(self, user, claims):
        return user


class Connexion(OIDCAuthenticationRequestView):
    def dispatch(self, request, *args, **kwargs):
        if not actif():
            raise Http404("La connexion par ProConnect n'est pas configurée.")
        return super().dispatch(request, *args, **kwargs)


class Retour(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not actif():
            raise Http404("La connexion par ProConnect n'est pas configurée.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation as exc:
            # Un état (`state`) inconnu ou rejoué : refusé, sans erreur 500.
            journal.warning("Retour ProConnect refusé : %s", exc)
            return self.login_failure()

    def login_failure(self):
        # Identité inconnue, compte désactivé, jeton refusé, état faux : un seul message, sans dire lequel.
        messages.error(self.request, ECHEC)
        return super().login_failure()

    @property
    def failure_url(self):
        return reverse("comptes:connexion")
