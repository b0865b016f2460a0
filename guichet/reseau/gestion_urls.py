from django.urls import path

from guichet.reseau import gestion_views as views

app_name = "gestion"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("<int:pk>/", views.structure, name="structure"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/statut/", views.statut, name="statut"),
    path("<int:pk>/equipe/", views.agents, name="agents"),
    path("<int:pk>/equipe/inviter/", views.inviter, name="inviter"),
]
