"""La base de connaissances : fiches « vos droits » de service-public.fr (DILA), thèmes, sources autorisées, sigles.

Une fiche garde sa structure (introduction, situations, sections, formulaires et services en ligne,
références juridiques, liens vers d'autres fiches) en JSON pour l'affichage, et son texte brut pour
l'index de recherche (voir guichet.connaissances.recherche).
"""

from django.db import models
from django.urls import reverse


class Theme(models.Model):
    """Un nœud de l'arborescence de service-public.fr : thème (N19810), sous-thème (N103) ou dossier (N358)."""

    class Niveau(models.TextChoices):
        THEME = "theme", "Thème"
        SOUS_THEME = "sous_theme", "Sous-thème"
        DOSSIER = "dossier", "Dossier"

    identifiant = models.CharField(max_length=20, unique=True)
    titre = models.CharField(max_length=255)
    niveau = models.CharField(max_length=10, choices=Niveau.choices, default=Niveau.THEME)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="enfants")

    class Meta:
        verbose_name = "thème"
        ordering = ["titre"]

    def __str__(self):
        return f"{self.titre} ({self.identifiant})"


class Fiche(models.Model):
    """Une publication « vos droits » : fiche pratique (F), dossier ou thème (N), ressource (R : formulaire,
    téléservice, simulateur, modèle de lettre)."""

    class Type(models.TextChoices):
        FICHE = "F", "Fiche"
        DOSSIER = "N", "Dossier ou thème"
        RESSOURCE = "R", "Ressource (formulaire, service en ligne)"

    class Audience(models.TextChoices):
        PARTICULIERS = "particuliers", "Particuliers"
        PROFESSIONNELS = "professionnels", "Professionnels"
        ASSOCIATIONS = "associations", "Associations"

    identifiant = models.CharField(max_length=20, unique=True, help_text="Identifiant DILA : F1342, N19810, R1406…")
    type = models.CharField(max_length=1, choices=Type.choices)
    nature = models.CharField(
        max_length=80, blank=True, help_text="Type de publication DILA : Fiche d'information, Formulaire…"
    )
    titre = models.CharField(max_length=500)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.PARTICULIERS)
    date = models.DateField("date de la fiche", help_text="Dernière modification publiée par la DILA (dc:date).")
    sujet = models.CharField(max_length=255, blank=True, help_text="dc:subject")
    description = models.TextField(blank=True, help_text="dc:description")
    introduction = models.TextField(blank=True, help_text="Texte brut de l'introduction.")
    contenu = models.JSONField(
        default=dict, blank=True, help_text="Structure : introduction, situations, sections, sous-dossiers (blocs)."
    )
    texte = models.TextField(blank=True, help_text="Texte brut indexé, un passage par ligne.")
    ressources = models.JSONField(
        default=list, blank=True, help_text="Formulaires (cerfa), téléservices, simulateurs : identifiant, url…"
    )
    adresses = models.JSONField(default=list, blank=True, help_text="Où s'adresser.")
    references = models.JSONField(default=list, blank=True, help_text="Références juridiques.")
    pour_en_savoir_plus = models.JSONField(default=list, blank=True)
    liens = models.JSONField(default=list, blank=True, help_text="Voir aussi, questions-réponses : fiches liées.")
    domaines = models.JSONField(
        default=list, blank=True, help_text="Domaines autorisés vers lesquels pointe la fiche (opérateurs)."
    )
    ariane = models.JSONField(default=list, blank=True, help_text="Fil d'Ariane : [identifiant, titre].")
    url = models.URLField("lien de la ressource", max_length=500, blank=True, help_text="Pour une ressource R.")
    numero_cerfa = models.CharField(max_length=40, blank=True)
    url_source = models.URLField("source sur service-public.fr", max_length=300)
    themes = models.ManyToManyField(Theme, blank=True, related_name="fiches")
    importee_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = "fiche"
        ordering = ["identifiant"]

    def __str__(self):
        return f"{self.identifiant} — {self.titre}"

    def get_absolute_url(self):
        return reverse("connaissances:fiche", args=[self.identifiant])

    @property
    def formulaires(self):
        return [r for r in self.ressources if r.get("cerfa") or r.get("nature") == "Formulaire"]

    @property
    def services_en_ligne(self):
        return [r for r in self.ressources if not (r.get("cerfa") or r.get("nature") == "Formulaire")]


class SourceAutoriseeQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(active=True)


