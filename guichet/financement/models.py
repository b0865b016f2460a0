"""La subvention de fonctionnement des France services : barèmes annuels, sources de financement, versements.

Le montant dû n'est jamais stocké : il se calcule (`guichet.financement.calcul`) depuis le barème de l'année
et l'historique des statuts de chaque structure. Ce qui est stocké, ce sont les données de décision (barème
de l'année et sa répartition entre les sources, décidés au niveau national) et les faits (versements saisis
par les préfectures).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Sum


class SourceFinancement(models.Model):
    """Une source de la subvention : FNADT (État), fonds national France services (opérateurs), etc."""

    code = models.SlugField(unique=True)
    nom = models.CharField(max_length=150)
    financeur = models.CharField(max_length=150, blank=True, help_text="Qui abonde cette source.")
    ordre = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = "source de financement"
        verbose_name_plural = "sources de financement"
        ordering = ["ordre", "nom"]

    def __str__(self):
        return self.nom


class Bareme(models.Model):
    """Le forfait annuel d'une année (une décision le fixe) et l'aide de première année des bus."""

    annee = models.PositiveSmallIntegerField("année", unique=True)
    forfait = models.DecimalField(
        "forfait annuel de fonctionnement (€)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    aide_bus = models.DecimalField(
        "aide de première année d'un bus (€)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Versée en plus du forfait l'année où une France services itinérante est labellisée.",
    )
    source_aide_bus = models.ForeignKey(
        SourceFinancement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField("décision", max_length=255, blank=True, help_text="La décision qui fixe ce barème.")

    class Meta:
        verbose_name = "barème annuel"
        verbose_name_plural = "barèmes annuels"
        ordering = ["-annee"]

    def __str__(self):
        return f"Barème {self.annee}"

    def clean(self):
        if self.aide_bus and self.source_aide_bus_id is None:
            raise ValidationError({"source_aide_bus": "Indiquez la source qui finance l'aide aux bus."})


class PartForfait(models.Model):
    """La part d'une source dans le forfait d'une année (la somme des parts fait le forfait)."""

    bareme = models.ForeignKey(Bareme, on_delete=models.CASCADE, related_name="parts")
    source = models.ForeignKey(SourceFinancement, on_delete=models.PROTECT, related_name="parts")
    montant = models.DecimalField(
        "montant (€)", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = "part du forfait"
        verbose_name_plural = "parts du forfait"
        ordering = ["source__ordre", "source__nom"]
        constraints = [models.UniqueConstraint(fields=["bareme", "source"], name="part_unique_par_source")]

    def __str__(self):
        return f"{self.source} : {self.montant} €"


class VersementQuerySet(models.QuerySet):
    def total(self) -> Decimal:
        return self.aggregate(total=Sum("montant"))["total"] or Decimal("0")


class Versement(models.Model):
    """Un versement de la subvention d'une année à une structure, saisi par la préfecture."""

    structure = models.ForeignKey("reseau.Structure", on_delete=models.PROTECT, related_name="versements")
    annee = models.PositiveSmallIntegerField("année de la subvention")
    source = models.ForeignKey(SourceFinancement, on_delete=models.PROTECT, related_name="versements")
    date = models.DateField("date du versement")
    montant = models.DecimalField(
        "montant (€)", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reference = models.CharField("référence", max_length=60, help_text="Numéro du mandat ou de l'engagement.")
    saisi_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saisi_le = models.DateTimeField(auto_now_add=True)

    objects = VersementQuerySet.as_manager()

    class Meta:
        verbose_name = "versement"
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="versement_positif"),
            models.UniqueConstraint(fields=["structure", "annee", "reference"], name="versement_reference_unique"),
        ]
        indexes = [models.Index(fields=["annee", "structure"])]

    def __str__(self):
        return f"{self.montant} € le {self.date:%d/%m/%Y} ({self.reference})"
