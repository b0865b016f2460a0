"""La page de documentation de l'API : Swagger UI servi par le site (paquet npm swagger-ui-dist vendorisé),
sous la politique de sécurité du contenu (scripts du site, avec le nonce de la requête ; aucun CDN)."""

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class SwaggerVendorise(Swagger):
    template = "api/docs.html"
    # Sans liens profonds : Swagger UI mettrait un lien dans le bouton de chaque opération (contrôles imbriqués,
    # refusés par axe).
    default_settings = {"layout": "BaseLayout", "deepLinking": False}

    def render_page(self, request, api, **kwargs):
        reglages = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"titre": "Documentation de l'API", "api": api, "reglages": reglages})
