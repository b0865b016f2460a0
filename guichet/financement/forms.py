"""Le versement saisi par la préfecture : le seul validateur d'un versement (page et tests le partagent)."""

from datetime import date as Date
from decimal import Decimal

from django import forms
from django.utils import timezone

from guichet.comptes.forms import FormulaireDsfr
from guichet.financement.calcul import euros
from guichet.financement.models import SourceFinancement, Versement


class VersementForm(FormulaireDsfr):
    source = forms.ModelChoiceField(label="Source de financement", queryset=None, empty_label=None)
    date = forms.DateField(
        label="Date du versement",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date qui existe, au format jj/mm/aaaa."},
    )
    montant = forms.DecimalField(
        label="Montant (€)",
        max_digits=12,
        decimal_places=2,
        help_text="En euros, au centime près (par exemple 7500,00).",
        error_messages={
            "invalid": "Saisissez un montant en euros, par exemple 7500,00.",
            "max_decimal_places": "Le montant s'arrête au centime (deux chiffres après la virgule).",
            "max_digits": "Ce montant est trop grand.",
            "max_whole_digits": "Ce montant est trop grand.",
        },
        localize=True,
    )
    reference = forms.CharField(
        label="Référence", max_length=60, help_text="Numéro du mandat ou de l'engagement comptable."
    )

    def __init__(self, *args, structure, annee, reste: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure, self.annee, self.reste = structure, annee, reste
        self.fields["source"].queryset = SourceFinancement.objects.all()

    def clean_montant(self):
        montant = self.cleaned_data["montant"]
        if montant <= 0:
            raise forms.ValidationError("Le montant doit être supérieur à zéro.")
        if montant > self.reste:
            raise forms.ValidationError(
                f"Ce versement dépasse le reste dû pour {self.annee} ({euros(max(self.reste, Decimal(0)))})."
            )
        return montant

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date du versement ne peut pas être dans le futur.")
        if date < Date(self.annee - 1, 1, 1):
            raise forms.ValidationError(
                f"Un versement de la subvention {self.annee} date au plus tôt de {self.annee - 1}."
            )
        return date

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if not reference:
            raise forms.ValidationError("Indiquez la référence du versement.")
        if Versement.objects.filter(structure=self.structure, annee=self.annee, reference=reference).exists():
            raise forms.ValidationError("Un versement de cette année porte déjà cette référence pour ce site.")
        return reference


class AnneeForm(forms.Form):
    annee = forms.IntegerField(min_value=2019, max_value=2100, required=False)
