from django.shortcuts import redirect
from django.urls import reverse

from guichet.comptes.models import ROLES_DOUBLE_FACTEUR


class DoubleFacteurObligatoireMiddleware:
    """Les rôles nationaux, préfecture et opérateur doivent valider un code TOTP après le mot de passe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(("/comptes/double-facteur/", "/comptes/deconnexion/", "/static/"))
            and user.habilitations.filter(role__in=ROLES_DOUBLE_FACTEUR).exists()
        ):
            return redirect(reverse("comptes:double_facteur") + f"?next={request.path}")
        return self.get_response(request)
