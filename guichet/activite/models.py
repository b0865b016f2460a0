"""Un accompagnement : une aide apportée à un usager, saisie par l'agent, sans donnée personnelle sur l'usager."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models


class Canal(models.TextChoices):
    ACCUEIL = "accueil", "Accueil physique"
    TELEPHONE = "telephone", "Téléphone"
    VISIO = "visio", "Visio"
    ITINERANCE = "itinerance", "Itinérance (arrêt du bus)"
    PERMANENCE = "permanence", "Permanence"


class TypeAide(models.TextChoices):
    INFORMATION = "information", "Information"
    DEMARCHE_EN_LIGNE = "demarche_en_ligne", "Aide à la démarche en ligne"
    IMPRESSION = "impression", "Impression, numérisation"
    RENDEZ_VOUS = "rendez_vous", "Prise de rendez-vous"


class Resultat(models.TextChoices):
    RESOLU = "resolu", "Résolu sur place"
    ORIENTE = "oriente", "Orienté vers l'opérateur"
    BACK_OFFICE = "back_office", "Transmis au back-office"
    RENDEZ_VOUS = "rendez_vous", "Rendez-vous pris"
    NON_RESOLU = "non_resolu", "Non résolu"


class Duree(models.TextChoices):
    MOINS_15 = "moins_15", "Moins de 15 min"
    DE_15_A_30 = "15_30", "15 à 30 min"
    DE_30_A_60 = "30_60", "30 min à 1 h"
    PLUS_60 = "plus_60", "Plus d'une heure"


class TrancheAge(models.TextChoices):
    MOINS_26 = "moins_26", "Moins de 26 ans"
    DE_26_A_59 = "26_59", "26 à 59 ans"
    DE_60_A_74 = "60_74", "60 à 74 ans"
    PLUS_75 = "plus_75", "75 ans et plus"


class Autonomie(models.TextChoices):
    AUTONOME = "autonome", "Autonome"
    PARTIELLE = "partielle", "Autonomie partielle"
    NON_AUTONOME = "non_autonome", "Non autonome"


class Accompagnement(models.Model):
    """Une aide apportée à un usager. L'identifiant est créé par le client (saisie hors ligne, API) :
    un même identifiant envoyé deux fois n'est enregistré qu'une fois."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    structure = models.ForeignKey("reseau.Structure", on_delete=models.PROTECT, related_name="accompagnements")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="accompagnements"
    )
    le = models.DateTimeField("date et heure", db_index=True)
    canal = models.CharField(max_length=12, choices=Canal.choices, default=Canal.ACCUEIL)
    passage = models.ForeignKey(
        "reseau.Passage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accompagnements",
        help_text="L'arrêt du bus ou la permanence, pour l'itinérance.",
    )
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.PROTECT, related_name="accompagnements")
    demarche = models.ForeignKey(
        "demarches.Demarche", on_delete=models.PROTECT, null=True, blank=True, related_name="accompagnements"
    )
    evenement = models.ForeignKey(
        "demarches.EvenementDeVie",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompagnements",
        verbose_name="événement de vie",
    )
    type_aide = models.CharField("type d'aide", max_length=20, choices=TypeAide.choices)
    resultat = models.CharField("résultat", max_length=12, choices=Resultat.choices)
    duree = models.CharField("durée", max_length=10, choices=Duree.choices)
    # Profil anonyme de l'usager
    tranche_age = models.CharField("tranche d'âge", max_length=10, choices=TrancheAge.choices, blank=True)
    premiere_visite = models.BooleanField("première visite", null=True, blank=True)
    autonomie = models.CharField("autonomie numérique", max_length=12, choices=Autonomie.choices, blank=True)
    besoin_allophone = models.BooleanField("usager allophone", default=False)
    besoin_handicap = models.BooleanField("usager en situation de handicap", default=False)

    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "accompagnement"
        ordering = ["-le"]
        indexes = [
            models.Index(fields=["structure", "le"], name="accompagnement_structure_le"),
            models.Index(fields=["agent", "le"], name="accompagnement_agent_le"),
            # Les statistiques retrouvent les jours à recalculer par la date de modification.
            models.Index(fields=["modifie_le"], name="accompagnement_modifie_le"),
        ]

    def __str__(self):
        return f"{self.operateur} — {self.le:%d/%m/%Y %H:%M}"


# Un agent corrige ou supprime ses propres accompagnements pendant 7 jours (date de l'accompagnement).
DELAI_CORRECTION = timedelta(days=7)
