from django.contrib import admin

from guichet.connaissances.models import Expression, Fiche, Sigle, SourceAutorisee, Theme, ThemeOperateur


@admin.register(SourceAutorisee)
class SourceAutoriseeAdmin(admin.ModelAdmin):
    list_display = ["domaine", "nom", "operateur", "active", "modifie_le"]
    list_filter = ["active", "operateur"]
    list_editable = ["active"]
    search_fields = ["domaine", "nom"]


@admin.register(Sigle)
class SigleAdmin(admin.ModelAdmin):
    list_display = ["sigle", "expansion", "casse_exacte", "modifie_le"]
    list_filter = ["casse_exacte"]
    search_fields = ["sigle", "expansion"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["identifiant", "titre", "niveau", "parent"]
    list_filter = ["niveau"]
    search_fields = ["identifiant", "titre"]
    raw_id_fields = ["parent"]


@admin.register(Fiche)
class FicheAdmin(admin.ModelAdmin):
    """Les fiches viennent de l'import DILA : consultables, pas modifiables à la main."""

    list_display = ["identifiant", "titre", "type", "nature", "audience", "date", "modifie_le"]
    list_filter = ["type", "audience", "nature"]
    search_fields = ["identifiant", "titre"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ThemeOperateur)
class ThemeOperateurAdmin(admin.ModelAdmin):
    list_display = ["theme", "libelle", "operateur", "modifie_le"]
    list_filter = ["operateur"]
    search_fields = ["theme", "libelle"]


@admin.register(Expression)
class ExpressionAdmin(admin.ModelAdmin):
    """Le lexique de la langue parlée (mots courants, anciens noms, tournures de remplissage), à côté des sigles :
    toute modification reconstruit l'index à la recherche suivante."""

    list_display = ["expression", "nature", "equivalents", "modifie_le"]
    list_filter = ["nature"]
    search_fields = ["expression", "equivalents"]
