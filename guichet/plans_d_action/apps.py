from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.plans_d_action"
    verbose_name = "Plans d'action"
