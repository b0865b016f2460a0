from django import forms

from guichet.comptes.forms import FormulaireDsfr


class JetonForm(FormulaireDsfr):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="À quoi il sert, pour le reconnaître plus tard : « Logiciel de la mairie », « Tablette du bus »…",
    )
