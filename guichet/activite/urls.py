from django.urls import path

from guichet.activite import views

app_name = "activite"
urlpatterns = [
    path("saisie/", views.saisie, name="saisie"),
    path("saisie/annuler/", views.annuler, name="annuler"),
    path("mes-saisies/", views.mes_saisies, name="mes_saisies"),
    path("mes-saisies/<uuid:pk>/corriger/", views.corriger, name="corriger"),
    path("mes-saisies/<uuid:pk>/supprimer/", views.supprimer, name="supprimer"),
    # Servis sous /espace/activite/ : la portée du service worker couvre la page de saisie.
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifeste, name="manifeste"),
]
