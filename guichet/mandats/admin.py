from django.contrib import admin

from guichet.mandats.models import Mandat


@admin.register(Mandat)
class MandatAdmin(admin.ModelAdmin):
    """En lecture seule, sans l'identité de l'usager : l'administration ne sert qu'à suivre les mandats."""

    list_display = ["reference", "structure", "duree", "debut", "fin", "revoque_le"]
    list_filter = ["duree", "consentement"]
    search_fields = ["reference"]
    fields = ["reference", "structure", "agent", "duree", "debut", "fin", "consentement", "utilise_le", "revoque_le"]
    readonly_fields = fields
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
