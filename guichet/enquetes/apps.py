from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.enquetes"
    verbose_name = "Enquêtes annuelles"
