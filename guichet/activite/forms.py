from django import forms

from guichet import permissions
from guichet.activite import regles
from guichet.activite.models import Accompagnement
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
        if message := regles.verifier_date(le):
            raise forms.ValidationError(message[0].upper() + message[1:])
        return le

    def clean(self):
        donnees = super().clean()
        structure, operateur, demarche = (donnees.get(c) for c in ("structure", "operateur", "demarche"))
        if demarche and operateur and (message := regles.verifier_demarche(demarche, operateur)):
            self.add_error("demarche", message[0].upper() + message[1:])
        if structure and operateur and (message := regles.verifier_operateur(operateur, structure)):
            self.add_error("operateur", message)
        return donnees
