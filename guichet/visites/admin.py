from django.contrib import admin

from guichet.visites.models import Critere, Grille


class CritereInline(admin.TabularInline):
    model = Critere
    extra = 0
    fields = ["ordre", "code", "libelle", "aide", "niveaux"]

    def has_change_permission(self, request, obj=None):
        return (obj is None or not obj.figee) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return (obj is None or not obj.figee) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.figee) and super().has_delete_permission(request, obj)


@admin.register(Grille)
class GrilleAdmin(admin.ModelAdmin):
    """Les versions de la grille : une grille utilisée par une campagne ne change plus (créez-en une autre)."""

    list_display = ["titre", "code", "publiee_le"]
    inlines = [CritereInline]
