from django import forms
from django.utils import timezone

from guichet import permissions
from guichet.activite.models import DELAI_CORRECTION, Accompagnement
from guichet.comptes.forms import FormulaireDsfr
from guichet.demarches.models import Demarche
from guichet.reseau.models import Operateur


class ChoixDemarche(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.operateur.nom} — {obj.libelle}"


class AccompagnementForm(FormulaireDsfr, forms.ModelForm):
    """Correction d'un accompagnement par son agent (dans les 7 jours)."""

    class Meta:
        model = Accompagnement
        fields = [
            "structure",
            "le",
            "canal",
            "operateur",
            "demarche",
            "evenement",
            "type_aide",
            "resultat",
            "duree",
            "tranche_age",
            "premiere_visite",
            "autonomie",
            "besoin_allophone",
            "besoin_handicap",
        ]
        field_classes = {"demarche": ChoixDemarche}
        widgets = {"le": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        structures = permissions.structures_de_l_agent(user).select_related("commune")
        self.fields["structure"].queryset = structures
        departements = set(structures.values_list("commune__departement_id", flat=True))
        operateurs = Operateur.objects.joignables_dans(departements)
        self.fields["operateur"].queryset = operateurs
        demarches = Demarche.objects.filter(operateur__in=operateurs).select_related("operateur")
        if self.instance.demarche_id:
            demarches = demarches.filter(active=True) | demarches.filter(pk=self.instance.demarche_id)
        else:
            demarches = demarches.filter(active=True)
        self.fields["demarche"].queryset = demarches.order_by("operateur__ordre", "operateur__nom", "ordre", "libelle")
        self.fields["demarche"].empty_label = "Autre démarche (hors catalogue)"
        self.fields["evenement"].empty_label = "Aucun"
        self.fields["le"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        self.fields["premiere_visite"].widget.choices = [("unknown", "Non précisé"), ("true", "Oui"), ("false", "Non")]

    def clean_le(self):
        le = self.cleaned_data["le"]
        maintenant = timezone.now()
        if le > maintenant:
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        if le < maintenant - DELAI_CORRECTION:
            raise forms.ValidationError("La date doit rester dans les 7 derniers jours.")
        return le

    def clean(self):
        donnees = super().clean()
        structure, operateur, demarche = (donnees.get(c) for c in ("structure", "operateur", "demarche"))
        if demarche and operateur and demarche.operateur_id != operateur.pk:
            self.add_error("demarche", f"Cette démarche n'est pas une démarche de {operateur.nom}.")
        if structure and operateur and not operateur.national:
            if operateur.departement_id != structure.commune.departement_id:
                self.add_error("operateur", "Ce partenaire local n'intervient pas dans le département de la structure.")
        return donnees
