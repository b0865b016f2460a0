from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "guichet.formation"
    verbose_name = "Formation des conseillers"
