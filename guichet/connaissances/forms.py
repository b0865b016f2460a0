from django import forms

from guichet.comptes.forms import FormulaireDsfr


class RechercheForm(FormulaireDsfr):
    """La question et les filtres de la page de recherche (GET)."""

    q = forms.CharField(label="Votre question", max_length=300, required=False)
    operateur = forms.ChoiceField(label="Opérateur", required=False)
    theme = forms.ChoiceField(label="Thème", required=False)
    mode = forms.ChoiceField(
        label="Classement",
        required=False,
        choices=[
            ("auto", "Mots et sens dès qu'ils sont prêts"),
            ("lexical", "Mots de la question seulement"),
            ("hybride", "Mots et sens"),
        ],
    )

    def __init__(self, *args, operateurs=(), themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operateur"].choices = [("", "Tous les opérateurs")] + [(o.code, o.nom) for o in operateurs]
        self.fields["theme"].choices = [("", "Tous les thèmes")] + [(t.identifiant, t.titre) for t in themes]
