from django.urls import path

from guichet.mandats import views

app_name = "mandats"
urlpatterns = [
    path("espace/mandats/", views.liste, name="liste"),
    path("espace/mandats/nouveau/", views.nouveau, name="nouveau"),
    path("espace/mandats/verifier/", views.verifier, name="verifier"),
    path("espace/mandats/carte/", views.carte, name="carte"),
    path("espace/mandats/<str:reference>/", views.detail, name="detail"),
    path("espace/mandats/<str:reference>/recu/", views.recu, name="recu"),
    path("espace/mandats/<str:reference>/recu.pdf", views.recu_pdf, name="recu_pdf"),
    path("espace/mandats/<str:reference>/recu/envoyer/", views.envoyer_recu, name="envoyer_recu"),
    path("espace/mandats/<str:reference>/recu/termine/", views.terminer, name="terminer"),
    path("espace/mandats/<str:reference>/revoquer/", views.revoquer, name="revoquer"),
    path("mandat/revoquer/", views.revoquer_usager, name="revoquer_usager"),
    path("conseiller/verifier/", views.verifier_conseiller, name="verifier_conseiller"),
]
