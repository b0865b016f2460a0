from django.contrib import admin
from django.urls import include, path

from guichet.api.api import api
from guichet.reseau import views as reseau_views

urlpatterns = [
    path("", reseau_views.accueil, name="accueil"),
    path("", include("guichet.reseau.urls")),
    path("comptes/", include("guichet.comptes.urls")),
    path("espace/structures/", include("guichet.reseau.gestion_urls")),
    path("espace/activite/jetons/", include("guichet.api.urls")),
    path("espace/activite/", include("guichet.activite.urls")),
    path("espace/statistiques/", include("guichet.statistiques.urls")),
    path("espace/demandes/", include("guichet.demandes.urls")),
    path("espace/qualite/", include("guichet.qualite.urls")),
    path("espace/couverture/", include("guichet.couverture.urls")),
    path("espace/bureau/", include("guichet.bureau.urls")),
    path("espace/connaissances/", include("guichet.connaissances.urls")),
    path("espace/exploitation/", include("guichet.exploitation.urls")),
    path("espace/labellisation/", include("guichet.labellisation.urls")),
    path("espace/enquetes/", include("guichet.enquetes.urls")),
    path("enquete/", include("guichet.enquetes.public_urls")),
    path("espace/visites-mysteres/", include("guichet.visites.urls")),
    path("espace/plans-d-action/", include("guichet.plans_d_action.urls")),
    path("espace/formation/", include("guichet.formation.urls")),
    path("espace/financement/", include("guichet.financement.urls")),
    path("espace/conventions/", include("guichet.conventions.urls")),
    path("", include("guichet.bornes.urls")),
    path("", include("guichet.pages.urls")),
    path("", include("guichet.mandats.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
