"""Les formulaires des enquêtes : campagne, question, questionnaire (construit depuis les questions),
évaluation du back-office des opérateurs. Chaque objet a un seul validateur : celui de son formulaire."""

import secrets
import time

from django import forms
from django.core import signing

from guichet.comptes.forms import FormulaireDsfr
from guichet.enquetes.models import NOTES, Campagne, Nature, Question

CHAMP_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LONGUEUR_TEXTE = 2000


class CampagneForm(FormulaireDsfr, forms.ModelForm):
    class Meta:
        model = Campagne
        fields = ["titre", "public", "debut", "fin", "introduction"]
        widgets = {"debut": CHAMP_DATE, "fin": CHAMP_DATE, "introduction": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and debut > fin:
            self.add_error("fin", "La date de fin doit suivre la date d'ouverture.")
        return donnees


class QuestionForm(FormulaireDsfr, forms.ModelForm):
    choix_texte = forms.CharField(
        label="Choix proposés (un par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pour une question à choix unique : de 2 à 12 choix.",
    )

    class Meta:
        model = Question
        fields = ["libelle", "nature", "echelle_max", "obligatoire"]

    def clean(self):
        donnees = super().clean()
        nature = donnees.get("nature")
        choix = [ligne.strip() for ligne in donnees.get("choix_texte", "").splitlines() if ligne.strip()]
        if nature == Nature.CHOIX:
            if not 2 <= len(choix) <= 12:
                self.add_error("choix_texte", "Donnez de 2 à 12 choix, un par ligne.")
            elif len(set(choix)) != len(choix):
                self.add_error("choix_texte", "Deux choix portent le même libellé.")
            elif any(len(c) > 200 for c in choix):
                self.add_error("choix_texte", "Un choix fait au plus 200 caractères.")
        elif choix:
            self.add_error("choix_texte", "Seule une question à choix unique a des choix.")
        donnees["choix"] = choix if nature == Nature.CHOIX else []
        return donnees

    def save(self, commit=True):
        self.instance.choix = self.cleaned_data["choix"]
        return super().save(commit)


# Le questionnaire


DELAI_MINIMUM_S = 2  # plus rapide qu'une personne qui lit les questions : refusé
DUREE_MAXIMALE_S = 2 * 3600
SEL_JETON = "guichet.enquetes.questionnaire"


def jeton_questionnaire(campagne, structure) -> str:
    """Un jeton signé posé dans le formulaire : campagne, structure, heure d'affichage et un nonce à usage
    unique. Aucune donnée personnelle : c'est la mesure contre les envois automatiques."""
    return signing.dumps(
        {"c": campagne.pk, "s": structure.pk, "t": time.time(), "n": secrets.token_urlsafe(12)}, salt=SEL_JETON
    )


class QuestionnaireForm(FormulaireDsfr):
    """Les questions d'une campagne, une par champ (`q<pk>`). `public` : ajoute le jeton et le pot de miel."""

    def __init__(self, *args, campagne, structure=None, public=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.campagne, self.structure, self.public = campagne, structure, public
        self.nonce = None
        for question in campagne.questions.all():
            nom = f"q{question.pk}"
            if question.nature == Nature.ECHELLE:
                maximum = question.echelle_max
                choix = [
                    (str(i), f"{i}" + (" (le moins)" if i == 1 else " (le plus)" if i == maximum else ""))
                    for i in range(1, maximum + 1)
                ]
                champ = forms.ChoiceField(choices=choix, widget=forms.RadioSelect)
            elif question.nature == Nature.CHOIX:
                champ = forms.ChoiceField(choices=[(c, c) for c in question.choix], widget=forms.RadioSelect)
            else:
                champ = forms.CharField(
                    max_length=LONGUEUR_TEXTE,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    help_text="N'écrivez ni votre nom, ni vos coordonnées : ils seraient effacés.",
                )
            champ.label = question.libelle
            champ.required = question.obligatoire
            self.fields[nom] = champ
        if public:
            self.fields["jeton"] = forms.CharField(widget=forms.HiddenInput)
            self.fields["site_web"] = forms.CharField(
                required=False,
                label="Ne pas remplir ce champ",
                widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
            )
            if not self.is_bound:
                self.initial["jeton"] = jeton_questionnaire(campagne, structure)

    def champs_questions(self):
        return [self[nom] for nom in self.fields if nom.startswith("q")]

    def clean_site_web(self):
        if self.cleaned_data.get("site_web"):
            raise forms.ValidationError("Envoi refusé.")
        return ""

    def clean_jeton(self):
        try:
            donnees = signing.loads(self.cleaned_data["jeton"], salt=SEL_JETON, max_age=DUREE_MAXIMALE_S)
        except signing.SignatureExpired as erreur:
            raise forms.ValidationError(
                "Le questionnaire est resté ouvert trop longtemps : rechargez la page."
            ) from erreur
        except signing.BadSignature as erreur:
            raise forms.ValidationError("Questionnaire invalide : rechargez la page.") from erreur
        if donnees.get("c") != self.campagne.pk or donnees.get("s") != getattr(self.structure, "pk", None):
            raise forms.ValidationError("Questionnaire invalide : rechargez la page.")
        if time.time() - float(donnees.get("t", 0)) < DELAI_MINIMUM_S:
            raise forms.ValidationError("Réponse trop rapide : prenez le temps de lire les questions, puis envoyez.")
        self.nonce = str(donnees.get("n", ""))
        return ""

    def clean(self):
        donnees = super().clean()
        if not any(donnees.get(f"q{q.pk}") for q in self.campagne.questions.all()):
            raise forms.ValidationError("Répondez à au moins une question.")
        return donnees

    def reponses(self) -> dict:
        """{question_pk: valeur} des réponses données."""
        return {int(nom[1:]): v for nom, v in self.cleaned_data.items() if nom.startswith("q") and v not in (None, "")}


class EvaluationForm(FormulaireDsfr):
    """Les trois notes et le commentaire d'une structure pour un opérateur (préfixe : le code de l'opérateur)."""

    joignabilite = forms.TypedChoiceField(label="Joignabilité", choices=[("", "—"), *NOTES], coerce=int, required=False)
    delai = forms.TypedChoiceField(label="Délai de réponse", choices=[("", "—"), *NOTES], coerce=int, required=False)
    utilite = forms.TypedChoiceField(
        label="Utilité des réponses", choices=[("", "—"), *NOTES], coerce=int, required=False
    )
    commentaire = forms.CharField(
        label="Commentaire libre", required=False, max_length=LONGUEUR_TEXTE, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        donnees = super().clean()
        notes = [donnees.get(c) for c in ("joignabilite", "delai", "utilite")]
        if any(n not in (None, "") for n in notes) and not all(n not in (None, "") for n in notes):
            raise forms.ValidationError("Donnez les trois notes, ou aucune.")
        if donnees.get("commentaire") and not all(n not in (None, "") for n in notes):
            raise forms.ValidationError("Un commentaire accompagne les trois notes.")
        return donnees

    @property
    def note(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("joignabilite") not in (None, "")
