from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.conventions"
    verbose_name = "Conventions-cadres départementales"
