"""Formulaires de l'espace de gestion des structures (fiche, horaires, statut, filtres)."""

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from guichet.comptes.forms import FormulaireDsfr
from guichet.reseau.models import Creneau, ExceptionHoraire, Operateur, Structure
from guichet.texte import chiffres as que_des_chiffres

CHAMP_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHAMP_HEURE = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CasesACocher(forms.CheckboxSelectMultiple):
    """Cases à cocher au gabarit DSFR, quel que soit l'ordre des gabarits de widgets installés."""

    option_template_name = "reseau/gestion/widgets/case_option.html"

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"].pop("dsfr", None)  # marqueur interne de django-dsfr, pas un attribut HTML
        return option


class FiltreStructuresForm(FormulaireDsfr):
    q = forms.CharField(label="Nom ou matricule", required=False)
    departement = forms.ModelChoiceField(label="Département", queryset=None, required=False, empty_label="Tous")
    statut = forms.ChoiceField(label="Statut", choices=[("", "Tous"), *Structure.Statut.choices], required=False)

    def __init__(self, *args, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departements

    def filtrer(self, structures):
        if not self.is_valid():
            return structures
        if texte := self.cleaned_data["q"].strip():
            structures = structures.filter(Q(nom__icontains=texte) | Q(matricule__iexact=texte))
        if departement := self.cleaned_data["departement"]:
            structures = structures.filter(commune__departement=departement)
        if statut := self.cleaned_data["statut"]:
            structures = structures.filter(statut=statut)
        return structures


class StructureForm(FormulaireDsfr, forms.ModelForm):
    """Ce que l'équipe d'une structure tient à jour ; la commune et le statut n'en font pas partie."""

    class Meta:
        model = Structure
        fields = [
            "nom",
            "adresse",
            "complement_adresse",
            "code_postal",
            "email",
            "telephone",
            "poste_libre_acces",
            "poste_webcam",
            "espace_confidentiel",
            "accessible_pmr",
            "operateurs",
        ]
        labels = {"email": "Adresse e-mail de contact", "operateurs": "Opérateurs accompagnés"}
        widgets = {"operateurs": CasesACocher}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operateurs"].queryset = Operateur.objects.joignables_dans([self.instance.commune.departement_id])

    def clean_code_postal(self):
        code = self.cleaned_data["code_postal"].strip()
        if code and not (len(code) == 5 and que_des_chiffres(code)):
            raise forms.ValidationError("Le code postal compte 5 chiffres.")
        return code


class CreneauForm(FormulaireDsfr, forms.ModelForm):
    class Meta:
        model = Creneau
        fields = ["jour", "debut", "fin", "sur_rdv"]
        labels = {"debut": "Début", "fin": "Fin"}
        widgets = {"debut": CHAMP_HEURE, "fin": CHAMP_HEURE}

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("debut"), cleaned.get("fin")
        if debut and fin and debut >= fin:
            self.add_error("fin", "L'heure de fin doit suivre l'heure de début.")
        return cleaned


class BaseCreneauFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        par_jour = {}
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE") or form.errors:
                continue
            par_jour.setdefault(form.cleaned_data["jour"], []).append(
                (form.cleaned_data["debut"], form.cleaned_data["fin"])
            )
        for jour, intervalles in par_jour.items():
            intervalles.sort()
            for (_, fin_precedent), (debut, _) in zip(intervalles, intervalles[1:], strict=False):
                if debut < fin_precedent:
                    nom = dict(Creneau._meta.get_field("jour").choices)[jour]
                    raise forms.ValidationError(f"Deux créneaux du {nom} se chevauchent.")


class ExceptionHoraireForm(FormulaireDsfr, forms.ModelForm):
    class Meta:
        model = ExceptionHoraire
        fields = ["date_debut", "date_fin", "ferme", "debut", "fin", "motif"]
        labels = {
            "date_debut": "Du",
            "date_fin": "Au",
            "debut": "Ouverture",
            "fin": "Fermeture",
        }
        widgets = {"date_debut": CHAMP_DATE, "date_fin": CHAMP_DATE, "debut": CHAMP_HEURE, "fin": CHAMP_HEURE}

    def clean(self):
        cleaned = super().clean()
        date_debut, date_fin = cleaned.get("date_debut"), cleaned.get("date_fin")
        if date_debut and date_fin and date_fin < date_debut:
            self.add_error("date_fin", "La date de fin doit suivre la date de début.")
        if cleaned.get("ferme"):
            cleaned["debut"] = cleaned["fin"] = None
        else:
            debut, fin = cleaned.get("debut"), cleaned.get("fin")
            if not (debut and fin):
                self.add_error("debut", "Indiquez les heures d'ouverture, ou cochez « fermé toute la journée ».")
            elif debut >= fin:
                self.add_error("fin", "L'heure de fermeture doit suivre l'heure d'ouverture.")
        return cleaned


CreneauFormSet = forms.inlineformset_factory(
    Structure, Creneau, form=CreneauForm, formset=BaseCreneauFormSet, extra=2, can_delete=True
)
ExceptionHoraireFormSet = forms.inlineformset_factory(
    Structure, ExceptionHoraire, form=ExceptionHoraireForm, extra=1, can_delete=True
)


class FicheStructure:
    """La fiche, les horaires de la semaine et les exceptions à venir : validés et enregistrés ensemble."""

    def __init__(self, data=None, *, structure):
        self.structure = structure
        self.form = StructureForm(data, instance=structure)
        self.creneaux = CreneauFormSet(data, instance=structure, prefix="creneaux")
        self.exceptions = ExceptionHoraireFormSet(
            data,
            instance=structure,
            prefix="exceptions",
            queryset=ExceptionHoraire.objects.filter(date_fin__gte=timezone.localdate()),
        )

    def is_valid(self):
        return all([self.form.is_valid(), self.creneaux.is_valid(), self.exceptions.is_valid()])

    @transaction.atomic
    def save(self):
        structure = self.form.save()
        self.creneaux.save()
        self.exceptions.save()
        return structure


class StatutForm(FormulaireDsfr):
    statut = forms.ChoiceField(label="Nouveau statut", choices=Structure.Statut.choices)
    date = forms.DateField(label="Date d'effet", widget=CHAMP_DATE, initial=timezone.localdate)
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : la décision préfectorale, le motif d'une suspension.",
    )

    def __init__(self, *args, structure, **kwargs):
        self.structure = structure
        super().__init__(*args, **kwargs)

    def clean_statut(self):
        statut = self.cleaned_data["statut"]
        if statut == self.structure.statut:
            raise forms.ValidationError("La structure a déjà ce statut.")
        return statut

    def enregistrer(self, auteur):
        return self.structure.changer_statut(
            self.cleaned_data["statut"],
            date=self.cleaned_data["date"],
            commentaire=self.cleaned_data["commentaire"],
            auteur=auteur,
        )
