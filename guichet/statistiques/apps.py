from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.statistiques"
    verbose_name = "Statistiques d'activité"

    def ready(self):
        from guichet.statistiques import signaux  # noqa: F401 (branche les signaux)
