"""Les formulaires des visites mystères : campagne, visite planifiée, saisie de l'évaluateur."""

from django import forms
from django.utils import timezone

from guichet.comptes.forms import FormulaireDsfr
from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.reseau.models import Structure
from guichet.visites.models import SCENARIOS, CampagneVisites, Grille, Visite

CHAMP_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampagneVisitesForm(FormulaireDsfr, forms.ModelForm):
    class Meta:
        model = CampagneVisites
        fields = ["titre", "grille", "departement", "debut", "fin"]
        widgets = {"debut": CHAMP_DATE, "fin": CHAMP_DATE}

    def __init__(self, *args, departements, national, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grille"].queryset = Grille.objects.filter(publiee_le__isnull=False)
        self.fields["departement"].queryset = departements.order_by("code")
        self.fields["departement"].required = not national
        self.fields["departement"].empty_label = "Campagne nationale" if national else None
        self.fields["departement"].label_from_instance = lambda d: f"{d.code} — {d.nom}"

    def clean(self):
        donnees = super().clean()
        if donnees.get("debut") and donnees.get("fin") and donnees["debut"] > donnees["fin"]:
            self.add_error("fin", "La fin de la période doit suivre son début.")
        return donnees


def evaluateurs():
    """Les comptes actifs au rôle d'auditeur : ceux qu'on peut désigner pour une visite."""
    ids = Habilitation.objects.actives().filter(role=Role.AUDITEUR).values("utilisateur_id")
    return Utilisateur.objects.filter(pk__in=ids).order_by("last_name", "first_name", "email")


class VisiteForm(FormulaireDsfr):
    matricule = forms.CharField(label="Matricule de la structure visitée", max_length=40)
    evaluateur = forms.ModelChoiceField(label="Évaluateur désigné", queryset=Utilisateur.objects.none())
    prevue_le = forms.DateField(label="Date prévue (jamais montrée à la structure)", widget=CHAMP_DATE)

    def __init__(self, *args, campagne, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.campagne, self.structures = campagne, structures
        self.fields["evaluateur"].queryset = evaluateurs()
        self.fields["evaluateur"].label_from_instance = lambda u: f"{u.get_full_name() or u.email} ({u.email})"

    def clean_matricule(self):
        matricule = self.cleaned_data["matricule"].strip()
        structure = self.structures.filter(matricule=matricule).first()
        if structure is None:
            raise forms.ValidationError(f"Aucune structure « {matricule} » dans le champ de cette campagne.")
        if self.campagne.visites.filter(structure=structure).exists():
            raise forms.ValidationError("Cette structure a déjà sa visite dans la campagne.")
        self.cleaned_data["structure"] = structure
        return matricule

    def clean_prevue_le(self):
        jour = self.cleaned_data["prevue_le"]
        if not self.campagne.debut <= jour <= self.campagne.fin:
            raise forms.ValidationError(
                f"La visite a lieu dans la période de la campagne ({self.campagne.debut:%d/%m/%Y} – "
                f"{self.campagne.fin:%d/%m/%Y})."
            )
        return jour

    def clean(self):
        donnees = super().clean()
        structure, evaluateur = donnees.get("structure"), donnees.get("evaluateur")
        if structure and evaluateur and evaluateur.habilitations.filter(structure=structure).exists():
            self.add_error("evaluateur", "L'évaluateur travaille dans cette structure : choisissez quelqu'un d'autre.")
        return donnees

    def creer(self) -> Visite:
        d = self.cleaned_data
        return Visite.objects.create(
            campagne=self.campagne, structure=d["structure"], evaluateur=d["evaluateur"], prevue_le=d["prevue_le"]
        )


class SaisieVisiteForm(FormulaireDsfr):
    """La saisie de l'évaluateur : scénario, jour, une note par critère de la grille (et son commentaire)."""

    scenario = forms.ChoiceField(label="Scénario joué", choices=[("", "—"), *SCENARIOS])
    realisee_le = forms.DateField(label="Jour de la visite", widget=CHAMP_DATE)
    commentaire = forms.CharField(
        label="Appréciation générale", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, visite, **kwargs):
        super().__init__(*args, **kwargs)
        self.visite = visite
        self.criteres = list(visite.campagne.grille.criteres.all())
        notes = {n.critere_id: n for n in visite.notes.all()}
        if not self.is_bound and visite.realisee:
            self.initial.update(
                scenario=visite.scenario, realisee_le=visite.realisee_le, commentaire=visite.commentaire
            )
        for critere in self.criteres:
            self.fields[f"c{critere.pk}"] = forms.TypedChoiceField(
                label=critere.libelle,
                help_text=critere.aide,
                choices=[(i, f"{i} — {libelle}") for i, libelle in enumerate(critere.niveaux, start=1)],
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"c{critere.pk}_commentaire"] = forms.CharField(
                label=f"Commentaire ({critere.libelle})", required=False, max_length=2000
            )
            if critere.pk in notes and not self.is_bound:
                self.initial[f"c{critere.pk}"] = notes[critere.pk].valeur
                self.initial[f"c{critere.pk}_commentaire"] = notes[critere.pk].commentaire

    def clean_realisee_le(self):
        jour = self.cleaned_data["realisee_le"]
        campagne = self.visite.campagne
        if jour > timezone.localdate():
            raise forms.ValidationError("La visite ne peut pas être datée dans le futur.")
        if not campagne.debut <= jour <= campagne.fin:
            raise forms.ValidationError(
                "Le jour de la visite est dans la période de la campagne "
                f"({campagne.debut:%d/%m/%Y} – {campagne.fin:%d/%m/%Y})."
            )
        return jour

    def notes(self) -> dict:
        d = self.cleaned_data
        return {c: (d[f"c{c.pk}"], d.get(f"c{c.pk}_commentaire", "")) for c in self.criteres}


def structures_de_la_campagne(campagne):
    structures = Structure.objects.all()
    if campagne.departement_id:
        structures = structures.filter(commune__departement_id=campagne.departement_id)
    return structures
