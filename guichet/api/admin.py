from django.contrib import admin

from guichet.api.models import JetonApi


@admin.register(JetonApi)
class JetonApiAdmin(admin.ModelAdmin):
    """Consultation et révocation ; un jeton ne se crée que dans l'espace de son titulaire (vu une seule fois)."""

    list_display = ["nom", "utilisateur", "prefixe", "cree_le", "utilise_le", "revoque_le"]
    list_filter = ["revoque_le"]
    search_fields = ["nom", "utilisateur__email", "prefixe"]
    readonly_fields = ["utilisateur", "nom", "prefixe", "empreinte", "cree_le", "utilise_le"]

    def has_add_permission(self, request):
        return False
