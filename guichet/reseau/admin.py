from django.contrib import admin

from guichet.reseau.models import Creneau, ExceptionHoraire, HistoriqueStatut, Operateur, Passage, Structure


@admin.register(Operateur)
class OperateurAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "national", "departement", "ordre"]
    list_filter = ["national"]
    search_fields = ["nom", "code"]
    autocomplete_fields = ["departement"]
    prepopulated_fields = {"code": ["nom"]}


class CreneauInline(admin.TabularInline):
    model = Creneau
    extra = 0


class ExceptionHoraireInline(admin.TabularInline):
    model = ExceptionHoraire
    extra = 0


class PassageInline(admin.TabularInline):
    model = Passage
    extra = 0
    autocomplete_fields = ["commune"]


class HistoriqueStatutInline(admin.TabularInline):
    """L'historique s'écrit par `Structure.changer_statut` (espace de gestion) : ici, en lecture."""

    model = HistoriqueStatut
    extra = 0
    fields = ["date", "statut", "commentaire", "auteur", "cree_le"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["nom", "matricule", "commune", "forme", "statut", "date_labellisation"]
    list_filter = ["statut", "forme", "format", "type_porteur", "commune__departement__region"]
    search_fields = ["nom", "matricule", "commune__nom", "nom_porteur"]
    list_select_related = ["commune__departement"]
    autocomplete_fields = ["commune", "structure_mere"]
    filter_horizontal = ["operateurs"]
    readonly_fields = ["statut", "date_labellisation", "cree_le", "modifie_le"]
    show_full_result_count = False
    list_per_page = 50  # des milliers de structures : une page se lit (et se charge) sans défiler sans fin
    inlines = [CreneauInline, ExceptionHoraireInline, PassageInline, HistoriqueStatutInline]
    fieldsets = [
        (None, {"fields": ["matricule", "nom", "forme", "format", "structure_mere"]}),
        ("Porteur", {"fields": ["type_porteur", "nom_porteur"]}),
        (
            "Adresse et contact",
            {
                "fields": [
                    "adresse",
                    "complement_adresse",
                    "code_postal",
                    "commune",
                    ("latitude", "longitude", "position_approchee"),
                    "email",
                    "telephone",
                ]
            },
        ),
        (
            "Statut",
            {
                "fields": ["statut", "date_labellisation"],
                "description": ("Le statut se change depuis l'espace de gestion, qui l'inscrit dans l'historique."),
            },
        ),
        (
            "Équipements",
            {"fields": ["poste_libre_acces", "poste_webcam", "espace_confidentiel", "accessible_pmr"]},
        ),
        ("Opérateurs", {"fields": ["operateurs"]}),
        ("Horaires publiés", {"classes": ["collapse"], "fields": ["horaires_source"]}),
        ("Suivi", {"fields": ["cree_le", "modifie_le"]}),
    ]
