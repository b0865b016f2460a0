from django.urls import path

from guichet.reseau import views

app_name = "reseau"
urlpatterns = [
    path("trouver/", views.trouver, name="trouver"),
    path("structures/<str:matricule>/", views.structure, name="structure"),
]
