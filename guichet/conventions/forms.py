"""Les formulaires des conventions-cadres : préparation, signature, engagement, annexe."""

from django import forms
from django.utils import timezone

from guichet.comptes.forms import FormulaireDsfr
from guichet.conventions.models import Annexe, Engagement, Signataire

CHAMP_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MESSAGES_DATE = {"invalid": "Saisissez une date qui existe, au format jj/mm/aaaa."}


class PreparationForm(FormulaireDsfr):
    departement = forms.ModelChoiceField(label="Département", queryset=None, empty_label=None)
    debut = forms.DateField(label="Début de la période", widget=CHAMP_DATE, error_messages=MESSAGES_DATE)
    fin = forms.DateField(label="Fin de la période", widget=CHAMP_DATE, error_messages=MESSAGES_DATE)

    def __init__(self, *args, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departements.order_by("code")
        self.fields["departement"].label_from_instance = lambda d: f"{d.code} — {d.nom}"

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and debut >= fin:
            self.add_error("fin", "La fin de la période doit suivre son début.")
        return donnees


class SignatureForm(FormulaireDsfr):
    statut = forms.ChoiceField(label="Signature", choices=Signataire.Statut.choices)
    signee_le = forms.DateField(label="Signée le", widget=CHAMP_DATE, required=False, error_messages=MESSAGES_DATE)

    def clean(self):
        donnees = super().clean()
        statut, date = donnees.get("statut"), donnees.get("signee_le")
        if statut == Signataire.Statut.SIGNEE and not date:
            self.add_error("signee_le", "Indiquez la date de la signature.")
        if date and date > timezone.localdate():
            self.add_error("signee_le", "La date de signature ne peut pas être dans le futur.")
        if statut != Signataire.Statut.SIGNEE:
            donnees["signee_le"] = None
        return donnees


class EngagementForm(FormulaireDsfr, forms.ModelForm):
    class Meta:
        model = Engagement
        fields = ["canal", "delai_reponse_heures", "offre_formation"]

    def clean_delai_reponse_heures(self):
        delai = self.cleaned_data["delai_reponse_heures"]
        if not 1 <= delai <= 720:
            raise forms.ValidationError("Le délai de réponse est compris entre 1 et 720 heures ouvrées.")
        return delai


class AnnexeForm(FormulaireDsfr, forms.ModelForm):
    class Meta:
        model = Annexe
        fields = ["porteur", "partenaires", "services"]
