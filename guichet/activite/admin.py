from django.contrib import admin

from guichet.activite.models import Accompagnement


@admin.register(Accompagnement)
class AccompagnementAdmin(admin.ModelAdmin):
    list_display = ["le", "structure", "operateur", "demarche", "type_aide", "resultat", "duree", "agent"]
    list_filter = ["canal", "resultat", "type_aide", "operateur"]
    date_hierarchy = "le"
    raw_id_fields = ["structure", "agent", "passage"]
    list_select_related = ["structure", "operateur", "demarche", "agent"]
    show_full_result_count = False  # des millions de lignes : pas de COUNT(*) à chaque page
