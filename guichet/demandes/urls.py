from django.urls import path

from guichet.demandes import views

app_name = "demandes"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/message/", views.message, name="message"),
    path("<int:pk>/prise-en-charge/", views.prendre_en_charge, name="prendre_en_charge"),
    path("<int:pk>/traitee/", views.traitee, name="traitee"),
    path("<int:pk>/reorientation/", views.rerouter, name="rerouter"),
    path("<int:pk>/invitation/", views.inviter, name="inviter"),
    path("<int:pk>/cloture/", views.cloturer, name="cloturer"),
    path("<int:pk>/reouverture/", views.rouvrir, name="rouvrir"),
    path("pieces-jointes/<int:pk>/", views.piece_jointe, name="piece_jointe"),
]
