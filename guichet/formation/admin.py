"""Le parcours de formation (versions et modules) et les sessions dans l'administration : équipe nationale."""

from django.contrib import admin

from guichet.formation import permissions as permissions_formation
from guichet.formation.models import Inscription, Module, Parcours, Session


class GestionNationale:
    def has_module_permission(self, request):
        return permissions_formation.peut_gerer_formation(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions_formation.peut_gerer_formation(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions_formation.peut_gerer_formation(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions_formation.peut_gerer_formation(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions_formation.peut_gerer_formation(request.user)


class ModuleInline(GestionNationale, admin.TabularInline):
    model = Module
    extra = 0
    fields = ["ordre", "code", "titre", "partie", "modalite", "demi_journees", "operateur", "evenements_de_vie"]


@admin.register(Parcours)
class ParcoursAdmin(GestionNationale, admin.ModelAdmin):
    """Une version du parcours et ses modules. Pour le faire évoluer : une nouvelle version (brouillon, non
    publiée) reprenant les codes des modules, publiée avec sa date d'effet."""

    list_display = ["titre", "code", "date_effet", "publie"]
    list_filter = ["publie"]
    inlines = [ModuleInline]


class InscriptionInline(GestionNationale, admin.TabularInline):
    model = Inscription
    extra = 0
    fields = ["agent", "structure", "presence", "demi_journees_presentes", "inscrit_le"]
    readonly_fields = ["inscrit_le"]
    raw_id_fields = ["agent", "structure"]


@admin.register(Session)
class SessionAdmin(GestionNationale, admin.ModelAdmin):
    list_display = ["module", "debut", "fin", "a_distance", "lieu", "organisme_formateur", "capacite"]
    list_filter = ["a_distance", "module__partie"]
    date_hierarchy = "debut"
    raw_id_fields = ["creee_par"]
    inlines = [InscriptionInline]
