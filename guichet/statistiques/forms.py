from datetime import date

from django import forms

from guichet.comptes.forms import FormulaireDsfr
from guichet.statistiques.periodes import MOIS, Periode

NATURES = [("mois", "Un mois"), ("trimestre", "Un trimestre"), ("annee", "Une année"), ("dates", "Des dates choisies")]
PREMIERE_ANNEE = 2019  # lancement de France services
DUREE_MAX_JOURS = 3 * 366


class PeriodeForm(FormulaireDsfr):
    """Le choix de la période d'un tableau de bord (formulaire GET)."""

    periode = forms.ChoiceField(label="Période", choices=NATURES, required=False)
    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False)
    mois = forms.TypedChoiceField(
        label="Mois", coerce=int, required=False, choices=[(i, nom) for i, nom in enumerate(MOIS, start=1)]
    )
    trimestre = forms.TypedChoiceField(
        label="Trimestre",
        coerce=int,
        required=False,
        choices=[(i, f"{i}{'er' if i == 1 else 'e'} trimestre") for i in range(1, 5)],
    )
    debut = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fin = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, aujourd_hui: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.aujourd_hui = aujourd_hui
        self.fields["annee"].choices = [(a, str(a)) for a in range(aujourd_hui.year, PREMIERE_ANNEE - 1, -1)]
        self.fields["annee"].initial = aujourd_hui.year
        self.fields["mois"].initial = aujourd_hui.month
        self.fields["trimestre"].initial = (aujourd_hui.month - 1) // 3 + 1
        self.fields["periode"].initial = "mois"

    def clean(self):
        donnees = super().clean()
        nature = donnees.get("periode") or "mois"
        if nature == "dates":
            debut, fin = donnees.get("debut"), donnees.get("fin")
            if not debut:
                self.add_error("debut", "Indiquez la date de début de la période.")
            if not fin:
                self.add_error("fin", "Indiquez la date de fin de la période.")
            if debut and fin:
                if fin < debut:
                    self.add_error("fin", "La date de fin doit suivre la date de début.")
                elif (fin - debut).days >= DUREE_MAX_JOURS:
                    self.add_error("fin", "La période ne peut pas dépasser trois ans.")
        return donnees

    def periode_choisie(self) -> Periode:
        """La période demandée, arrêtée à aujourd'hui ; le mois en cours si le formulaire est vide ou invalide."""
        aujourd_hui = self.aujourd_hui
        if not self.is_bound or not self.is_valid():
            return Periode.mois(aujourd_hui.year, aujourd_hui.month).tronquee(aujourd_hui)
        d = self.cleaned_data
        annee = d.get("annee") or aujourd_hui.year
        nature = d.get("periode") or "mois"
        if nature == "annee":
            periode = Periode.annee(annee)
        elif nature == "trimestre":
            periode = Periode.trimestre(annee, d.get("trimestre") or 1)
        elif nature == "dates":
            periode = Periode.dates(d["debut"], d["fin"])
        else:
            periode = Periode.mois(annee, d.get("mois") or aujourd_hui.month)
        return periode.tronquee(aujourd_hui)
