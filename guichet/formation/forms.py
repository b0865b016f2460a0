"""Les formulaires de la formation : planifier une session, inscrire un agent, saisir la présence.

Chaque règle est écrite une fois, dans `guichet.formation.services` (inscription, présence) : les
formulaires la relaient et nomment le champ en cause.
"""

from django import forms
from django.utils import timezone

from guichet.comptes.forms import FormulaireDsfr
from guichet.comptes.models import Utilisateur
from guichet.formation import services
from guichet.formation.models import Module, Presence, Session


class SessionForm(FormulaireDsfr, forms.ModelForm):
    """Planifier une session (équipe nationale)."""

    class Meta:
        model = Session
        fields = ["module", "debut", "fin", "a_distance", "lieu", "departement", "organisme_formateur", "capacite"]
        widgets = {
            "debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parcours = services.parcours_en_vigueur()
        self.fields["module"].queryset = (
            Module.objects.filter(parcours=parcours).order_by("ordre") if parcours else Module.objects.none()
        )
        self.fields["module"].empty_label = "Choisir un module"
        self.fields["departement"].required = False
        self.fields["departement"].empty_label = "Aucun (session nationale ou à distance)"

    def clean_capacite(self):
        capacite = self.cleaned_data["capacite"]
        if capacite < 1:
            raise forms.ValidationError("Une session compte au moins une place.")
        return capacite

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and debut < timezone.localdate():
            self.add_error("debut", "Le premier jour est passé : une session se planifie à l'avance.")
        if debut and fin and fin < debut:
            self.add_error("fin", "Le dernier jour précède le premier.")
        if not donnees.get("a_distance") and not (donnees.get("lieu") or "").strip():
            self.add_error("lieu", "Indiquez le lieu, ou cochez « à distance ».")
        return donnees


class ChoixSession(forms.ModelChoiceField):
    def label_from_instance(self, session):
        places = session.capacite - session.inscrits
        return (
            f"{session.module.titre} — du {session.debut:%d/%m/%Y} au {session.fin:%d/%m/%Y}, {session.ou} "
            f"({places} place{'s' if places > 1 else ''})"
        )


class InscriptionForm(FormulaireDsfr):
    """Inscrire un agent de la structure à une session à venir (responsable de structure, équipe nationale)."""

    agent = forms.ModelChoiceField(queryset=Utilisateur.objects.none(), empty_label="Choisir un agent")
    session = ChoixSession(queryset=Session.objects.none(), empty_label="Choisir une session")

    def __init__(self, *args, structure, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.fields["agent"].queryset = Utilisateur.objects.filter(pk__in=[a.pk for a in agents]).order_by(
            "last_name", "first_name"
        )
        self.fields["session"].queryset = services.sessions_ouvertes()


class PresencesForm(FormulaireDsfr):
    """La présence de chaque inscrit d'une session : un choix et, pour une présence partielle, les demi-journées."""

    def __init__(self, *args, session, inscriptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.lignes = []
        for inscription in inscriptions:
            nom = inscription.agent.get_full_name() or inscription.agent.email
            self.fields[f"presence_{inscription.pk}"] = forms.ChoiceField(
                label=f"Présence de {nom}", choices=Presence.choices, initial=inscription.presence
            )
            self.fields[f"demi_{inscription.pk}"] = forms.DecimalField(
                label=f"Demi-journées suivies par {nom} (présence partielle)",
                required=False,
                min_value=0,
                max_digits=3,
                decimal_places=1,
                initial=inscription.demi_journees_presentes if inscription.presence == Presence.PARTIEL else None,
            )
            self.lignes.append((inscription, f"presence_{inscription.pk}", f"demi_{inscription.pk}"))

    def clean(self):
        donnees = super().clean()
        self.presences = {}
        for inscription, champ_presence, champ_demi in self.lignes:
            presence = donnees.get(champ_presence)
            if presence is None:
                continue
            try:
                self.presences[inscription.pk] = services.valider_presence(
                    self.session, presence, donnees.get(champ_demi)
                )
            except ValueError as erreur:
                self.add_error(champ_demi, f"{str(erreur).capitalize()}.")
        return donnees

    def champs(self):
        return [(inscription, self[p], self[d]) for inscription, p, d in self.lignes]
