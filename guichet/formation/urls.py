from django.urls import path

from guichet.formation import views

app_name = "formation"
urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("agents/<int:pk>/", views.parcours, name="parcours"),
    path("agents/<int:pk>/attestation.pdf", views.attestation, name="attestation"),
    path("structures/<int:pk>/", views.equipe, name="equipe"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/nouvelle/", views.session_nouvelle, name="session_nouvelle"),
    path("sessions/<int:pk>/", views.session, name="session"),
]
