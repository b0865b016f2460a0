from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm

from guichet.comptes.models import Invitation, Role, Utilisateur


class FormulaireDsfr(DsfrBaseForm):
    """Formulaire rendu au gabarit DSFR.

    Garde le marquage actuel de django-dsfr (astérisque sur les champs obligatoires) sans
    l'avertissement de dépréciation qu'il émet à chaque rendu (fatal avec filterwarnings=error).
    """

    def get_context(self):
        context = forms.Form.get_context(self)
        context.setdefault("DSFR_MARK_OPTIONAL_FIELDS", False)
        return context


class ConnexionForm(FormulaireDsfr, AuthenticationForm):
    # Le champ garde le nom « username » attendu par Django et par django-axes (AXES_USERNAME_FORM_FIELD).
    username = forms.EmailField(
        label="Adresse e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class CodeForm(FormulaireDsfr):
    code = forms.CharField(
        label="Code à 6 chiffres",
        help_text="Le code affiché par votre application d'authentification.",
        max_length=9,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        # Tolérer « 123 456 », tel qu'affiché par certaines applications.
        code = self.cleaned_data["code"].replace(" ", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError("Saisissez les 6 chiffres du code, sans lettre.")
        return code


class CodeEnrolementForm(FormulaireDsfr):
    code_enrolement = forms.CharField(
        label="Code d'enrôlement",
        help_text="Le code de 12 caractères remis par l'équipe nationale (par exemple ABCD-EFGH-JKMN).",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}),
    )

    def clean_code_enrolement(self):
        code = "".join(c for c in self.cleaned_data["code_enrolement"].upper() if c.isalnum())
        if len(code) != 12 or not code.isascii():
            raise forms.ValidationError("Saisissez les 12 lettres et chiffres du code d'enrôlement.")
        return code


class InvitationForm(FormulaireDsfr):
    email = forms.EmailField(label="Adresse e-mail de la personne invitée")
    role = forms.ChoiceField(
        label="Rôle",
        choices=[(Role.CONSEILLER, Role.CONSEILLER.label), (Role.GESTIONNAIRE, Role.GESTIONNAIRE.label)],
        initial=Role.CONSEILLER,
    )

    def __init__(self, *args, structure, **kwargs):
        self.structure = structure
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.structure.habilitations.filter(
            utilisateur__email__iexact=email, role__in=[Role.CONSEILLER, Role.GESTIONNAIRE]
        ).exists():
            raise forms.ValidationError("Cette personne fait déjà partie de l'équipe de la structure.")
        return email


class InscriptionForm(FormulaireDsfr):
    """Création d'un compte depuis une invitation : l'adresse e-mail est celle de l'invitation."""

    first_name = forms.CharField(label="Prénom", max_length=150, widget=forms.TextInput({"autocomplete": "given-name"}))
    last_name = forms.CharField(label="Nom", max_length=150, widget=forms.TextInput({"autocomplete": "family-name"}))
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 12 caractères ; évitez les mots de passe courants ou proches de votre nom.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            futur = Utilisateur(
                email=self.invitation.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user=futur)
            except forms.ValidationError as erreur:
                self.add_error("password1", erreur)
        return cleaned
