"""Les adresses du banc de charge : celles du site, plus une vue nue servie à travers le même middleware.

La vue nue ne fait rien (ni gabarit, ni base) : son débit est le plafond de ce que le serveur, le
middleware et le client du banc permettent. La page mesurée est comparée à ce plafond dans la même
exécution, sur la même machine, sous la même charge.
"""

from django.http import HttpResponse
from django.urls import path

from guichet.urls import urlpatterns as adresses_du_site


def vue_nue(request):
    return HttpResponse("<p>Vue nue du banc d'essai</p>", content_type="text/html; charset=utf-8")


urlpatterns = [path("banc/vue-nue/", vue_nue), *adresses_du_site]
