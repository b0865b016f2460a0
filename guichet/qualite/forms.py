"""Le choix de la période et du champ du tableau de qualité."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from guichet.comptes.forms import FormulaireDsfr
from guichet.reseau.models import Operateur
from guichet.territoires.models import Departement

CHAMP_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DUREE_PAR_DEFAUT = timedelta(days=91)  # environ trois mois
DUREE_MAXIMALE = timedelta(days=3 * 366)


class FiltreQualiteForm(FormulaireDsfr):
    du = forms.DateField(label="Du", widget=CHAMP_DATE, required=False)
    au = forms.DateField(label="Au (inclus)", widget=CHAMP_DATE, required=False)
    operateur = forms.ModelChoiceField(label="Opérateur", queryset=None, required=False, empty_label="Tous")
    departement = forms.ModelChoiceField(label="Département", queryset=None, required=False, empty_label="Tous")

    def __init__(self, *args, perimetre, **kwargs):
        super().__init__(*args, **kwargs)
        operateurs, departements = Operateur.objects.order_by("nom"), Departement.objects.order_by("code")
        if not perimetre.tout:
            departements_vus = set(perimetre.departements) | {d for _, d in perimetre.paires}
            departements = departements.filter(pk__in=departements_vus)
            if not perimetre.departements:
                operateurs = operateurs.filter(pk__in={o for o, _ in perimetre.paires})
        self.fields["operateur"].queryset = operateurs
        self.fields["departement"].queryset = departements
        self.fields["departement"].label_from_instance = lambda d: f"{d.code} — {d.nom}"

    def clean(self):
        donnees = super().clean()
        aujourd_hui = timezone.localdate()
        au = donnees.get("au") or aujourd_hui
        du = donnees.get("du") or au - DUREE_PAR_DEFAUT + timedelta(days=1)
        if du > au:
            self.add_error("du", "La date de début doit précéder la date de fin.")
        elif au - du > DUREE_MAXIMALE:
            self.add_error("du", "La période est limitée à trois ans.")
        donnees["du"], donnees["au"] = du, au
        return donnees

    def hors_perimetre(self) -> bool:
        """Vrai si l'opérateur ou le département demandé n'est pas du périmètre de l'utilisateur."""
        return "operateur" in self.errors or "departement" in self.errors
