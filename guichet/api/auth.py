"""Authentification de l'API : session Django (avec jeton CSRF) ou jeton personnel `Authorization: Bearer …`."""

from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from guichet.api import jetons


class JetonPersonnel(HttpBearer):
    """Jeton personnel créé par l'agent dans son espace. Un jeton présent mais invalide ou révoqué est
    refusé (401) sans essayer la session."""

    def authenticate(self, request, token):
        user = jetons.authentifier(token)
        if user is None:
            raise HttpError(401, "Jeton d'API invalide ou révoqué.")
        request.user = user
        return user


# Les jetons d'abord : un appel avec jeton n'a pas de CSRF et ne doit pas échouer sur la session.
AUTHENTIFICATION = [JetonPersonnel(), SessionAuth(csrf=True)]
