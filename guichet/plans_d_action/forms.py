from django import forms

from guichet.comptes.forms import FormulaireDsfr
from guichet.plans_d_action.models import Action
from guichet.reseau.models import Operateur, Structure


class ChampDate(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault("error_messages", {"invalid": "Saisissez une date qui existe (jj/mm/aaaa)."})
        super().__init__(**kwargs)


class PlanForm(FormulaireDsfr):
    titre = forms.CharField(label="Titre du plan", max_length=200)
    departement = forms.ModelChoiceField(label="Département", queryset=None, empty_label="Choisir un département")
    structure = forms.CharField(
        label="Structure concernée (facultatif)",
        required=False,
        max_length=40,
        help_text="Son matricule national, par exemple « MFS-01-0001 ».",
    )
    operateur = forms.ModelChoiceField(
        label="Opérateur concerné (facultatif)",
        queryset=Operateur.objects.order_by("nom"),
        required=False,
        empty_label="Aucun",
        help_text="Pour un plan sur le back-office d'un opérateur : son responsable départemental y répondra.",
    )
    libelle = forms.CharField(label="Première action", max_length=300)
    echeance = ChampDate(label="Échéance de la première action")

    def __init__(self, *args, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departements

    def clean(self):
        donnees = super().clean()
        matricule = (donnees.get("structure") or "").strip()
        donnees["structure"] = None
        if matricule:
            structure = Structure.objects.select_related("commune").filter(matricule=matricule).first()
            if structure is None:
                self.add_error("structure", f"Aucune structure n'a le matricule « {matricule} ».")
            elif donnees.get("departement") and structure.commune.departement_id != donnees["departement"].pk:
                self.add_error("structure", "Cette structure n'est pas dans le département choisi.")
            else:
                donnees["structure"] = structure
        return donnees


class ActionForm(FormulaireDsfr):
    libelle = forms.CharField(label="Action", max_length=300)
    echeance = ChampDate(label="Échéance")


class SuiviForm(FormulaireDsfr):
    texte = forms.CharField(label="Où en est l'action ?", widget=forms.Textarea(attrs={"rows": 3}))
    statut = forms.ChoiceField(label="Statut", choices=[("", "Inchangé"), *Action.Statut.choices], required=False)
