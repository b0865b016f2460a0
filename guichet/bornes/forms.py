from django import forms

from guichet.bornes.models import Attente
from guichet.comptes.forms import FormulaireDsfr

OUI_NON = [("oui", "Oui"), ("non", "Non")]
VISAGES = [
    (1, "Très mécontent"),
    (2, "Mécontent"),
    (3, "Moyennement satisfait"),
    (4, "Satisfait"),
    (5, "Très satisfait"),
]


class AppairageForm(FormulaireDsfr):
    structure = forms.ModelChoiceField(queryset=None, label="Structure")
    nom = forms.CharField(
        label="Nom de la tablette",
        max_length=100,
        initial="Tablette de la sortie",
        help_text="Pour la reconnaître dans la liste (sortie, accueil…).",
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures.order_by("nom")
        if structures.count() == 1:
            self.fields["structure"].initial = structures.first()


class AvisForm(FormulaireDsfr):
    """Les questions de la borne, sur le téléphone de l'usager (sans script)."""

    note = forms.TypedChoiceField(
        label="Êtes-vous satisfait de votre visite ?",
        choices=VISAGES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    resolu = forms.ChoiceField(
        label="Votre problème a-t-il été résolu ? (facultatif)",
        choices=OUI_NON,
        required=False,
        widget=forms.RadioSelect,
    )
    attente = forms.ChoiceField(
        label="Combien de temps avez-vous attendu ? (facultatif)",
        choices=Attente.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    reviendrait = forms.ChoiceField(
        label="Reviendriez-vous ? (facultatif)", choices=OUI_NON, required=False, widget=forms.RadioSelect
    )

    def donnees(self) -> dict:
        d = self.cleaned_data

        def booleen(valeur):
            return {"oui": True, "non": False}.get(valeur)

        return {
            "note": d["note"],
            "resolu": booleen(d.get("resolu")),
            "attente": d.get("attente") or None,
            "reviendrait": booleen(d.get("reviendrait")),
        }


class PlanSatisfactionForm(FormulaireDsfr):
    """Un plan d'action ouvert depuis le score faible d'une structure : son titre et sa première action."""

    titre = forms.CharField(label="Titre du plan", max_length=200)
    libelle = forms.CharField(
        label="Première action",
        max_length=300,
        help_text="Par exemple : revoir l'accueil aux heures d'affluence, afficher les horaires des permanences.",
    )
    echeance = forms.DateField(
        label="Échéance de la première action",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Saisissez une date qui existe (jj/mm/aaaa)."},
    )
