from django.urls import path

from guichet.pages import views
from guichet.pages.models import Page

app_name = "pages"
urlpatterns = [
    # Une adresse fixe par page (« /accessibilite/ »…), nommée par son slug : pas d'adresse attrape-tout à la racine.
    *(path(f"{nom}/", views.page, {"slug": nom}, name=nom) for nom in Page.Nom.values),
    path("plan-du-site/", views.plan_du_site, name="plan_du_site"),
    path("espace/pages/", views.liste, name="liste"),
    path("espace/pages/<slug:slug>/modifier/", views.modifier, name="modifier"),
]
