"""Les barèmes et les sources se fixent par décision nationale : l'administration les édite."""

from django.contrib import admin

from guichet.financement.models import Bareme, PartForfait, SourceFinancement, Versement


class PartForfaitEnLigne(admin.TabularInline):
    model = PartForfait
    extra = 0


@admin.register(Bareme)
class BaremeAdmin(admin.ModelAdmin):
    list_display = ["annee", "forfait", "aide_bus", "decision"]
    inlines = [PartForfaitEnLigne]


@admin.register(SourceFinancement)
class SourceFinancementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "financeur", "ordre"]


@admin.register(Versement)
class VersementAdmin(admin.ModelAdmin):
    list_display = ["structure", "annee", "date", "montant", "source", "reference"]
    list_filter = ["annee", "source"]
    search_fields = ["structure__matricule", "structure__nom", "reference"]
    readonly_fields = ["saisi_par", "saisi_le"]
