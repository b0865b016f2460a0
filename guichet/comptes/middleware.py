from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from guichet import permissions
from guichet.comptes.proconnect import double_facteur_assure


class DoubleFacteurObligatoireMiddleware:
    """Tout compte dont le périmètre couvre plus d'une structure (auditeurs, préfecture, opérateurs, national,
    équipe technique, superutilisateurs : `permissions.exige_double_facteur`) valide un code TOTP après le mot
    de passe.

    Tant que ce n'est pas fait, toute page les renvoie vers la saisie du code (ou l'enrôlement, qui exige un
    code d'enrôlement remis hors ligne), sauf cette page elle-même, la déconnexion et les fichiers statiques.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not double_facteur_assure(request)
            and not self.exemptee(request.path)
            and permissions.exige_double_facteur(user)
        ):
            url = reverse("comptes:double_facteur")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def exemptee(path):
        return path.startswith((reverse("comptes:double_facteur"), reverse("comptes:deconnexion"), settings.STATIC_URL))
