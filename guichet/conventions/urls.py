from django.urls import path

from guichet.conventions import views

app_name = "conventions"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/convention.pdf", views.document, name="pdf"),
    path("<int:pk>/nouvelle-version/", views.version, name="nouvelle_version"),
    path("signataires/<int:pk>/", views.signature, name="signature"),
    path("engagements/<int:pk>/", views.engagement, name="engagement"),
    path("annexes/<int:pk>/", views.annexe, name="annexe"),
]
