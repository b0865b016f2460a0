from django import forms

from guichet.bureau.models import LienOperateur
from guichet.comptes.forms import FormulaireDsfr
from guichet.reseau.models import Operateur


class LienOperateurForm(FormulaireDsfr, forms.ModelForm):
    """Ajout ou modification d'un lien national vers un site d'opérateur (équipe nationale)."""

    class Meta:
        model = LienOperateur
        fields = ["operateur", "libelle", "url", "nature", "ordre", "actif"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operateur"].queryset = Operateur.objects.filter(national=True)
        self.fields["operateur"].empty_label = "Choisir un opérateur"

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith("https://"):
            raise forms.ValidationError("L'adresse doit commencer par https:// (site sécurisé).")
        return url

    def clean(self):
        cleaned = super().clean()
        operateur, url = cleaned.get("operateur"), cleaned.get("url")
        if operateur and url:
            doublon = LienOperateur.objects.filter(operateur=operateur, url=url).exclude(pk=self.instance.pk)
            if doublon.exists():
                self.add_error("url", "Cet opérateur a déjà un lien vers cette adresse.")
        return cleaned
