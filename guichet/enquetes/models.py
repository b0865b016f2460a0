"""Les enquêtes annuelles (usagers, conseillers) et l'évaluation annuelle du back-office des opérateurs
par les structures.

Anonymat des enquêtes : une réponse (`Reponse`) ne garde que sa campagne, la structure où elle a été
donnée et son jour ; aucun compte, aucune adresse IP, aucune heure. Qu'un conseiller a répondu est
écrit à part (`Participation`, pour ne le laisser répondre qu'une fois), sans lien avec sa réponse :
les deux ont des identifiants tirés au hasard (UUID) et datés au jour seulement, de sorte que l'ordre
d'enregistrement ne les rapproche pas. Les textes libres sont masqués avant d'être écrits
(`masquage.masquer_texte`) : un courriel, un téléphone ou un numéro de sécurité sociale n'est jamais gardé.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Public(models.TextChoices):
    USAGERS = "usagers", "Usagers des France services"
    AGENTS = "agents", "Conseillers France services"


class Etat(models.TextChoices):
    A_VENIR = "a_venir", "À venir"
    OUVERTE = "ouverte", "Ouverte"
    CLOSE = "close", "Close"


class CampagneQuerySet(models.QuerySet):
    def ouvertes(self, jour=None):
        jour = jour or timezone.localdate()
        return self.filter(debut__lte=jour, fin__gte=jour)

    def closes(self, jour=None):
        return self.filter(fin__lt=jour or timezone.localdate())


class Campagne(models.Model):
    """Une enquête annuelle : ses questions (des données), son public et ses dates (incluses)."""

    titre = models.CharField(max_length=200)
    public = models.CharField(max_length=10, choices=Public.choices)
    debut = models.DateField("ouverte du")
    fin = models.DateField("au (inclus)")
    introduction = models.TextField(blank=True, help_text="Quelques mots montrés avant les questions.")
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    creee_le = models.DateTimeField(auto_now_add=True)

    objects = CampagneQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne d'enquête"
        ordering = ["-debut", "titre"]
        constraints = [models.CheckConstraint(name="campagne_dates", condition=models.Q(debut__lte=models.F("fin")))]

    def __str__(self):
        return self.titre

    def etat(self, jour=None) -> str:
        jour = jour or timezone.localdate()
        if jour < self.debut:
            return Etat.A_VENIR
        return Etat.OUVERTE if jour <= self.fin else Etat.CLOSE

    @property
    def etat_libelle(self) -> str:
        return Etat(self.etat()).label

    @property
    def ouverte(self) -> bool:
        return self.etat() == Etat.OUVERTE

    @property
    def modifiable(self) -> bool:
        """Les questions se changent tant que la campagne n'a pas commencé et n'a reçu aucune réponse."""
        return self.etat() == Etat.A_VENIR and not self.reponses.exists()


class Nature(models.TextChoices):
    ECHELLE = "echelle", "Échelle (de 1 à N)"
    CHOIX = "choix", "Choix unique"
    TEXTE = "texte", "Texte libre"


class Question(models.Model):
    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="questions")
    ordre = models.PositiveSmallIntegerField(default=1)
    libelle = models.CharField("libellé", max_length=300)
    nature = models.CharField(max_length=8, choices=Nature.choices)
    echelle_max = models.PositiveSmallIntegerField(
        "note maximale", default=5, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )
    choix = models.JSONField("choix proposés", default=list, blank=True)
    obligatoire = models.BooleanField(default=False)

    class Meta:
        ordering = ["campagne", "ordre", "pk"]

    def __str__(self):
        return self.libelle


class Reponse(models.Model):
    """Un questionnaire rempli : ni compte, ni adresse IP, ni heure."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="reponses")
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="reponses_enquetes")
    le = models.DateField()

    class Meta:
        verbose_name = "réponse à une enquête"
        indexes = [models.Index(fields=["campagne", "structure"], name="reponse_campagne_structure")]

    def __str__(self):
        return f"Réponse à « {self.campagne} »"


