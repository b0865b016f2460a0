from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.comptes"
    verbose_name = "Comptes et rôles"
