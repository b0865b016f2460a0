from django import forms

from guichet.comptes.forms import FormulaireDsfr
from guichet.demarches.models import Demarche
from guichet.mandats.models import Mandat
from guichet.reseau.models import Operateur


class ChampDate(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault("error_messages", {"invalid": "Saisissez une date qui existe (jj/mm/aaaa)."})
        super().__init__(**kwargs)


class MandatForm(FormulaireDsfr):
    structure = forms.ModelChoiceField(label="Structure France Services", queryset=None, empty_label=None)
    nom = forms.CharField(label="Nom de l'usager", max_length=150)
    prenom = forms.CharField(label="Prénom de l'usager", max_length=150)
    date_naissance = ChampDate(label="Date de naissance de l'usager")
    email = forms.EmailField(
        label="Adresse e-mail de l'usager (facultatif)",
        required=False,
        help_text="Pour lui envoyer son reçu, s'il le souhaite.",
    )
    operateurs = forms.ModelMultipleChoiceField(
        label="Opérateurs auprès desquels le conseiller peut agir",
        queryset=Operateur.objects.filter(national=True).order_by("ordre", "nom"),
        widget=forms.CheckboxSelectMultiple,
    )
    demarches = forms.ModelMultipleChoiceField(
        label="Démarches couvertes (facultatif)",
        queryset=Demarche.objects.actives().filter(operateur__national=True).select_related("operateur"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucune cochée : toutes les démarches des opérateurs choisis.",
    )
    duree = forms.ChoiceField(label="Durée", choices=Mandat.Duree.choices, widget=forms.RadioSelect)
    fin = ChampDate(
        label="Dernier jour de validité (facultatif)",
        required=False,
        help_text="Par défaut : trois mois pour une seule démarche, douze mois pour une période.",
    )
    consentement = forms.ChoiceField(
        label="Accord de l'usager", choices=Mandat.Consentement.choices, widget=forms.RadioSelect
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    attestation = forms.BooleanField(
        label="J'atteste que l'usager, présent, a lu le mandat et donné son accord.", required=False
    )
    formulaire = forms.FileField(
        label="Formulaire signé, numérisé (PDF ou image)",
        required=False,
        help_text="Seulement si l'usager a signé le formulaire papier.",
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        self.fields["demarches"].label_from_instance = lambda d: f"{d.operateur.nom} — {d.libelle}"


class ReferenceForm(FormulaireDsfr):
    reference = forms.CharField(label="Référence du mandat", max_length=20, help_text="Par exemple « M-7K3Q-9XPD ».")


class RevocationForm(ReferenceForm):
    code = forms.CharField(
        label="Code de révocation", max_length=30, help_text="Il figure sur votre reçu, par exemple « AB3D-7KPQ-Z9XW »."
    )
