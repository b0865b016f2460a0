"""Le référentiel de labellisation, en données versionnées : des versions datées et leurs critères.

Un référentiel naît brouillon (modifiable), est publié (il devient celui en vigueur et le précédent est
remplacé), et n'est plus jamais modifié ensuite : un audit garde la version qu'il a utilisée, elle doit
rester telle qu'il l'a lue. Pour le faire évoluer, on en copie un brouillon (`copier_en_brouillon`),
que l'on modifie puis publie.

La garde est posée au plus près des données : `save` et `delete` des deux modèles, et les `update` /
`delete` de leurs QuerySet, refusent de toucher une version publiée ou remplacée (seul le passage de
« publié » à « remplacé » est permis, par `publier`).
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone


class ReferentielFige(ValidationError):
    """Une écriture sur un référentiel publié ou remplacé."""


class StatutReferentiel(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    PUBLIE = "publie", "Publié"
    REMPLACE = "remplace", "Remplacé"


class Famille(models.TextChoices):
    ACCUEIL = "accueil", "Accueil"
    SERVICES = "services", "Services"
    EQUIPEMENT = "equipement", "Équipement"
    AGENTS = "agents", "Agents"
    OUTILS = "outils", "Outils"
    QUALITE = "qualite", "Qualité"
    GOUVERNANCE = "gouvernance", "Gouvernance"


class Preuve(models.TextChoices):
    AUTOMATIQUE = "automatique", "Automatique (données de la plateforme)"
    DECLARATION = "declaration", "Déclaration"
    CONTROLE = "controle", "Contrôle sur place"
    DOCUMENT = "document", "Document"


class Verification(models.TextChoices):
    """Les vérifications que la plateforme sait faire seule (voir `guichet.labellisation.verifications`)."""

    HORAIRES = "horaires", "Ouverture d'au moins 24 h sur au moins 5 jours"
    AGENTS = "agents", "Au moins deux agents"
    OPERATEURS = "operateurs", "Tous les opérateurs nationaux joignables"
    OUTILS = "outils", "Outils du réseau utilisés"


def _message_fige(referentiel) -> str:
    return (
        f"Le référentiel « {referentiel.titre} » est {referentiel.get_statut_display().lower()} : "
        "il ne peut plus être modifié. Copiez-le en brouillon pour le faire évoluer."
    )


class ReferentielQuerySet(models.QuerySet):
    def en_vigueur(self):
        """Le référentiel publié (un seul à la fois), ou None."""
        return self.filter(statut=StatutReferentiel.PUBLIE).order_by("-publie_le", "-date").first()

    def update(self, **valeurs):
        if self.exclude(statut=StatutReferentiel.BROUILLON).exists():
            raise ReferentielFige("Un référentiel publié ou remplacé ne peut plus être modifié.")
        return super().update(**valeurs)

    def delete(self):
        if self.exclude(statut=StatutReferentiel.BROUILLON).exists():
            raise ReferentielFige("Un référentiel publié ou remplacé ne peut pas être supprimé.")
        return super().delete()


class Referentiel(models.Model):
    """Une version nommée et datée du référentiel national (circulaire, arrêté)."""

    code = models.SlugField(unique=True, help_text="Identifiant stable, repris dans les exports.")
    titre = models.CharField(max_length=255)
    date = models.DateField("date du texte")
    statut = models.CharField(max_length=10, choices=StatutReferentiel.choices, default=StatutReferentiel.BROUILLON)
    publie_le = models.DateTimeField("publié le", null=True, blank=True, editable=False)
    origine = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="copies",
        help_text="La version dont ce brouillon est la copie.",
    )

    objects = ReferentielQuerySet.as_manager()

    class Meta:
        verbose_name = "référentiel"
        ordering = ["-date", "code"]

    def __str__(self):
        return f"{self.titre} ({self.get_statut_display().lower()})"

    def save(self, *args, **kwargs):
        avant = self._statut_enregistre()
        if avant is None and self.statut != StatutReferentiel.BROUILLON:
            raise ReferentielFige("Un référentiel naît brouillon : publiez-le ensuite.")
        if avant in (StatutReferentiel.PUBLIE, StatutReferentiel.REMPLACE):
            raise ReferentielFige(_message_fige(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._statut_enregistre() != StatutReferentiel.BROUILLON:
            raise ReferentielFige(_message_fige(self))
        return super().delete(*args, **kwargs)

    @property
    def modifiable(self) -> bool:
        return self.statut == StatutReferentiel.BROUILLON

    def _statut_enregistre(self):
        if self.pk is None:
            return None
        return Referentiel.objects.filter(pk=self.pk).values_list("statut", flat=True).first()

    @transaction.atomic
    def publier(self):
        """Publie ce brouillon : il devient le référentiel en vigueur, le précédent est remplacé."""
        if self._statut_enregistre() != StatutReferentiel.BROUILLON:
            raise ReferentielFige(_message_fige(self))
        if not self.criteres.exists():
            raise ValidationError("Un référentiel sans critère ne peut pas être publié.")
        for ancien in Referentiel.objects.select_for_update().filter(statut=StatutReferentiel.PUBLIE):
            ancien.statut = StatutReferentiel.REMPLACE
            super(Referentiel, ancien).save(update_fields=["statut"])
        self.statut = StatutReferentiel.PUBLIE
        self.publie_le = timezone.now()
        super().save(update_fields=["statut", "publie_le"])

    @transaction.atomic
    def copier_en_brouillon(self, code, titre, date=None):
        """Un brouillon qui reprend tous les critères de cette version, pour la faire évoluer."""
        copie = Referentiel.objects.create(
            code=code, titre=titre, date=date or timezone.localdate(), statut=StatutReferentiel.BROUILLON, origine=self
        )
        Critere.objects.bulk_create(
            [
                Critere(
                    referentiel=copie,
                    code=c.code,
                    titre=c.titre,
                    famille=c.famille,
                    preuve=c.preuve,
                    verification=c.verification,
                    bloquant=c.bloquant,
                    aide=c.aide,
                    ordre=c.ordre,
                )
                for c in self.criteres.all()
            ]
        )
        return copie


class CritereQuerySet(models.QuerySet):
    def automatiques(self):
        return self.filter(preuve=Preuve.AUTOMATIQUE).exclude(verification="")

    def update(self, **valeurs):
        if self.exclude(referentiel__statut=StatutReferentiel.BROUILLON).exists():
            raise ReferentielFige("Les critères d'un référentiel publié ou remplacé ne peuvent plus être modifiés.")
        return super().update(**valeurs)

    def delete(self):
        if self.exclude(referentiel__statut=StatutReferentiel.BROUILLON).exists():
            raise ReferentielFige("Les critères d'un référentiel publié ou remplacé ne peuvent pas être supprimés.")
        return super().delete()


class Critere(models.Model):
    """Un critère d'une version du référentiel."""

    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="criteres")
    code = models.SlugField(max_length=60, help_text="Identifiant stable d'une version à l'autre.")
    titre = models.CharField(max_length=255)
    famille = models.CharField(max_length=12, choices=Famille.choices)
    preuve = models.CharField("nature de la preuve", max_length=12, choices=Preuve.choices)
    verification = models.CharField(
        "vérification automatique",
        max_length=12,
        choices=Verification.choices,
        blank=True,
        help_text="Pour une preuve automatique : ce que la plateforme calcule.",
    )
    bloquant = models.BooleanField(default=False, help_text="Une non-conformité interdit un avis favorable.")
    aide = models.TextField("aide pour l'auditeur", blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    objects = CritereQuerySet.as_manager()

    class Meta:
        verbose_name = "critère"
        ordering = ["referentiel", "ordre", "code"]
        constraints = [
            models.UniqueConstraint(fields=["referentiel", "code"], name="critere_code_unique"),
            models.CheckConstraint(
                name="critere_automatique_verifie",
                condition=~models.Q(preuve="automatique", verification=""),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.titre}"

    def save(self, *args, **kwargs):
        ids = {self.referentiel_id}
        if self.pk is not None:
            ids |= set(Critere.objects.filter(pk=self.pk).values_list("referentiel_id", flat=True))
        for referentiel_id in ids:
            if fige := self._referentiel_fige(referentiel_id):
                raise ReferentielFige(_message_fige(fige))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if fige := self._referentiel_fige(self.referentiel_id):
            raise ReferentielFige(_message_fige(fige))
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.preuve == Preuve.AUTOMATIQUE and not self.verification:
            raise ValidationError({"verification": "Une preuve automatique dit ce que la plateforme vérifie."})
        if self.verification and self.preuve != Preuve.AUTOMATIQUE:
            raise ValidationError({"verification": "Seule une preuve automatique a une vérification automatique."})

    def _referentiel_fige(self, referentiel_id):
        return Referentiel.objects.filter(pk=referentiel_id).exclude(statut=StatutReferentiel.BROUILLON).first()
