"""Les pages institutionnelles du pied de page, que l'équipe nationale tient à jour depuis son espace."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from guichet.pages import texte


class Page(models.Model):
    class Nom(models.TextChoices):
        ACCESSIBILITE = "accessibilite", "Déclaration d'accessibilité"
        MENTIONS_LEGALES = "mentions-legales", "Mentions légales"
        DONNEES_PERSONNELLES = "donnees-personnelles", "Données personnelles"

    slug = models.SlugField("page", max_length=40, unique=True, choices=Nom.choices)
    titre = models.CharField(max_length=200)
    libelle_pied = models.CharField(
        "libellé du lien dans le pied de page",
        max_length=80,
        help_text="Pour l'accessibilité, il porte l'état de conformité (« Accessibilité : non conforme »).",
    )
    contenu = models.TextField(validators=[texte.verifier])
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    modifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "page institutionnelle"
        verbose_name_plural = "pages institutionnelles"
        ordering = ["slug"]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse(f"pages:{self.slug}")

    @property
    def html(self):
        return texte.en_html(self.contenu)
