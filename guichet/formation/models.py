"""La formation des conseillers France Services : le parcours en versions, ses modules, les sessions,
les inscriptions et la présence.

Le parcours est une donnée versionnée, que l'équipe nationale tient à jour (administration) : une version
(`Parcours`) liste ses modules — le socle commun (2,5 jours en présentiel et les modules en ligne
obligatoires), un module métier par opérateur national (3 jours, organisés par événements de vie), puis la
formation continue. La version en vigueur est la dernière publiée dont la date d'effet est passée.

Un module se reconnaît d'une version à l'autre par son `code` : un module suivi sous une version compte
pour le module de même code de la suivante. Un module est fait quand l'agent a été présent à toute une
session de ce module (une présence partielle compte ses demi-journées, mais ne valide pas le module).
L'agent est « formé » quand tous les modules de la formation initiale (socle commun et métiers) de la
version en vigueur sont faits : c'est un état calculé (`guichet.formation.services`), jamais enregistré.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone


class Partie(models.TextChoices):
    SOCLE = "socle", "Socle commun"
    METIERS = "metiers", "Modules métiers des opérateurs"
    CONTINUE = "continue", "Formation continue"


PARTIES_INITIALES = (Partie.SOCLE, Partie.METIERS)


class Modalite(models.TextChoices):
    PRESENTIEL = "presentiel", "En présentiel"
    EN_LIGNE = "en_ligne", "En ligne (MOOC, webinaire)"


class ParcoursQuerySet(models.QuerySet):
    def en_vigueur(self, jour=None):
        """La version publiée la plus récente dont la date d'effet est passée, ou None."""
        jour = jour or timezone.localdate()
        return self.filter(publie=True, date_effet__lte=jour).order_by("-date_effet", "-pk").first()


class Parcours(models.Model):
    """Une version du parcours de formation des conseillers."""

    code = models.SlugField(unique=True)
    titre = models.CharField(max_length=255)
    date_effet = models.DateField("en vigueur à partir du")
    publie = models.BooleanField(
        "publié", default=False, help_text="Une version non publiée est un brouillon : elle ne compte pas encore."
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = ParcoursQuerySet.as_manager()

    class Meta:
        verbose_name = "parcours de formation"
        verbose_name_plural = "parcours de formation"
        ordering = ["-date_effet", "code"]

    def __str__(self):
        return self.titre


class Module(models.Model):
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="modules")
    code = models.SlugField(help_text="Stable d'une version à l'autre : un module suivi compte pour le même code.")
    titre = models.CharField(max_length=255)
    partie = models.CharField(max_length=10, choices=Partie.choices)
    modalite = models.CharField("modalité", max_length=10, choices=Modalite.choices, default=Modalite.PRESENTIEL)
    demi_journees = models.DecimalField("durée (demi-journées)", max_digits=3, decimal_places=1)
    operateur = models.ForeignKey(
        "reseau.Operateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="modules_de_formation",
        help_text="Pour un module métier : l'opérateur qui le donne.",
    )
    evenements_de_vie = models.CharField("événements de vie", max_length=255, blank=True)
    description = models.TextField(blank=True)
    ordre = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = "module de formation"
        verbose_name_plural = "modules de formation"
        ordering = ["parcours", "ordre", "titre"]
        constraints = [models.UniqueConstraint(fields=["parcours", "code"], name="module_code_unique")]

    def __str__(self):
        return self.titre

    @property
    def initial(self) -> bool:
        return self.partie in PARTIES_INITIALES


class SessionQuerySet(models.QuerySet):
    def a_venir(self, jour=None):
        return self.filter(debut__gte=jour or timezone.localdate())

    def avec_inscrits(self):
        # Une sous-requête par session rendue, pas un GROUP BY de toutes les inscriptions avant le LIMIT : la liste
        # des sessions passées compte des dizaines de milliers d'inscriptions.
        compte = (
            Inscription.objects.filter(session=models.OuterRef("pk"))
            .order_by()
            .values("session")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(inscrits=Coalesce(models.Subquery(compte), 0))


class Session(models.Model):
    """Une session d'un module : ses dates, son lieu (ou « à distance »), l'organisme qui la donne, sa capacité."""

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="sessions")
    debut = models.DateField("premier jour")
    fin = models.DateField("dernier jour")
    a_distance = models.BooleanField("à distance", default=False)
    lieu = models.CharField(max_length=255, blank=True, help_text="Adresse, ville (sauf à distance).")
    departement = models.ForeignKey(
        "territoires.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisme_formateur = models.CharField("organisme formateur", max_length=255)
    capacite = models.PositiveSmallIntegerField("capacité (places)")
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    creee_le = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session de formation"
        verbose_name_plural = "sessions de formation"
        ordering = ["debut", "module__ordre", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(debut__lte=models.F("fin")), name="session_dates_ordonnees"),
            models.CheckConstraint(condition=models.Q(capacite__gte=1), name="session_capacite_positive"),
        ]

    def __str__(self):
        return f"{self.module.titre} — {self.debut:%d/%m/%Y}"

    @property
    def ou(self) -> str:
        return "À distance" if self.a_distance else self.lieu


class Presence(models.TextChoices):
    INSCRIT = "inscrit", "Inscrit (présence non saisie)"
    PRESENT = "present", "Présent"
    PARTIEL = "partiel", "Présent en partie"
    ABSENT = "absent", "Absent"


class Inscription(models.Model):
    """Un agent inscrit à une session, puis sa présence (en demi-journées pour une présence partielle)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="inscriptions")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inscriptions_formation")
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="inscriptions_formation")
    inscrit_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    inscrit_le = models.DateTimeField(default=timezone.now)
    presence = models.CharField("présence", max_length=8, choices=Presence.choices, default=Presence.INSCRIT)
    demi_journees_presentes = models.DecimalField(
        "demi-journées suivies", max_digits=3, decimal_places=1, null=True, blank=True
    )
    presence_saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    presence_saisie_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "inscription à une session"
        verbose_name_plural = "inscriptions aux sessions"
        ordering = ["session__debut", "agent__last_name", "agent__email"]
        constraints = [models.UniqueConstraint(fields=["session", "agent"], name="inscription_unique")]
        indexes = [models.Index(fields=["agent", "presence"], name="inscription_agent_presence")]

    def __str__(self):
        return f"{self.agent} — {self.session}"


class RappelFormation(models.Model):
    """Un rappel hebdomadaire envoyé à un responsable de structure dont des agents ne sont pas formés :
    un par semaine au plus (la semaine est son lundi)."""

    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    semaine = models.DateField("semaine du")
    envoye_le = models.DateTimeField()
    agents = models.PositiveSmallIntegerField("agents à former")

    class Meta:
        verbose_name = "rappel de formation"
        verbose_name_plural = "rappels de formation"
        constraints = [models.UniqueConstraint(fields=["destinataire", "semaine"], name="rappel_formation_hebdo")]

    def __str__(self):
        return f"Rappel à {self.destinataire} (semaine du {self.semaine:%d/%m/%Y})"
