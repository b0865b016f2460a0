"""Les visites mystères : une grille en versions (des données), des campagnes planifiées par l'ANCT ou
une préfecture, une visite par structure confiée à un évaluateur désigné (un compte au rôle d'auditeur).

Ce que voit la structure visitée : rien avant la clôture de la campagne (ni la visite, ni sa date) ;
ensuite ses résultats (notes, commentaires, scénario joué), jamais le jour prévu. Les règles sont dans
`guichet.permissions` (bloc « visites mystères »).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Grille(models.Model):
    """Une version de la grille d'évaluation ; figée dès qu'une campagne l'utilise."""

    code = models.SlugField(unique=True)
    titre = models.CharField(max_length=200)
    publiee_le = models.DateField("publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "grille de visite mystère"
        ordering = ["-code"]

    def __str__(self):
        return self.titre

    @property
    def figee(self) -> bool:
        return self.campagnes.exists()


class Critere(models.Model):
    """Un critère de la grille et son échelle : les libellés des niveaux, du plus bas (1) au plus haut."""

    grille = models.ForeignKey(Grille, on_delete=models.CASCADE, related_name="criteres")
    ordre = models.PositiveSmallIntegerField(default=1)
    code = models.SlugField()
    libelle = models.CharField("libellé", max_length=200)
    aide = models.TextField(blank=True)
    niveaux = models.JSONField(default=list, help_text="Libellés des niveaux, du plus bas au plus haut.")

    class Meta:
        verbose_name = "critère"
        ordering = ["grille", "ordre", "pk"]
        constraints = [models.UniqueConstraint(fields=["grille", "code"], name="critere_visite_unique")]

    def __str__(self):
        return self.libelle

    @property
    def maximum(self) -> int:
        return len(self.niveaux)

    def clean(self):
        if (
            not isinstance(self.niveaux, list)
            or len(self.niveaux) < 2
            or not all(isinstance(n, str) and n.strip() for n in self.niveaux)
        ):
            raise ValidationError({"niveaux": "L'échelle compte au moins deux niveaux, chacun avec un libellé."})


SCENARIOS = [
    ("demenagement", "« Je déménage »"),
    ("titre", "Renouvellement de titre (carte d'identité, passeport)"),
    ("naissance", "« J'attends un enfant »"),
    ("retraite", "« Je prépare ma retraite »"),
    ("emploi", "« Je perds mon emploi »"),
    ("impots", "Déclaration de revenus"),
    ("numerique", "Aide à l'usage du numérique (créer une adresse, imprimer)"),
]


class CampagneVisites(models.Model):
    """Une campagne de visites sur une période : nationale (département vide) ou départementale."""

    titre = models.CharField(max_length=200)
    grille = models.ForeignKey(Grille, on_delete=models.PROTECT, related_name="campagnes")
    departement = models.ForeignKey(
        "territoires.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    debut = models.DateField("du")
    fin = models.DateField("au (inclus)")
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    creee_le = models.DateTimeField(auto_now_add=True)
    close_le = models.DateTimeField("close le", null=True, blank=True)

    class Meta:
        verbose_name = "campagne de visites mystères"
        verbose_name_plural = "campagnes de visites mystères"
        ordering = ["-debut", "titre"]
        constraints = [
            models.CheckConstraint(name="campagne_visites_dates", condition=models.Q(debut__lte=models.F("fin")))
        ]

    def __str__(self):
        return self.titre

    @property
    def close(self) -> bool:
        return self.close_le is not None


class Visite(models.Model):
    campagne = models.ForeignKey(CampagneVisites, on_delete=models.CASCADE, related_name="visites")
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="visites_mysteres")
    evaluateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visites_a_faire")
    prevue_le = models.DateField("prévue le")
    scenario = models.CharField("scénario joué", max_length=20, choices=SCENARIOS, blank=True)
    realisee_le = models.DateField("réalisée le", null=True, blank=True)
    commentaire = models.TextField("appréciation générale", blank=True)

    class Meta:
        verbose_name = "visite mystère"
        ordering = ["prevue_le", "pk"]
        constraints = [models.UniqueConstraint(fields=["campagne", "structure"], name="visite_unique_par_campagne")]

    def __str__(self):
        return f"{self.structure} — {self.campagne}"

    @property
    def realisee(self) -> bool:
        return self.realisee_le is not None


class Note(models.Model):
    visite = models.ForeignKey(Visite, on_delete=models.CASCADE, related_name="notes")
    critere = models.ForeignKey(Critere, on_delete=models.PROTECT, related_name="notes")
    valeur = models.PositiveSmallIntegerField()
    commentaire = models.TextField(blank=True)

    class Meta:
        ordering = ["critere__ordre"]
        constraints = [models.UniqueConstraint(fields=["visite", "critere"], name="note_unique")]

    def __str__(self):
        return f"{self.critere} : {self.valeur}"
