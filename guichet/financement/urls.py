from django.urls import path

from guichet.financement import views

app_name = "financement"
urlpatterns = [
    path("", views.tableau, name="tableau"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("departements/<str:code>/export.<str:format>", views.export_departement, name="export_departement"),
    path("national/export.<str:format>", views.export_national, name="export_national"),
    path("structures/<str:matricule>/", views.site, name="site"),
]
