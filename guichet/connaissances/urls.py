from django.urls import path

from guichet.connaissances import views

app_name = "connaissances"
urlpatterns = [
    path("", views.recherche, name="recherche"),
    path("fiches/<str:identifiant>/", views.fiche, name="fiche"),
]
