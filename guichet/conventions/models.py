"""Les conventions-cadres départementales : une par département et par période, en versions.

Une convention réunit ses signataires (le préfet, les instances locales des opérateurs, les structures
porteuses), avec l'état de la signature de chacun, les engagements de chaque opérateur (canal du back-office,
délai de réponse, offre de formation locale) et une annexe par France services (sa structure porteuse, ses
partenaires et services locaux en plus). Le PDF se génère depuis ces données.

Une nouvelle version (`services.nouvelle_version`) copie la précédente et la remplace : l'ancienne reste
lisible (page et PDF) mais ne se modifie plus (`Convention.modifiable`).
"""

from django.conf import settings
from django.db import models


class Convention(models.Model):
    departement = models.ForeignKey("territoires.Departement", on_delete=models.PROTECT, related_name="conventions")
    debut = models.DateField("début de la période")
    fin = models.DateField("fin de la période")
    version = models.PositiveSmallIntegerField(default=1)
    precedente = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="suivante", editable=False
    )
    preambule = models.TextField("préambule", blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "convention-cadre départementale"
        verbose_name_plural = "conventions-cadres départementales"
        ordering = ["departement__code", "-debut", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "debut", "version"], name="convention_version_unique"),
            models.CheckConstraint(condition=models.Q(debut__lt=models.F("fin")), name="convention_periode_ordonnee"),
        ]

    def __str__(self):
        return f"Convention-cadre {self.departement.code} {self.debut:%Y}–{self.fin:%Y}, version {self.version}"

    @property
    def remplacee(self) -> bool:
        return Convention.objects.filter(precedente=self).exists()

    @property
    def modifiable(self) -> bool:
        """Seule la dernière version se modifie : une version remplacée reste telle qu'elle a été signée."""
        return not self.remplacee


class Signataire(models.Model):
    class Qualite(models.TextChoices):
        PREFET = "prefet", "Préfet"
        OPERATEUR = "operateur", "Opérateur (instance locale)"
        PORTEUR = "porteur", "Structure porteuse"

    class Statut(models.TextChoices):
        A_SIGNER = "a_signer", "À signer"
        SIGNEE = "signee", "Signée"
        REFUSEE = "refusee", "Refusée"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="signataires")
    qualite = models.CharField("qualité", max_length=10, choices=Qualite.choices)
    nom = models.CharField(max_length=255)
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.PROTECT, null=True, blank=True)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.A_SIGNER)
    signee_le = models.DateField("signée le", null=True, blank=True)
    ordre = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = "signataire"
        ordering = ["ordre", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statut="signee", signee_le__isnull=False) | ~models.Q(statut="signee"),
                name="signature_datee",
            )
        ]

    def __str__(self):
        return f"{self.nom} ({self.get_statut_display().lower()})"


class Engagement(models.Model):
    """Ce à quoi un opérateur s'engage dans le département."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="engagements")
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.PROTECT, related_name="+")
    canal = models.CharField("canal du back-office", max_length=255)
    delai_reponse_heures = models.PositiveSmallIntegerField("délai de réponse (heures ouvrées)", default=72)
    offre_formation = models.TextField("offre de formation locale", blank=True)

    class Meta:
        verbose_name = "engagement d'un opérateur"
        verbose_name_plural = "engagements des opérateurs"
        ordering = ["operateur__ordre", "operateur__nom"]
        constraints = [models.UniqueConstraint(fields=["convention", "operateur"], name="engagement_unique")]

    def __str__(self):
        return f"{self.operateur} : {self.canal}, {self.delai_reponse_heures} h"


class Annexe(models.Model):
    """L'annexe d'une France services : sa structure porteuse, ses partenaires et services locaux."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="annexes")
    structure = models.ForeignKey("reseau.Structure", on_delete=models.PROTECT, related_name="+")
    porteur = models.CharField("structure porteuse", max_length=255)
    partenaires = models.TextField("partenaires locaux en plus", blank=True, help_text="Un par ligne.")
    services = models.TextField("services en plus", blank=True, help_text="Un par ligne.")

    class Meta:
        verbose_name = "annexe d'une France services"
        verbose_name_plural = "annexes des France services"
        ordering = ["structure__nom"]
        constraints = [models.UniqueConstraint(fields=["convention", "structure"], name="annexe_unique")]

    def __str__(self):
        return f"Annexe {self.structure}"

    @property
    def liste_partenaires(self) -> list[str]:
        return [ligne.strip() for ligne in self.partenaires.splitlines() if ligne.strip()]

    @property
    def liste_services(self) -> list[str]:
        return [ligne.strip() for ligne in self.services.splitlines() if ligne.strip()]
