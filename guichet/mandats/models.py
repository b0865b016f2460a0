"""Le mandat d'un usager : ce qu'il autorise un conseiller France Services à faire en son nom, auprès de
quels opérateurs, pour quelles démarches, jusqu'à quand — et la preuve de son accord.

L'identité de l'usager est chiffrée au repos (comme les demandes). Le code de révocation remis à l'usager
n'est gardé que haché : il ne se relit jamais, il se vérifie. La référence (« M-7K3Q-9XPD ») se lit à voix
haute et se vérifie par un référent d'opérateur sans rien révéler de l'usager.
"""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import models
from django.urls import reverse
from django.utils import timezone

from guichet.chiffrement import ChampChiffre, FichierChiffre
from guichet.temps import jour_local


class Etat(models.TextChoices):
    VALIDE = "valide", "Valide"
    REVOQUE = "revoque", "Révoqué"
    EXPIRE = "expire", "Expiré"
    UTILISE = "utilise", "Utilisé (mandat pour une seule démarche)"


class Mandat(models.Model):
    class Duree(models.TextChoices):
        DEMARCHE = "demarche", "Pour une seule démarche"
        PERIODE = "periode", "Pour une période (12 mois au plus)"

    class Consentement(models.TextChoices):
        SIGNATURE = "signature", "Signature de l'usager tracée à l'écran"
        CASE = "case", "Accord coché par l'usager, attesté par le conseiller"
        PAPIER = "papier", "Formulaire papier signé, numérisé"

    reference = models.CharField("référence", max_length=16, unique=True, editable=False)
    code_revocation = models.CharField("code de révocation (haché)", max_length=128, editable=False)
    structure = models.ForeignKey("reseau.Structure", on_delete=models.PROTECT, related_name="mandats")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mandats_recueillis", verbose_name="conseiller"
    )

    usager_nom = ChampChiffre("nom de l'usager")
    usager_prenom = ChampChiffre("prénom de l'usager")
    usager_date_naissance = ChampChiffre("date de naissance de l'usager")
    usager_email = ChampChiffre("adresse e-mail de l'usager", null=True, blank=True)

    operateurs = models.ManyToManyField("reseau.Operateur", related_name="mandats", verbose_name="opérateurs")
    demarches = models.ManyToManyField(
        "demarches.Demarche",
        blank=True,
        related_name="mandats",
        verbose_name="démarches",
        help_text="Aucune : toutes les démarches des opérateurs choisis.",
    )
    duree = models.CharField("durée", max_length=10, choices=Duree.choices)
    debut = models.DateField("début")
    fin = models.DateField("fin", help_text="Dernier jour de validité (inclus).")

    consentement = models.CharField("preuve de l'accord", max_length=10, choices=Consentement.choices)
    signature = FichierChiffre(blank=True, help_text="La signature tracée (image PNG), chiffrée.")
    formulaire_signe = FichierChiffre("formulaire signé", blank=True, help_text="Le scan du formulaire, chiffré.")
    formulaire_type = models.CharField(max_length=100, blank=True)
    attestation_conseiller = models.BooleanField(
        "attestation du conseiller",
        default=False,
        help_text="Le conseiller atteste que l'usager, présent, a donné son accord.",
    )

    cree_le = models.DateTimeField(default=timezone.now, editable=False)
    utilise_le = models.DateTimeField("utilisé le", null=True, blank=True)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)
    revoque_par_usager = models.BooleanField("révoqué par l'usager lui-même", default=False)

    class Meta:
        verbose_name = "mandat"
        ordering = ["-cree_le", "-pk"]

    def __str__(self):
        return f"Mandat {self.reference}"

    def get_absolute_url(self):
        return reverse("mandats:detail", args=[self.reference])

    def etat(self, jour=None) -> str:
        jour = jour or jour_local(timezone.now())
        if self.revoque_le is not None:
            return Etat.REVOQUE
        if self.duree == self.Duree.DEMARCHE and self.utilise_le is not None:
            return Etat.UTILISE
        if jour > self.fin or jour < self.debut:
            return Etat.EXPIRE
        return Etat.VALIDE

    def get_etat_display(self) -> str:
        return Etat(self.etat()).label

    def code_correct(self, code: str) -> bool:
        return check_password(normaliser_code(code), self.code_revocation)


def normaliser_code(code: str) -> str:
    """Le code tel qu'on le tape : sans espace ni tiret, en majuscules (« 7k3q 9xpd » = « 7K3Q-9XPD »)."""
    return "".join(c for c in str(code or "").upper() if c.isalnum())


class EssaiRevocation(models.Model):
    """Un essai de révocation par code qui a échoué, compté par référence (hachée) pour freiner les essais en
    série ; aucune adresse IP n'est gardée. Les essais de plus d'un jour s'effacent au fil de l'eau."""

    cle = models.CharField(max_length=64, db_index=True)
    le = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "essai de révocation échoué"
        verbose_name_plural = "essais de révocation échoués"

    def __str__(self):
        return f"Essai échoué du {self.le:%d/%m/%Y %H:%M}"


class CarteProfessionnelle(models.Model):
    """Le code public imprimé sur le badge d'un conseiller : n'importe qui vérifie qu'il est bien conseiller
    France Services, de quelle structure, et s'il est habilité tiers de confiance."""

    utilisateur = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carte")
    code = models.CharField(max_length=12, unique=True, editable=False)
    cree_le = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "carte professionnelle"
        verbose_name_plural = "cartes professionnelles"

    def __str__(self):
        return f"Carte {self.code}"
