from django.contrib import admin

from guichet.plans_d_action.models import Action, PlanDAction


class ActionEnLigne(admin.TabularInline):
    model = Action
    extra = 0
    raw_id_fields = ["responsable"]


@admin.register(PlanDAction)
class PlanDActionAdmin(admin.ModelAdmin):
    list_display = ["titre", "origine", "departement", "structure", "operateur", "ouvert_le", "clos_le"]
    list_filter = ["origine", "departement"]
    list_per_page = 50
    raw_id_fields = ["structure", "ouvert_par"]
    readonly_fields = ["source_type", "source_id"]
    inlines = [ActionEnLigne]
