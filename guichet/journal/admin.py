from django.contrib import admin

from guichet.journal.models import EntreeJournal


@admin.register(EntreeJournal)
class EntreeJournalAdmin(admin.ModelAdmin):
    """Le journal se lit ; il ne s'écrit que par `journaliser` et ne se modifie jamais."""

    list_display = ["numero", "horodatage", "acteur_libelle", "action", "objet_type", "objet_id"]
    list_filter = ["action", "objet_type"]
    search_fields = ["=objet_id", "acteur_libelle", "=numero"]
    date_hierarchy = "horodatage"
    readonly_fields = [
        "numero",
        "horodatage",
        "acteur",
        "acteur_libelle",
        "action",
        "objet_type",
        "objet_id",
        "details",
        "precedent",
        "empreinte",
        "cle",
    ]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
