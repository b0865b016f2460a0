"""Les pages des jetons personnels d'API, dans l'espace de l'agent (à côté de sa saisie d'activité)."""

from django.urls import path

from guichet.api import views

app_name = "jetons"
urlpatterns = [
    path("", views.jetons, name="liste"),
    path("<int:pk>/revoquer/", views.revoquer, name="revoquer"),
]
