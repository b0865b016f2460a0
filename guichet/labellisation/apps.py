from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.labellisation"
    verbose_name = "Labellisation"
