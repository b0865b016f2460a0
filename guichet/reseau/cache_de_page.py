"""Les pages publiques gardées entières en cache pour les visiteurs anonymes.

Une page comme « Trouver une France services » est la même pour tous les visiteurs non connectés qui
font la même demande : on la garde rendue, sous une clé qui dit de quoi elle dépend (la demande, l'état
de l'annuaire), avec l'instant jusqu'auquel elle reste juste (la prochaine ouverture ou fermeture d'un
des lieux montrés, ou minuit). Les badges « ouvert / fermé » restent donc justes à la minute près : passé
cet instant, la page est rendue de nouveau.

Deux choses varient d'une réponse à l'autre et ne sont pas gardées telles quelles :
- le nonce de la politique de sécurité (CSP), propre à chaque réponse : celui de la page gardée est
  remplacé par celui de la requête ;
- ce qui dépend de la personne (compte connecté, messages en attente) : une requête qui porte un cookie
  de session ou de messages n'est ni servie depuis le cache ni mise en cache.
"""

import datetime
import zlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse

DUREE_MAX = 3600  # secondes : une page n'est pas gardée plus d'une heure, même si rien ne doit changer


def cachable(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.user.is_authenticated
    )


def servir(request, cle: str, rendre, maintenant: datetime.datetime) -> HttpResponse:
    """La page gardée sous `cle` si elle l'est et encore juste à `maintenant`, sinon `rendre()`.

    `rendre()` donne (réponse, instant jusqu'auquel elle reste juste) ; la réponse est gardée si c'est
    un succès qui ne pose pas de cookie."""
    if not cachable(request):
        return rendre()[0]
    cle = f"guichet:page:{cle}"
    gardee = cache.get(cle)
    if gardee is not None:
        compresse, nonce, type_de_contenu, juste_jusqu_a = gardee
        if maintenant < juste_jusqu_a:
            contenu = zlib.decompress(compresse)
            if nonce:
                contenu = contenu.replace(nonce.encode(), str(request.csp_nonce).encode())
            return HttpResponse(contenu, content_type=type_de_contenu)
    reponse, juste_jusqu_a = rendre()
    duree = min(DUREE_MAX, (juste_jusqu_a - maintenant).total_seconds())
    if reponse.status_code == 200 and not reponse.streaming and not reponse.cookies and duree > 0:
        nonce = getattr(request, "_csp_nonce", None) or ""  # le nonce de la page, si elle en a reçu un
        # Compressée : une page de 25 ko en occupe 5 dans le cache.
        gardee = (zlib.compress(reponse.content, 1), nonce, reponse["Content-Type"], juste_jusqu_a)
        cache.set(cle, gardee, max(1, int(duree)))
    return reponse