class Valeur(models.Model):
    """La réponse à une question : une note, un choix ou un texte (masqué)."""

    reponse = models.ForeignKey(Reponse, on_delete=models.CASCADE, related_name="valeurs")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="valeurs")
    # Celle de la réponse, copiée pour lire les textes libres récents d'un territoire sans parcourir ses
    # réponses (écrite par `services.enregistrer_reponse`, complétée par `services.recompter`).
    structure = models.ForeignKey(
        "reseau.Structure", on_delete=models.CASCADE, null=True, blank=True, related_name="+", editable=False
    )
    note = models.PositiveSmallIntegerField(null=True, blank=True)
    choix = models.CharField(max_length=200, blank=True)
    texte = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reponse", "question"], name="valeur_unique")]
        indexes = [  # les textes libres les plus récents d'une question, partout ou par structure
            models.Index(fields=["question", "-id"], condition=~models.Q(texte=""), name="valeur_textes_recents"),
            models.Index(
                fields=["question", "structure", "-id"], condition=~models.Q(texte=""), name="valeur_textes_structure"
            ),
        ]

    def __str__(self):
        return str(self.note if self.note is not None else self.choix or self.texte)


class CompteQuestionnaires(models.Model):
    """Combien de questionnaires d'une campagne une structure a reçus, et leurs premier et dernier jours :
    tenu par `services.enregistrer_reponse` (seul écrivain), reconstruit par `services.recompter`. Les
    résultats se lisent ici, jamais dans les réponses une à une. Le département est celui de la structure
    à l'écriture (copié pour sommer un département ou une région sans remonter à la commune ; un
    `recompter` suit une structure qui en change)."""

    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="+")
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey("territoires.Departement", on_delete=models.CASCADE, related_name="+")
    nombre = models.PositiveIntegerField(default=0)
    premier = models.DateField()
    dernier = models.DateField()

    class Meta:
        verbose_name = "compte de questionnaires"
        constraints = [models.UniqueConstraint(fields=["campagne", "structure"], name="compte_questionnaires_unique")]
        indexes = [models.Index(fields=["campagne", "departement"], name="compte_questionnaires_dep")]

    def __str__(self):
        return f"{self.nombre} questionnaire(s)"


class Compte(models.Model):
    """Combien de valeurs une question a reçues d'une structure, par modalité : la note (« 4 ») d'une
    échelle, le libellé d'un choix, ou "" pour un texte libre non vide. Même écrivain et même département
    que `CompteQuestionnaires`."""

    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="+")
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey("territoires.Departement", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    modalite = models.CharField("modalité", max_length=200, blank=True)
    nombre = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compte des réponses à une question"
        constraints = [
            models.UniqueConstraint(
                fields=["campagne", "structure", "question", "modalite"], name="compte_valeurs_unique"
            )
        ]
        indexes = [models.Index(fields=["campagne", "departement"], name="compte_valeurs_dep")]

    def __str__(self):
        return f"{self.nombre} × « {self.modalite} »"


class Participation(models.Model):
    """Tel conseiller a répondu à telle campagne (jamais ce qu'il a répondu)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="participations")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    le = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campagne", "utilisateur"], name="participation_unique")]

    def __str__(self):
        return f"Participation à « {self.campagne} »"


NOTES = [(1, "1 — très insuffisant"), (2, "2 — insuffisant"), (3, "3 — correct"), (4, "4 — bon"), (5, "5 — très bon")]
CRITERES_OPERATEUR = {
    "joignabilite": "Joignabilité",
    "delai": "Délai de réponse",
    "utilite": "Utilité des réponses",
}


class EvaluationOperateur(models.Model):
    """La note d'une structure (par son responsable) au back-office d'un opérateur national de son
    département, pour une année : joignabilité, délai de réponse, utilité, commentaire libre (masqué)."""

    annee = models.PositiveSmallIntegerField("année")
    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="evaluations_operateurs")
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.CASCADE, related_name="evaluations")
    departement = models.ForeignKey("territoires.Departement", on_delete=models.CASCADE, related_name="+")
    joignabilite = models.PositiveSmallIntegerField("joignabilité", choices=NOTES)
    delai = models.PositiveSmallIntegerField("délai de réponse", choices=NOTES)
    utilite = models.PositiveSmallIntegerField("utilité des réponses", choices=NOTES)
    commentaire = models.TextField(blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    le = models.DateField()

    class Meta:
        verbose_name = "évaluation du back-office d'un opérateur"
        verbose_name_plural = "évaluations du back-office des opérateurs"
        constraints = [
            models.UniqueConstraint(fields=["annee", "structure", "operateur"], name="evaluation_operateur_unique")
        ]
        indexes = [models.Index(fields=["operateur", "departement", "le"], name="evaluation_op_dep_le")]

    def __str__(self):
        return f"{self.structure} — {self.operateur} ({self.annee})"
