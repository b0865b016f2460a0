from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from guichet.labellisation import permissions as permissions_labellisation
from guichet.labellisation.models import Critere, Referentiel


class CritereInline(admin.TabularInline):
    model = Critere
    extra = 0
    fields = ["ordre", "code", "titre", "famille", "preuve", "verification", "bloquant", "aide"]

    def has_add_permission(self, request, obj=None):
        return obj is not None and obj.modifiable and permissions_labellisation.peut_gerer_referentiels(request.user)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.modifiable) and permissions_labellisation.peut_gerer_referentiels(request.user)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.modifiable) and permissions_labellisation.peut_gerer_referentiels(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions_labellisation.peut_gerer_referentiels(request.user)


@admin.register(Referentiel)
class ReferentielAdmin(admin.ModelAdmin):
    """Les versions du référentiel : l'équipe nationale copie une version en brouillon, la modifie et la
    publie ; une version publiée ou remplacée se lit seulement."""

    list_display = ["titre", "code", "date", "statut", "publie_le", "nombre_de_criteres"]
    list_filter = ["statut"]
    readonly_fields = ["statut", "publie_le", "origine"]
    fields = ["code", "titre", "date", "statut", "publie_le", "origine"]
    inlines = [CritereInline]
    actions = ["copier_en_brouillon", "publier"]

    @admin.display(description="critères")
    def nombre_de_criteres(self, obj):
        return obj.criteres.count()

    def has_module_permission(self, request):
        return permissions_labellisation.peut_gerer_referentiels(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions_labellisation.peut_gerer_referentiels(request.user)

    def has_add_permission(self, request):
        return permissions_labellisation.peut_gerer_referentiels(request.user)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.modifiable) and permissions_labellisation.peut_gerer_referentiels(request.user)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.modifiable) and permissions_labellisation.peut_gerer_referentiels(request.user)

    @admin.action(description="Copier en brouillon (pour faire évoluer la version)")
    def copier_en_brouillon(self, request, queryset):
        for referentiel in queryset:
            code = f"brouillon-{timezone.now():%Y%m%d-%H%M%S}"
            titre = referentiel.titre.removesuffix(" (brouillon)") + " (brouillon)"
            try:
                with transaction.atomic():
                    copie = referentiel.copier_en_brouillon(code, titre)
            except IntegrityError:
                self.message_user(request, f"Le code « {code} » est déjà pris : réessayez.", messages.ERROR)
                continue
            self.message_user(
                request,
                f"Brouillon « {copie.titre} » créé avec {copie.criteres.count()} critères.",
                messages.SUCCESS,
            )

    @admin.action(description="Publier (la version en vigueur sera remplacée)")
    def publier(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Publiez une seule version à la fois.", messages.ERROR)
            return
        referentiel = queryset.get()
        try:
            referentiel.publier()
        except ValidationError as erreur:
            self.message_user(request, " ".join(erreur.messages), messages.ERROR)
            return
        self.message_user(request, f"« {referentiel.titre} » est publié et en vigueur.", messages.SUCCESS)
