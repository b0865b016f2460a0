"""Les comptes (connexion par e-mail) et leurs habilitations (un rôle sur un périmètre)."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone


class UtilisateurManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Utilisateur(AbstractUser):
    username = None
    email = models.EmailField("adresse e-mail", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UtilisateurManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    CONSEILLER = "conseiller", "Conseiller France Services"
    GESTIONNAIRE = "gestionnaire", "Responsable de structure"
    REFERENT = "referent", "Référent d'opérateur"
    RESPONSABLE_OPERATEUR = "responsable_operateur", "Responsable départemental d'opérateur"
    PREFECTURE = "prefecture", "Préfecture"
    NATIONAL = "national", "Équipe nationale (ANCT)"
    AUDITEUR = "auditeur", "Auditeur"


# Les rôles qui exigent un second facteur (TOTP) à la connexion : tous ceux dont le périmètre couvre plus
# d'une structure (les auditeurs, départementaux comme nationaux, compris). S'y ajoutent l'équipe technique
# (`is_staff`) et les superutilisateurs (voir `permissions.exige_double_facteur`).
ROLES_DOUBLE_FACTEUR = {
    Role.REFERENT,
    Role.RESPONSABLE_OPERATEUR,
    Role.PREFECTURE,
    Role.NATIONAL,
    Role.AUDITEUR,
}


class HabilitationQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(utilisateur__is_active=True)

    def equipe(self, structure):
        """Les conseillers et responsables d'une structure."""
        return (
            self.filter(structure=structure, role__in=[Role.CONSEILLER, Role.GESTIONNAIRE])
            .select_related("utilisateur")
            .order_by("utilisateur__last_name", "utilisateur__first_name", "utilisateur__email", "role")
        )


class Habilitation(models.Model):
    """Un rôle d'un utilisateur sur un périmètre.

    conseiller, gestionnaire : une structure ; référent et responsable départemental d'opérateur
    (qui reçoit les escalades des demandes en retard) : un opérateur × un département ;
    préfecture : un département ; national : tout le territoire ; auditeur : un département
    ou tout le territoire (lecture seule).
    """

    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="habilitations")
    role = models.CharField(max_length=24, choices=Role.choices)
    structure = models.ForeignKey(
        "reseau.Structure", on_delete=models.CASCADE, null=True, blank=True, related_name="habilitations"
    )
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.CASCADE, null=True, blank=True)
    departement = models.ForeignKey("territoires.Departement", on_delete=models.CASCADE, null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = HabilitationQuerySet.as_manager()

    class Meta:
        verbose_name = "habilitation"
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "role", "structure", "operateur", "departement"],
                name="habilitation_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                name="habilitation_perimetre",
                condition=(
                    models.Q(
                        role__in=["conseiller", "gestionnaire"],
                        structure__isnull=False,
                        operateur__isnull=True,
                        departement__isnull=True,
                    )
                    | models.Q(
                        role__in=["referent", "responsable_operateur"],
                        structure__isnull=True,
                        operateur__isnull=False,
                        departement__isnull=False,
                    )
                    | models.Q(
                        role="prefecture",
                        structure__isnull=True,
                        operateur__isnull=True,
                        departement__isnull=False,
                    )
                    | models.Q(
                        role="national",
                        structure__isnull=True,
                        operateur__isnull=True,
                        departement__isnull=True,
                    )
                    | models.Q(role="auditeur", structure__isnull=True, operateur__isnull=True)
                ),
            ),
        ]

    def __str__(self):
        perimetre = self.structure or (
            f"{self.operateur} — {self.departement}" if self.operateur else self.departement or "national"
        )
        return f"{self.get_role_display()} : {perimetre}"


class InvitationQuerySet(models.QuerySet):
    def en_attente(self):
        """Ni acceptées ni expirées."""
        return self.filter(acceptee_le__isnull=True, cree_le__gt=timezone.now() - Invitation.DUREE)


class Invitation(models.Model):
    """Un lien d'inscription envoyé par un responsable de structure à un conseiller."""

    DUREE = timedelta(days=7)

    email = models.EmailField()
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(
        max_length=12,
        choices=[(Role.CONSEILLER, Role.CONSEILLER.label), (Role.GESTIONNAIRE, Role.GESTIONNAIRE.label)],
        default=Role.CONSEILLER,
    )
    jeton = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    invite_par = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="invitations_envoyees")
    cree_le = models.DateTimeField(default=timezone.now)
    acceptee_le = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-cree_le"]

    def __str__(self):
        return f"Invitation de {self.email} à {self.structure}"

    @property
    def expiree(self):
        return timezone.now() > self.cree_le + self.DUREE

    @property
    def utilisable(self):
        return self.acceptee_le is None and not self.expiree


class CodeEnrolementQuerySet(models.QuerySet):
    def valables(self):
        """Ni utilisés, ni expirés, ni épuisés par trop d'essais erronés."""
        return self.filter(utilise_le__isnull=True, expire_le__gt=timezone.now(), echecs__lt=CodeEnrolement.ESSAIS_MAX)


class CodeEnrolement(models.Model):
    """Un code à usage unique qui autorise l'enrôlement d'un second facteur, remis hors ligne.

    Le mot de passe seul ne suffit pas à enrôler : sans quoi le premier qui se connecte avec un mot de passe
    volé choisirait le second facteur du compte. L'équipe nationale remet ce code par un autre canal
    (téléphone, en main propre) ; seule son empreinte est gardée.
    """

    DUREE = timedelta(days=3)
    ESSAIS_MAX = 5

    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="codes_enrolement")
    empreinte = models.CharField(max_length=64, unique=True, editable=False)
    cree_par = models.ForeignKey(Utilisateur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now, editable=False)
    expire_le = models.DateTimeField()
    utilise_le = models.DateTimeField(null=True, blank=True)
    echecs = models.PositiveSmallIntegerField("essais erronés", default=0)

    objects = CodeEnrolementQuerySet.as_manager()

    class Meta:
        verbose_name = "code d'enrôlement du second facteur"
        verbose_name_plural = "codes d'enrôlement du second facteur"
        ordering = ["-cree_le"]

    def __str__(self):
        return f"Code d'enrôlement de {self.utilisateur} ({self.cree_le:%d/%m/%Y %H:%M})"

    @staticmethod
    def empreinte_de(code: str) -> str:
        """SHA-256 du code normalisé (majuscules, sans espace ni tiret) : le code a 60 bits d'entropie."""
        normalise = "".join(c for c in code.upper() if c.isalnum())
        return hashlib.sha256(normalise.encode()).hexdigest()
