from django.urls import path

from guichet.labellisation import views

app_name = "labellisation"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("proposer/", views.proposer, name="proposer"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/<slug:action>/", views.agir, name="agir"),
    path("audits/<int:pk>/", views.audit, name="audit"),
    path("audits/<int:pk>/lignes/<int:ligne>/", views.ligne, name="ligne"),
    path("audits/<int:pk>/lignes/<int:ligne>/pieces/", views.joindre, name="joindre"),
    path("audits/<int:pk>/conclure/", views.conclure, name="conclure"),
    path("pieces/<int:pk>/", views.piece, name="piece"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("tableau/", views.tableau, name="tableau"),
    path("tableau/export.<str:format>", views.export, name="export"),
]
