from django.urls import path

from guichet.couverture import views

app_name = "couverture"
urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("france/", views.nationale, name="nationale"),
    path("<str:code>/", views.departement, name="departement"),
    path("<str:code>/export.<str:format>", views.export, name="export"),
    path("<str:code>/scenario.json", views.scenario, name="scenario"),
]
