from django.contrib import admin

from guichet.pages.models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["titre", "libelle_pied", "modifiee_le", "modifiee_par"]
    readonly_fields = ["slug", "modifiee_le", "modifiee_par"]
    fields = ["slug", "titre", "libelle_pied", "contenu", "modifiee_le", "modifiee_par"]

    def has_add_permission(self, request):
        return False  # trois pages fixes, créées par les migrations

    def has_delete_permission(self, request, obj=None):
        return False
