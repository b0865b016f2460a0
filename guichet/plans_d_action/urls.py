from django.urls import path

from guichet.plans_d_action import views

app_name = "plans_d_action"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("ouvrir/", views.ouvrir, name="ouvrir"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/actions/", views.ajouter_action, name="ajouter_action"),
    path("<int:pk>/actions/<int:action_pk>/suivi/", views.repondre, name="repondre"),
]
