"""Le bureau de l'agent : liens nationaux vers les sites des opérateurs et guides par événement de vie.

Les deux sont des données (migrations de données, modifiables ensuite), pas du code.
"""

from django.db import models


class LienOperateurQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True)


class LienOperateur(models.Model):
    """Un lien national vers un site d'opérateur : site public, espace partenaire, formation ou outil."""

    class Nature(models.TextChoices):
        SITE_PUBLIC = "site_public", "Site public"
        ESPACE_PARTENAIRE = "espace_partenaire", "Espace partenaire"
        FORMATION = "formation", "Formation"
        OUTIL = "outil", "Outil"

    operateur = models.ForeignKey(
        "reseau.Operateur", on_delete=models.CASCADE, related_name="liens", verbose_name="opérateur"
    )
    libelle = models.CharField("libellé", max_length=150)
    url = models.URLField("adresse (URL)", max_length=500)
    nature = models.CharField(max_length=20, choices=Nature.choices, default=Nature.SITE_PUBLIC)
    ordre = models.PositiveSmallIntegerField(default=100, help_text="Les petits nombres d'abord.")
    actif = models.BooleanField(default=True, help_text="Un lien désactivé n'est plus affiché sur le bureau.")
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = LienOperateurQuerySet.as_manager()

    class Meta:
        verbose_name = "lien d'opérateur"
        verbose_name_plural = "liens d'opérateurs"
        ordering = ["operateur__ordre", "operateur__nom", "ordre", "libelle"]
        constraints = [models.UniqueConstraint(fields=["operateur", "url"], name="lien_operateur_unique")]

    def __str__(self):
        return f"{self.operateur.nom} — {self.libelle}"


class EtapeGuide(models.Model):
    """Une étape d'un guide par événement de vie : une démarche auprès d'un opérateur, dans l'ordre
    où l'agent la parcourt, avec ses fiches service-public.fr, ses formulaires cerfa et ses services en ligne.

    `fiches` : liste d'identifiants de fiches (« F1342 ») ; `cerfas` : liste de {numero, libelle, url} ;
    `services_en_ligne` : liste de {libelle, url}.
    """

    evenement = models.ForeignKey(
        "demarches.EvenementDeVie",
        on_delete=models.CASCADE,
        related_name="etapes_guide",
        verbose_name="événement de vie",
    )
    ordre = models.PositiveSmallIntegerField()
    operateur = models.ForeignKey(
        "reseau.Operateur", on_delete=models.PROTECT, related_name="etapes_guide", verbose_name="opérateur"
    )
    demarche = models.ForeignKey(
        "demarches.Demarche",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="etapes_guide",
        verbose_name="démarche",
    )
    titre = models.CharField(max_length=200)
    explication = models.TextField(blank=True)
    fiches = models.JSONField("fiches service-public.fr", default=list, blank=True)
    cerfas = models.JSONField("formulaires cerfa", default=list, blank=True)
    services_en_ligne = models.JSONField("services en ligne", default=list, blank=True)

    class Meta:
        verbose_name = "étape de guide"
        verbose_name_plural = "étapes de guide"
        ordering = ["evenement__ordre", "evenement__libelle", "ordre"]
        constraints = [models.UniqueConstraint(fields=["evenement", "ordre"], name="etape_guide_ordre_unique")]

    def __str__(self):
        return f"{self.evenement} — {self.ordre}. {self.titre}"
