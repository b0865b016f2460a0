from django.contrib import admin

from guichet.demarches.models import Demarche, EvenementDeVie


@admin.register(EvenementDeVie)
class EvenementDeVieAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code", "ordre"]
    prepopulated_fields = {"code": ["libelle"]}


@admin.register(Demarche)
class DemarcheAdmin(admin.ModelAdmin):
    list_display = ["libelle", "operateur", "code", "ordre", "active"]
    list_filter = ["operateur", "active", "evenements"]
    search_fields = ["libelle", "mots_cles"]
    filter_horizontal = ["evenements"]
