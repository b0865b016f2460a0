from django.urls import path

from guichet.bornes import views

app_name = "bornes"
urlpatterns = [
    # Publiques : la borne (sans session ; service worker servi sous /borne/ pour en couvrir la portée)
    # et l'avis par code QR.
    path("borne/", views.borne, name="borne"),
    path("borne/sw.js", views.service_worker, name="service_worker"),
    path("avis/<str:jeton>/", views.avis, name="avis"),
    # Espace professionnel
    path("espace/satisfaction/", views.resultats_accueil, name="resultats"),
    path("espace/satisfaction/national/", views.national, name="national"),
    path("espace/satisfaction/national/export.<str:format>", views.national, name="national_export"),
    path("espace/satisfaction/departement/<str:code>/", views.departement, name="departement"),
    path(
        "espace/satisfaction/departement/<str:code>/export.<str:format>",
        views.departement,
        name="departement_export",
    ),
    path("espace/satisfaction/structure/<int:pk>/", views.structure, name="structure"),
    path("espace/satisfaction/structure/<int:pk>/export.<str:format>", views.structure, name="structure_export"),
    path("espace/satisfaction/structure/<int:pk>/plan-d-action/", views.ouvrir_plan, name="ouvrir_plan"),
    path("espace/satisfaction/bornes/", views.gestion, name="gestion"),
    path("espace/satisfaction/bornes/<int:pk>/revoquer/", views.revoquer, name="revoquer"),
    path("espace/satisfaction/code-qr/", views.code_qr, name="code_qr"),
]
