from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from guichet import permissions
from guichet.comptes import services
from guichet.comptes.models import Habilitation, Invitation, Utilisateur

admin.site.site_header = "Administration de guichet France Services"
admin.site.site_title = "Administration de guichet"
admin.site.index_title = "Données de la plateforme"

_acces_d_origine = admin.site.has_permission


def _acces_a_l_administration(request) -> bool:
    """L'équipe technique (is_staff), et l'équipe nationale pour les données qu'elle gouverne (versions du
    référentiel de labellisation, parcours de formation, barèmes…) : chaque ModelAdmin dit ce qu'elle y voit,
    les autres modèles lui restent fermés."""
    return _acces_d_origine(request) or bool(
        request.user.is_active and permissions.perimetre(request.user).tout_modifier
    )


admin.site.has_permission = _acces_a_l_administration


class UtilisateurCreationForm(AdminUserCreationForm):
    class Meta:
        model = Utilisateur
        fields = ["email"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class UtilisateurChangeForm(UserChangeForm):
    class Meta:
        model = Utilisateur
        fields = "__all__"


class HabilitationInline(admin.TabularInline):
    model = Habilitation
    extra = 0
    autocomplete_fields = ["structure", "operateur", "departement"]
    readonly_fields = ["cree_le"]


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    form = UtilisateurChangeForm
    add_form = UtilisateurCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "habilitations__role"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [HabilitationInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        (
            "Droits",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]}),
    ]

    actions = ["code_enrolement"]

    @admin.action(description="Réinitialiser le second facteur et créer un code d'enrôlement", permissions=["change"])
    def code_enrolement(self, request, queryset):
        """Le code s'affiche ici une seule fois : le remettre à la personne par téléphone ou en main propre."""
        for utilisateur in queryset.filter(is_active=True).order_by("email"):
            code, objet = services.creer_code_enrolement(utilisateur, cree_par=request.user)
            self.message_user(
                request,
                f"Code d'enrôlement de {utilisateur.email} : {code} (usage unique, valable jusqu'au "
                f"{objet.expire_le:%d/%m/%Y %H:%M} UTC). À remettre par téléphone ou en main propre.",
                messages.WARNING,
            )

    def get_inline_instances(self, request, obj=None):
        # Les habilitations se donnent une fois le compte créé.
        return super().get_inline_instances(request, obj) if obj else []


@admin.register(Habilitation)
class HabilitationAdmin(admin.ModelAdmin):
    list_display = ["utilisateur", "role", "structure", "operateur", "departement", "cree_le"]
    list_filter = ["role"]
    search_fields = ["utilisateur__email", "utilisateur__last_name", "structure__nom", "departement__nom"]
    autocomplete_fields = ["utilisateur", "structure", "operateur", "departement"]
    list_select_related = ["utilisateur", "structure", "operateur", "departement"]
    readonly_fields = ["cree_le"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["role"].help_text = (
            "Conseiller, responsable : une structure. Référent : un opérateur et un département. "
            "Préfecture : un département. National : aucun périmètre. Auditeur : un département ou aucun."
        )
        return form


class InvitationAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "structure", "role", "invite_par"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    # Le jeton n'est jamais affiché : il vaut mot de passe jusqu'à son usage.
    form = InvitationAdminForm
    list_display = ["email", "structure", "role", "invite_par", "cree_le", "acceptee_le"]
    list_filter = ["role"]
    search_fields = ["email", "structure__nom"]
    list_select_related = ["structure", "invite_par"]
    autocomplete_fields = ["structure", "invite_par"]
    readonly_fields = ["cree_le", "acceptee_le"]

    def has_add_permission(self, request):
        # Une invitation part avec son e-mail depuis l'espace de gestion ; l'admin ne fait que la consulter.
        return False
