from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.territoires"
    verbose_name = "Territoires"
