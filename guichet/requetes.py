"""Requêtes refusées avant toute vue.

Un octet nul dans l'adresse ou ses paramètres (`%00`) n'a de sens pour aucune page ; PostgreSQL le refuse
dans une requête (« cannot contain NUL »), ce qui ferait d'une recherche publique une erreur 500. Il est
refusé ici en 400, une fois pour toutes les vues (les formulaires Django le refusent déjà dans les corps).
"""

from django.http import HttpResponseBadRequest


class RefusOctetNul:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        requete = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in requete or "\x00" in requete:
            return HttpResponseBadRequest(
                "Requête invalide : octet nul dans l'adresse.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
