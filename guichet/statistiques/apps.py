from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.statistiques"
    verbose_name = "Statistiques d'activité"
