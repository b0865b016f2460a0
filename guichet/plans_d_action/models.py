"""Les plans d'action : ce qu'une préfecture ou l'ANCT décide après un constat (audit de labellisation,
satisfaction des usagers, visite mystère, évaluation d'un back-office…), action par action, avec un
responsable, une échéance et le suivi de chacune. Une seule forme de plan pour tout le réseau : chaque
application qui fait un constat ouvre ses plans par `services.ouvrir_plan`, en nommant sa `source`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone

from guichet.temps import jour_local


class Origine(models.TextChoices):
    LABELLISATION = "labellisation", "Labellisation (audit)"
    BORNE = "borne", "Satisfaction des usagers (bornes)"
    ENQUETE = "enquete", "Enquête annuelle"
    VISITE_MYSTERE = "visite_mystere", "Visite mystère"
    EVALUATION_OPERATEUR = "evaluation_operateur", "Évaluation d'un back-office d'opérateur"
    AUTRE = "autre", "Autre constat"


class PlanDAction(models.Model):
    titre = models.CharField(max_length=200)
    origine = models.CharField(max_length=24, choices=Origine.choices, default=Origine.AUTRE)
    source_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    departement = models.ForeignKey(
        "territoires.Departement", on_delete=models.PROTECT, related_name="plans_d_action", verbose_name="département"
    )
    structure = models.ForeignKey(
        "reseau.Structure", on_delete=models.CASCADE, null=True, blank=True, related_name="plans_d_action"
    )
    operateur = models.ForeignKey(
        "reseau.Operateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans_d_action",
        verbose_name="opérateur",
        help_text="Pour un plan qui concerne le back-office d'un opérateur : son responsable départemental y répond.",
    )
    ouvert_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ouvert_le = models.DateTimeField(default=timezone.now)
    clos_le = models.DateTimeField("clos le", null=True, blank=True)

    class Meta:
        verbose_name = "plan d'action"
        verbose_name_plural = "plans d'action"
        ordering = ["-ouvert_le", "-pk"]
        indexes = [
            models.Index(fields=["departement", "clos_le"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("plans_d_action:detail", args=[self.pk])

    @property
    def clos(self) -> bool:
        return self.clos_le is not None


class ActionQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.filter(statut__in=Action.STATUTS_OUVERTS)

    def en_retard(self, jour=None):
        return self.ouvertes().filter(echeance__lt=jour or jour_local(timezone.now()))


class Action(models.Model):
    class Statut(models.TextChoices):
        A_FAIRE = "a_faire", "À faire"
        EN_COURS = "en_cours", "En cours"
        FAITE = "faite", "Faite"
        ABANDONNEE = "abandonnee", "Abandonnée"

    STATUTS_OUVERTS = (Statut.A_FAIRE, Statut.EN_COURS)

    plan = models.ForeignKey(PlanDAction, on_delete=models.CASCADE, related_name="actions")
    libelle = models.CharField("action", max_length=300)
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_a_mener",
        help_text="La personne qui mène l'action, si elle a un compte.",
    )
    echeance = models.DateField("échéance")
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.A_FAIRE)
    faite_le = models.DateField("faite le", null=True, blank=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action"
        ordering = ["echeance", "pk"]
        indexes = [models.Index(fields=["statut", "echeance"])]

    def __str__(self):
        return self.libelle

    @property
    def ouverte(self) -> bool:
        return self.statut in self.STATUTS_OUVERTS

    @property
    def en_retard(self) -> bool:
        return self.ouverte and self.echeance < jour_local(timezone.now())


class Suivi(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="suivis")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    texte = models.TextField()
    statut = models.CharField(
        "nouveau statut", max_length=10, choices=Action.Statut.choices, blank=True, help_text="Si le suivi le change."
    )
    le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "suivi d'une action"
        verbose_name_plural = "suivis des actions"
        ordering = ["le", "pk"]

    def __str__(self):
        return f"Suivi du {self.le:%d/%m/%Y}"
