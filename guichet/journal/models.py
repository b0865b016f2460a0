"""Le journal d'audit : une entrée par lecture ou écriture d'une donnée sensible.

Ajout seul, vérifiable :

- chaque entrée porte l'empreinte (HMAC-SHA256, avec une clé gardée hors de la base et dont l'identifiant est
  recopié dans `cle`) de son contenu et de l'empreinte de la précédente, et un numéro d'ordre sans trou
  (unique : deux écritures concurrentes ne peuvent pas fourcher la chaîne) : qui n'a que la base ne peut ni
  modifier une entrée ni recalculer les suivantes ;
- des ancres signées (numéro et empreinte de la tête) sont publiées hors de la base : couper les dernières
  entrées se voit aussi (voir `guichet.journal.services`) ;
- la base refuse toute modification et toute suppression (déclencheurs, migration 0002), sauf la mise
  à NULL de `acteur` quand un compte est supprimé (son libellé, recopié, reste et est couvert par l'empreinte).

On écrit par `guichet.journal.services.journaliser` (jamais par `EntreeJournal.objects.create`).
"""

from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone

PRECEDENT_INITIAL = "0" * 64


class Action(models.TextChoices):
    """Les actions courantes (la liste reste ouverte : l'action est un texte court)."""

    LECTURE = "lecture", "Lecture"
    CREATION = "creation", "Création"
    MODIFICATION = "modification", "Modification"
    SUPPRESSION = "suppression", "Suppression"
    EXPORT = "export", "Export"
    PURGE = "purge", "Effacement des données personnelles"
    AVERTISSEMENT = "avertissement", "Avertissement avant clôture"
    CLOTURE_AUTOMATIQUE = "cloture_automatique", "Clôture automatique"
    RECHIFFREMENT = "rechiffrement", "Rechiffrement (rotation des clés)"


class EntreeJournal(models.Model):
    numero = models.PositiveBigIntegerField("numéro d'ordre", unique=True, editable=False)
    horodatage = models.DateTimeField(default=timezone.now, editable=False)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    acteur_libelle = models.CharField("acteur", max_length=254, editable=False)
    action = models.CharField(max_length=40, editable=False)
    objet_type = models.CharField("type d'objet", max_length=100, blank=True, editable=False)
    objet_id = models.CharField("identifiant de l'objet", max_length=64, blank=True, editable=False)
    details = models.JSONField("détails (sans donnée personnelle)", default=dict, blank=True, editable=False)
    precedent = models.CharField("empreinte précédente", max_length=64, editable=False)
    empreinte = models.CharField(max_length=64, editable=False)
    cle = models.CharField("identifiant de la clé de signature", max_length=32, default="", editable=False)

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-numero"]
        indexes = [
            models.Index(fields=["objet_type", "objet_id"], name="journal_objet"),
            models.Index(fields=["horodatage"], name="journal_horodatage"),
        ]

    def __str__(self):
        objet = f" {self.objet_type} n° {self.objet_id}" if self.objet_type else ""
        return f"n° {self.numero} — {self.horodatage:%d/%m/%Y %H:%M} — {self.acteur_libelle} : {self.action}{objet}"

    def contenu_signe(self) -> dict:
        """Ce que couvre l'empreinte (tout sauf `acteur`, qui peut devenir NULL, et l'empreinte elle-même)."""
        return {
            "cle": self.cle,
            "numero": self.numero,
            "horodatage": self.horodatage.astimezone(UTC).isoformat(timespec="microseconds"),
            "acteur": self.acteur_libelle,
            "action": self.action,
            "objet_type": self.objet_type,
            "objet_id": self.objet_id,
            "details": self.details,
            "precedent": self.precedent,
        }