class SourceAutorisee(models.Model):
    """Un domaine dont les liens, formulaires et services sont repris et indexés (sous-domaines compris)."""

    domaine = models.CharField(max_length=100, unique=True, help_text="Ex. : caf.fr (couvre aussi www.caf.fr).")
    nom = models.CharField(max_length=150)
    operateur = models.ForeignKey(
        "reseau.Operateur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sources_autorisees",
        help_text="L'opérateur que ce domaine représente (filtre « opérateur » de la recherche).",
    )
    active = models.BooleanField(default=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = SourceAutoriseeQuerySet.as_manager()

    class Meta:
        verbose_name = "source autorisée"
        verbose_name_plural = "sources autorisées"
        ordering = ["domaine"]

    def __str__(self):
        return self.domaine

    def couvre(self, hote: str) -> bool:
        return hote == self.domaine or hote.endswith("." + self.domaine)


class Sigle(models.Model):
    """Un sigle (ou un mot du guichet) du lexique et son développement, ajouté à la question (« APL » → « aide
    personnalisée au logement », « sécu » → « sécurité sociale »). Plusieurs développements : séparés par « ; »."""

    sigle = models.CharField("sigle ou terme", max_length=30, unique=True)
    expansion = models.CharField("développement", max_length=255, help_text="Plusieurs : séparés par « ; ».")
    casse_exacte = models.BooleanField(
        default=False,
        help_text="Ne reconnaître le sigle qu'écrit en capitales (PAS, AME…), car c'est aussi un mot courant.",
    )
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sigle"
        ordering = ["sigle"]

    def __str__(self):
        return f"{self.sigle} : {self.expansion}"


class ThemeOperateur(models.Model):
    """Rattache un thème ou dossier DILA (par son identifiant, importé ou non) à un opérateur : toutes ses fiches
    répondent au filtre « opérateur » de la recherche, en plus de celles qui pointent vers le domaine de l'opérateur."""

    theme = models.CharField(
        "identifiant du thème ou dossier", max_length=20, help_text="Ex. : N20360 (Allocations logement)."
    )
    libelle = models.CharField("libellé", max_length=255, blank=True)
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.CASCADE, related_name="themes_fiches")
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "rattachement d'un thème à un opérateur"
        verbose_name_plural = "rattachements des thèmes aux opérateurs"
        ordering = ["operateur", "theme"]
        constraints = [models.UniqueConstraint(fields=["theme", "operateur"], name="theme_operateur_unique")]

    def __str__(self):
        return f"{self.theme} {self.libelle} → {self.operateur}"


class Expression(models.Model):
    """Un mot ou une tournure de la langue parlée au guichet, et ce qu'elle veut dire dans les mots des fiches.

    Trois natures, modifiables par l'équipe nationale à côté des sigles :
    - mot courant ou d'argot (« taf » → travail, « la CAF m'a sucré » → suppression) : la question est
      complétée par les équivalents ; reconnu aussi sous ses formes fléchies (« arnaqué », « arnaquer ») ;
    - ancien et nouveau nom (Pôle emploi ↔ France Travail, carte grise ↔ certificat d'immatriculation) :
      chacun des deux fait chercher l'autre ;
    - tournure de remplissage (« il faut faire quoi », « c'est quoi ») : retirée du classement.
    """

    class Nature(models.TextChoices):
        COURANT = "courant", "Mot courant ou d'argot"
        NOM = "nom", "Ancien et nouveau nom (dans les deux sens)"
        REMPLISSAGE = "remplissage", "Tournure sans contenu (retirée de la question)"

    expression = models.CharField(max_length=60, unique=True, help_text="Telle qu'elle se dit : « taf », « paumé ».")
    equivalents = models.CharField(
        "équivalents",
        max_length=255,
        blank=True,
        help_text="Les mots des fiches, séparés par « ; ». Vide pour une tournure de remplissage.",
    )
    nature = models.CharField(max_length=12, choices=Nature.choices, default=Nature.COURANT)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "expression courante"
        verbose_name_plural = "expressions courantes"
        ordering = ["nature", "expression"]

    def __str__(self):
        if self.nature == self.Nature.REMPLISSAGE:
            return f"{self.expression} (retirée)"
        fleche = "↔" if self.nature == self.Nature.NOM else "→"
        return f"{self.expression} {fleche} {self.equivalents}"

    def clean(self):
        from django.core.exceptions import ValidationError

        equivalents = [e.strip() for e in self.equivalents.split(";") if e.strip()]
        if self.nature == self.Nature.REMPLISSAGE and equivalents:
            raise ValidationError({"equivalents": "Une tournure de remplissage est retirée : pas d'équivalent."})
        if self.nature != self.Nature.REMPLISSAGE and not equivalents:
            raise ValidationError({"equivalents": "Donnez au moins un équivalent (les mots des fiches)."})
        if not any(c.isalnum() for c in self.expression):
            raise ValidationError({"expression": "L'expression doit contenir au moins une lettre ou un chiffre."})
