from django.urls import path

from guichet.reseau import views

app_name = "reseau"
urlpatterns = [
    path("trouver/", views.trouver, name="trouver"),
    path("structures/<str:matricule>/", views.structure, name="structure"),
    path("carte/fond/departements.geojson", views.fond_index, name="fond_index"),
    path("carte/fond/<str:code>/<str:niveau>.geojson", views.fond_departement, name="fond_departement"),
]
