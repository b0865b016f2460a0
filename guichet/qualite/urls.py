from django.urls import path

from guichet.qualite import views

app_name = "qualite"
urlpatterns = [
    path("", views.tableau, name="tableau"),
    path("export.csv", views.export, name="export"),
]
