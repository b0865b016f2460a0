from django.contrib import admin

from guichet.demandes.models import EngagementDeReponse


@admin.register(EngagementDeReponse)
class EngagementDeReponseAdmin(admin.ModelAdmin):
    """Les engagements de réponse des opérateurs (accord-cadre, charte) : l'équipe nationale les tient à jour."""

    list_display = ["__str__", "operateur", "heures", "debut", "fin", "source"]
    list_filter = ["operateur"]
