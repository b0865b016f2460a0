"""Authentification de l'API : session Django (avec jeton CSRF) ou jeton personnel `Authorization: Bearer …`.

Sans aucune preuve d'identité (ni jeton, ni session ouverte), la réponse est 401 avec `WWW-Authenticate`
(voir `api.erreur_http`) ; le contrôle CSRF ne s'applique qu'à une session ouverte, où son échec est un 403.
"""

from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from guichet.api import jetons

DEFI = 'Bearer realm="api guichet"'
MESSAGE_SANS_AUTHENTIFICATION = (
    "Authentification requise : jeton personnel (Authorization: Bearer gch_…) ou session ouverte avec X-CSRFToken."
)


class JetonInvalide(HttpError):
    def __init__(self):
        super().__init__(401, "Jeton d'API invalide ou révoqué.")


class JetonPersonnel(HttpBearer):
    """Jeton personnel créé par l'agent dans son espace. Un jeton présent mais invalide ou révoqué est
    refusé (401) sans essayer la session."""

    def authenticate(self, request, token):
        user = jetons.authentifier(token)
        if user is None:
            raise JetonInvalide
        request.user = user
        return user


class Session(SessionAuth):
    """La session du navigateur ; le jeton CSRF n'est demandé qu'à une session ouverte."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError as erreur:
            raise HttpError(403, "Jeton CSRF absent ou invalide : envoyez l'en-tête X-CSRFToken.") from erreur


# Les jetons d'abord : un appel avec jeton n'a pas de CSRF et ne doit pas échouer sur la session.
AUTHENTIFICATION = [JetonPersonnel(), Session(csrf=True)]
