from django.urls import path

from guichet.statistiques import views

app_name = "statistiques"
urlpatterns = [
    path("", views.tableau, name="tableau"),
    path("national/", views.national, name="national"),
    path("national/export.<str:format>", views.national, name="national_export"),
    path("departement/<str:code>/", views.departement, name="departement"),
    path("departement/<str:code>/export.<str:format>", views.departement, name="departement_export"),
    path("operateur/<slug:code>/", views.operateur, name="operateur"),
    path("operateur/<slug:code>/export.<str:format>", views.operateur, name="operateur_export"),
    path("structure/<int:pk>/", views.structure, name="structure"),
    path("structure/<int:pk>/export.<str:format>", views.structure, name="structure_export"),
    path("donnees-ouvertes.csv", views.donnees_ouvertes, name="donnees_ouvertes"),
]
