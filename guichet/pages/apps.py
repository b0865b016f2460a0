from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.pages"
    verbose_name = "Pages institutionnelles"
