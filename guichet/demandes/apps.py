from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.demandes"
    verbose_name = "Demandes"
