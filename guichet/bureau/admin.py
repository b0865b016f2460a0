from django.contrib import admin

from guichet.bureau.models import EtapeGuide, LienOperateur


@admin.register(LienOperateur)
class LienOperateurAdmin(admin.ModelAdmin):
    list_display = ["libelle", "operateur", "nature", "ordre", "actif"]
    list_filter = ["operateur", "nature", "actif"]
    search_fields = ["libelle", "url"]


@admin.register(EtapeGuide)
class EtapeGuideAdmin(admin.ModelAdmin):
    list_display = ["titre", "evenement", "ordre", "operateur", "demarche"]
    list_filter = ["evenement", "operateur"]
    search_fields = ["titre", "explication"]
    autocomplete_fields = ["demarche"]
