from django.contrib import admin

from guichet.bornes.models import Avis, Borne


@admin.register(Borne)
class BorneAdmin(admin.ModelAdmin):
    list_display = ["nom", "structure", "prefixe", "creee_le", "utilisee_le", "revoquee_le"]
    list_filter = ["revoquee_le"]
    search_fields = ["nom", "structure__nom", "structure__matricule", "prefixe"]
    readonly_fields = ["prefixe", "empreinte", "creee_le", "creee_par", "utilisee_le"]
    raw_id_fields = ["structure"]


@admin.register(Avis)
class AvisAdmin(admin.ModelAdmin):
    list_display = ["le", "structure", "note", "borne", "signale"]
    list_filter = ["signale", "note"]
    raw_id_fields = ["structure", "borne", "invitation", "operateur", "demarche"]
    date_hierarchy = "le"
