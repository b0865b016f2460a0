"""Les pages publiques gardées entières en cache pour les visiteurs anonymes.

Une page comme « Trouver une France services » est la même pour tous les visiteurs non connectés qui
font la même demande à la même minute : on la garde rendue, sous une clé qui dit de quoi elle dépend
(la demande, la minute de Paris, l'état de l'annuaire). Les badges « ouvert / fermé » restent justes :
à la minute suivante la clé change et la page est rendue de nouveau.

Deux choses varient d'une réponse à l'autre et ne sont pas gardées telles quelles :
- le nonce de la politique de sécurité (CSP), propre à chaque réponse : celui de la page gardée est
  remplacé par celui de la requête ;
- ce qui dépend de la personne (compte connecté, messages en attente) : une requête qui porte un cookie
  de session ou de messages n'est ni servie depuis le cache ni mise en cache.
"""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse

DUREE = 60  # secondes : la clé change de toute façon à chaque minute


def cachable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.user.is_authenticated
    )


def servir(request, cle: str, rendre) -> HttpResponse:
    """La page gardée sous `cle` si elle l'est, sinon `rendre()` (gardée si c'est un succès)."""
    if not cachable(request):
        return rendre()
    cle = f"guichet:page:{cle}"
    gardee = cache.get(cle)
    if gardee is not None:
        contenu, nonce, type_de_contenu = gardee
        if nonce:
            contenu = contenu.replace(nonce.encode(), str(request.csp_nonce).encode())
        return HttpResponse(contenu, content_type=type_de_contenu)
    reponse = rendre()
    if reponse.status_code == 200 and not reponse.streaming and not reponse.cookies:
        nonce = getattr(request, "_csp_nonce", None) or ""  # le nonce de la page, si elle en a reçu un
        cache.set(cle, (reponse.content, nonce, reponse["Content-Type"]), DUREE)
    return reponse
