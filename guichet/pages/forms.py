from django import forms

from guichet.comptes.forms import FormulaireDsfr
from guichet.pages.models import Page


class PageForm(FormulaireDsfr, forms.ModelForm):
    """Modification d'une page institutionnelle (équipe nationale) ; le texte est vérifié par `texte.verifier`."""

    class Meta:
        model = Page
        fields = ["titre", "libelle_pied", "contenu"]
        widgets = {"contenu": forms.Textarea(attrs={"rows": 30})}
        help_texts = {
            "contenu": "« ## Titre » pour un intertitre, « - » en début de ligne pour une liste, une ligne vide "
            "entre deux paragraphes, [libellé](https://…) pour un lien, **texte** pour du gras ; « {contact} » "
            "devient l'adresse de contact de la plateforme."
        }
