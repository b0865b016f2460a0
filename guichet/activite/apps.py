from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.activite"
    verbose_name = "Activité"
