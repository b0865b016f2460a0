"""Les formulaires du dossier de labellisation : une étape, un formulaire ; les règles sont dans les modèles."""

from django import forms
from django.utils import timezone

from guichet.comptes.forms import FormulaireDsfr
from guichet.labellisation.models import Audit, Etape

CHAMP_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _motifs(label="Motifs", requis=True):
    return forms.CharField(label=label, required=requis, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ProposerForm(FormulaireDsfr):
    structure = forms.ModelChoiceField(label="Site proposé", queryset=None, empty_label="Choisir un site")
    email_responsable = forms.EmailField(
        label="Adresse du futur responsable du site (facultatif)",
        help_text="À la labellisation, le lien d'inscription lui sera envoyé.",
        required=False,
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures.select_related("commune").order_by("nom")
        self.fields["structure"].label_from_instance = lambda s: f"{s.nom} ({s.commune.nom})"


class CommentaireForm(FormulaireDsfr):
    commentaire = _motifs("Commentaire (facultatif)", requis=False)


class PlanifierForm(FormulaireDsfr):
    auditeur = forms.ModelChoiceField(label="Auditeur", queryset=None, empty_label="Choisir l'auditeur")
    date_prevue = forms.DateField(label="Date de la visite", widget=CHAMP_DATE)

    def __init__(self, *args, auditeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auditeur"].queryset = auditeurs
        self.fields["auditeur"].label_from_instance = lambda u: u.get_full_name() or u.email

    def clean_date_prevue(self):
        date = self.cleaned_data["date_prevue"]
        if date < timezone.localdate():
            raise forms.ValidationError("La visite ne peut pas être planifiée dans le passé.")
        return date


class AvisForm(FormulaireDsfr):
    avis = forms.ChoiceField(
        label="Avis de l'ANCT",
        choices=[("favorable", "Favorable"), ("defavorable", "Défavorable")],
        widget=forms.RadioSelect,
    )
    motifs = _motifs("Motifs (obligatoires pour un avis défavorable)", requis=False)


class DecisionForm(FormulaireDsfr):
    decision = forms.ChoiceField(
        label="Décision du préfet",
        choices=[("labelliser", "Labelliser le site"), ("refuser", "Refuser la labellisation")],
        widget=forms.RadioSelect,
    )
    date = forms.DateField(
        label="Date de labellisation",
        widget=CHAMP_DATE,
        required=False,
        help_text="Aujourd'hui si vide. Le site entre dans l'annuaire public ce jour-là (date à venir permise).",
    )
    email_responsable = forms.EmailField(label="Adresse du futur responsable (lien d'inscription)", required=False)
    motifs = _motifs("Motifs (obligatoires pour un refus)", requis=False)


class MiseEnDemeureForm(FormulaireDsfr):
    echeance = forms.DateField(label="Échéance", widget=CHAMP_DATE)
    motifs = _motifs()


class MotifsForm(FormulaireDsfr):
    motifs = _motifs()


class ConclureForm(FormulaireDsfr):
    conclusion = forms.ChoiceField(
        label="Conclusion de l'audit", choices=Audit.Conclusion.choices, widget=forms.RadioSelect
    )
    synthese = _motifs("Synthèse", requis=False)


class PieceForm(FormulaireDsfr):
    fichier = forms.FileField(label="Photo ou document", help_text="PDF, image ou document bureautique, 10 Mo au plus.")


# Les actions sur un dossier : (libellé du bouton, formulaire, étapes où elle est proposée).
ACTIONS = {
    "deposer": ("Déposer la candidature", CommentaireForm, (Etape.PROJET, Etape.REFUSEE, Etape.RETIREE)),
    "deposer_porteur": (
        "Déposer la candidature du site (porteur)",
        CommentaireForm,
        (Etape.PROJET, Etape.REFUSEE, Etape.RETIREE),
    ),
    "endosser": ("Endosser la candidature", CommentaireForm, (Etape.CANDIDATURE_PORTEUR,)),
    "planifier": ("Planifier l'audit", PlanifierForm, (Etape.CANDIDATURE,)),
    "controle": (
        "Planifier un contrôle de conformité",
        PlanifierForm,
        (Etape.LABELLISEE, Etape.MISE_EN_DEMEURE, Etape.SUSPENDUE),
    ),
    "avis": ("Enregistrer l'avis de l'ANCT", AvisForm, (Etape.AUDIT_REALISE,)),
    "decider": ("Enregistrer la décision", DecisionForm, (Etape.AVIS_FAVORABLE, Etape.AVIS_DEFAVORABLE)),
    "mettre_en_demeure": ("Mettre en demeure", MiseEnDemeureForm, (Etape.LABELLISEE,)),
    "lever": ("Lever la mise en demeure", CommentaireForm, (Etape.MISE_EN_DEMEURE,)),
    "suspendre": ("Suspendre le label", MotifsForm, (Etape.LABELLISEE, Etape.MISE_EN_DEMEURE)),
    "retablir": ("Rétablir le label", CommentaireForm, (Etape.SUSPENDUE,)),
    "retirer": ("Retirer le label", MotifsForm, (Etape.LABELLISEE, Etape.MISE_EN_DEMEURE, Etape.SUSPENDUE)),
}
