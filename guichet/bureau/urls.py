from django.urls import path

from guichet.bureau import views

app_name = "bureau"
urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("guides/", views.guides, name="guides"),
    path("guides/<slug:code>/", views.guide, name="guide"),
    path("referents/", views.annuaire, name="annuaire"),
    path("liens/", views.liens, name="liens"),
    path("liens/ajouter/", views.lien_ajouter, name="lien_ajouter"),
    path("liens/<int:pk>/modifier/", views.lien_modifier, name="lien_modifier"),
    path("liens/<int:pk>/desactiver/", views.lien_desactiver, name="lien_desactiver"),
    path("liens/<int:pk>/reactiver/", views.lien_reactiver, name="lien_reactiver"),
]
