from django.contrib import admin

from guichet.enquetes import permissions as permissions_enquetes
from guichet.enquetes.models import Campagne, Question


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["ordre", "libelle", "nature", "echelle_max", "choix", "obligatoire"]

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.modifiable) and permissions_enquetes.peut_gerer_enquetes(request.user)

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Campagne)
class CampagneAdmin(admin.ModelAdmin):
    """Les campagnes ; les réponses, anonymes, ne sont pas dans l'administration."""

    list_display = ["titre", "public", "debut", "fin"]
    list_filter = ["public"]
    fields = ["titre", "public", "debut", "fin", "introduction"]
    inlines = [QuestionInline]
