"""Le questionnaire public d'une enquête des usagers (sans compte), par structure : le lien du QR code."""

from django.urls import path

from guichet.enquetes import views

app_name = "enquete"
urlpatterns = [
    path("<int:pk>/<str:matricule>/", views.questionnaire, name="questionnaire"),
]
