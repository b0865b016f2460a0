from django.apps import AppConfig


class CouvertureConfig(AppConfig):
    name = "guichet.couverture"
    verbose_name = "Couverture du territoire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from guichet.couverture import signaux  # noqa: F401
