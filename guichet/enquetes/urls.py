from django.urls import path

from guichet.enquetes import views

app_name = "enquetes"
urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("<int:pk>/", views.campagne, name="campagne"),
    path("<int:pk>/resultats/", views.resultats, name="resultats"),
    path("<int:pk>/resultats.csv", views.export, name="export"),
    path("<int:pk>/repondre/", views.repondre, name="repondre"),
    path("<int:pk>/affiche/<str:matricule>/", views.affiche, name="affiche"),
    path("operateurs/", views.evaluations, name="evaluations"),
    path("operateurs/avis.csv", views.export_evaluations, name="export_evaluations"),
    path("operateurs/plan/", views.plan_operateur, name="plan_operateur"),
    path("<int:pk>/resultats/plan/", views.plan_resultat, name="plan_resultat"),
]
