"""Le catalogue des démarches, par opérateur, et les événements de vie : des données, pas du code.

Partagé par l'activité (la démarche d'un accompagnement), les demandes (l'objet d'une demande au
back-office) et le bureau de l'agent (les guides par événement de vie).
"""

from django.db import models


class EvenementDeVie(models.Model):
    """Un moment de vie qui entraîne plusieurs démarches (« je déménage », « j'attends un enfant »…)."""

    code = models.SlugField(unique=True)
    libelle = models.CharField("libellé", max_length=100)
    ordre = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = "événement de vie"
        verbose_name_plural = "événements de vie"
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle


class DemarcheQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(active=True)


class Demarche(models.Model):
    """Une démarche d'un opérateur (CAF : prime d'activité ; France Titres : carte grise…)."""

    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.PROTECT, related_name="demarches")
    code = models.SlugField()
    libelle = models.CharField("libellé", max_length=150)
    mots_cles = models.CharField(
        "mots-clés",
        max_length=300,
        blank=True,
        help_text="Synonymes et sigles pour la recherche, séparés par des espaces.",
    )
    evenements = models.ManyToManyField(EvenementDeVie, blank=True, related_name="demarches")
    ordre = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True, help_text="Une démarche retirée reste dans l'historique.")

    objects = DemarcheQuerySet.as_manager()

    class Meta:
        verbose_name = "démarche"
        ordering = ["operateur__ordre", "ordre", "libelle"]
        constraints = [models.UniqueConstraint(fields=["operateur", "code"], name="demarche_unique_par_operateur")]

    def __str__(self):
        return f"{self.operateur.nom} — {self.libelle}"
