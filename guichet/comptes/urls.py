from django.urls import path

from guichet.comptes import proconnect, views

app_name = "comptes"
urlpatterns = [
    path("connexion/", views.Connexion.as_view(), name="connexion"),
    path("deconnexion/", views.Deconnexion.as_view(), name="deconnexion"),
    path("double-facteur/", views.double_facteur, name="double_facteur"),
    path("espace/", views.espace, name="espace"),
    path("invitation/<str:jeton>/", views.invitation, name="invitation"),
    path("proconnect/", proconnect.Connexion.as_view(), name="proconnect"),
    path("proconnect/retour/", proconnect.Retour.as_view(), name="proconnect_retour"),
]
