"""Les bornes de satisfaction, les avis qu'elles recueillent et les invitations à donner son avis.

- `Borne` : une tablette appairée à une structure par un jeton d'appareil (montré une fois, gardé en
  empreinte SHA-256, révocable). Aucune session d'agent sur la tablette : le jeton ne donne que le droit
  d'envoyer des avis pour cette structure.
- `Avis` : une réponse d'usager, identifiée par un UUID créé sur la tablette (ou le téléphone) : un
  envoi répété ne crée jamais de doublon. Un avis donné plus vite qu'un humain ne le peut est gardé,
  mais `signale` et tenu hors des chiffres.
- `InvitationAvis` : un lien à usage unique (code QR) remis par l'agent après un accompagnement, valable
  7 jours, qui porte l'opérateur et la démarche de cet accompagnement.
- `SatisfactionMois` : l'agrégat mensuel par structure (avis comptés, satisfaits, réponses aux questions
  facultatives), recalculé depuis les avis à chaque envoi pour les mois touchés : les pages de résultats
  le lisent, jamais les avis un par un.
"""

import uuid

from django.conf import settings
from django.db import models

NOTE_SATISFAIT = 4  # 4 ou 5 sur 5 : satisfait


class Attente(models.TextChoices):
    MOINS_10 = "moins_10", "Moins de 10 minutes"
    DE_10_A_30 = "10_30", "De 10 à 30 minutes"
    PLUS_30 = "plus_30", "Plus de 30 minutes"


class BorneQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(revoquee_le__isnull=True)


class Borne(models.Model):
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="bornes")
    nom = models.CharField(max_length=100, help_text="Où est la tablette (sortie, accueil…).")
    prefixe = models.CharField("début du jeton", max_length=16)
    empreinte = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    creee_le = models.DateTimeField("appairée le", auto_now_add=True)
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    utilisee_le = models.DateTimeField("dernier envoi", null=True, blank=True)
    revoquee_le = models.DateTimeField("révoquée le", null=True, blank=True)

    objects = BorneQuerySet.as_manager()

    class Meta:
        verbose_name = "borne de satisfaction"
        verbose_name_plural = "bornes de satisfaction"
        ordering = ["-creee_le"]

    def __str__(self):
        return f"{self.nom} ({self.prefixe}…)"

    @property
    def active(self):
        return self.revoquee_le is None


class InvitationAvis(models.Model):
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="invitations_avis")
    accompagnement = models.ForeignKey(
        "activite.Accompagnement", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_avis"
    )
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.SET_NULL, null=True, blank=True)
    demarche = models.ForeignKey("demarches.Demarche", on_delete=models.SET_NULL, null=True, blank=True)
    empreinte = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    creee_le = models.DateTimeField(auto_now_add=True)
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expire_le = models.DateTimeField()
    utilisee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation à donner son avis"
        verbose_name_plural = "invitations à donner son avis"

    def __str__(self):
        return f"Invitation du {self.creee_le:%d/%m/%Y} ({self.structure})"


class Avis(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="avis")
    borne = models.ForeignKey(Borne, on_delete=models.SET_NULL, null=True, blank=True, related_name="avis")
    invitation = models.OneToOneField(
        InvitationAvis, on_delete=models.SET_NULL, null=True, blank=True, related_name="avis"
    )
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.SET_NULL, null=True, blank=True)
    demarche = models.ForeignKey("demarches.Demarche", on_delete=models.SET_NULL, null=True, blank=True)
    le = models.DateTimeField("donné le")
    recu_le = models.DateTimeField("reçu le", auto_now_add=True)
    note = models.PositiveSmallIntegerField("satisfaction (1 à 5)")
    resolu = models.BooleanField("problème résolu", null=True, blank=True)
    attente = models.CharField("temps d'attente", max_length=10, choices=Attente.choices, blank=True)
    reviendrait = models.BooleanField("reviendrait", null=True, blank=True)
    signale = models.BooleanField(
        "signalé", default=False, help_text="Donné plus vite qu'un humain ne le peut : gardé, hors des chiffres."
    )

    class Meta:
        verbose_name = "avis d'usager"
        verbose_name_plural = "avis d'usagers"
        indexes = [
            models.Index(fields=["structure", "le"], name="bornes_avis_structure_le"),
            models.Index(fields=["borne", "le"], name="bornes_avis_borne_le"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(note__gte=1, note__lte=5), name="bornes_avis_note_1_a_5"),
        ]

    def __str__(self):
        return f"{self.note}/5 le {self.le:%d/%m/%Y %H:%M}"


class SatisfactionMois(models.Model):
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="+")
    # Le département de la structure, recopié : la page nationale regroupe sans jointure.
    departement = models.ForeignKey("territoires.Departement", on_delete=models.CASCADE, related_name="+")
    mois = models.DateField(help_text="Premier jour du mois.")
    reponses = models.PositiveIntegerField(default=0)
    satisfaits = models.PositiveIntegerField(default=0)
    resolu_reponses = models.PositiveIntegerField(default=0)
    resolu_oui = models.PositiveIntegerField(default=0)
    reviendrait_reponses = models.PositiveIntegerField(default=0)
    reviendrait_oui = models.PositiveIntegerField(default=0)
    signales = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "satisfaction du mois"
        verbose_name_plural = "satisfaction par mois"
        constraints = [models.UniqueConstraint(fields=["structure", "mois"], name="bornes_satisfaction_mois_unique")]
        indexes = [
            models.Index(fields=["mois", "structure"], name="bornes_satisfaction_mois"),
            models.Index(fields=["departement", "mois"], name="bornes_satisfaction_dep_mois"),
        ]

    def __str__(self):
        return f"{self.structure_id} {self.mois:%m/%Y} : {self.satisfaits}/{self.reponses}"
