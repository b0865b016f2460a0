from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.demarches"
    verbose_name = "Catalogue des démarches"
