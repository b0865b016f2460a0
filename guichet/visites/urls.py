from django.urls import path

from guichet.visites import views

app_name = "visites"
urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("campagnes/nouvelle/", views.nouvelle_campagne, name="nouvelle_campagne"),
    path("campagnes/<int:pk>/", views.campagne, name="campagne"),
    path("campagnes/<int:pk>/cloture/", views.cloturer, name="cloturer"),
    path("campagnes/<int:pk>/visites.csv", views.export, name="export"),
    path("<int:pk>/", views.visite, name="visite"),
    path("<int:pk>/plan/", views.plan, name="plan"),
]
