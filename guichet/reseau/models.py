"""Le registre des structures France Services : sites, opérateurs, horaires, itinéraires."""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from guichet.temps import jour_local


class OperateurQuerySet(models.QuerySet):
    def joignables_dans(self, departements):
        """Les opérateurs qu'une structure de ces départements peut joindre : les nationaux (accord-cadre)
        et les partenaires locaux de ces départements. `departements` : des départements ou leurs
        identifiants (vide : les nationaux seulement)."""
        ids = {getattr(d, "pk", d) for d in departements if d is not None}
        return self.filter(models.Q(national=True) | models.Q(national=False, departement_id__in=ids))


def _contracter(preposition: str, groupe: str) -> str:
    """« de » + « les Allocations familiales » → « des Allocations familiales » ; « à » + « le Chèque
    énergie » → « au Chèque énergie » ; « de » + « l'Urssaf » → « de l'Urssaf »."""
    for article, contractions in (("les ", {"de": "des ", "à": "aux "}), ("le ", {"de": "du ", "à": "au "})):
        if groupe.startswith(article):
            return contractions[preposition] + groupe[len(article) :]
    return f"{preposition} {groupe}"


class Operateur(models.Model):
    """Un opérateur partenaire : national (accord-cadre) ou local (mission locale, CCAS…).

    `nom` est l'intitulé affiché seul (« Les Allocations familiales ») ; `article` et `nom_court` sont les
    données qui font les phrases justes : « envoyée aux référents des Allocations familiales », « la CAF
    a répondu », « demande réorientée vers l'Assurance Maladie ».
    """

    class Article(models.TextChoices):
        AUCUN = "", "aucun (France Travail, La Poste)"
        LE = "le", "le"
        LA = "la", "la"
        LES = "les", "les"
        L = "l'", "l'"

    code = models.SlugField(unique=True)
    nom = models.CharField(max_length=100)
    article = models.CharField(
        max_length=3,
        choices=Article.choices,
        blank=True,
        default="",
        help_text="L'article du nom dans une phrase : « les » Allocations familiales, « l' »Assurance Maladie.",
    )
    nom_court = models.CharField(
        "nom court",
        max_length=60,
        blank=True,
        help_text="Avec son article, tel qu'on le dit : « la CAF », « l'Assurance Maladie » (vide : le nom).",
    )
    national = models.BooleanField("opérateur national (accord-cadre)", default=False)
    departement = models.ForeignKey(
        "territoires.Departement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text="Pour un partenaire local : le département où il intervient.",
    )
    site_web = models.URLField(blank=True)
    ordre = models.PositiveSmallIntegerField(default=100)

    objects = OperateurQuerySet.as_manager()

    class Meta:
        verbose_name = "opérateur"
        ordering = ["-national", "ordre", "nom"]

    def __str__(self):
        return self.nom

    @property
    def avec_article(self) -> str:
        """Le nom dans une phrase : « les Allocations familiales », « l'Assurance Maladie », « France Travail »."""
        nom = self.nom
        if self.article:
            debut = self.article if self.article.endswith("'") else self.article + " "
            if nom.lower().startswith(debut):
                nom = nom[len(debut) :]
            return debut + nom
        return nom

    @property
    def court(self) -> str:
        """Le nom court dans une phrase : « la CAF » (sinon le nom avec son article)."""
        return self.nom_court or self.avec_article

    @property
    def de_nom(self) -> str:
        """« des Allocations familiales », « de la MSA », « du Chèque énergie », « de France Travail »."""
        return _contracter("de", self.avec_article)

    @property
    def a_nom(self) -> str:
        """« aux Allocations familiales », « à la MSA », « au Chèque énergie », « à France Travail »."""
        return _contracter("à", self.avec_article)

    @property
    def de_court(self) -> str:
        """« de la CAF », « de l'Urssaf »."""
        return _contracter("de", self.court)

    def joignable_dans(self, departement) -> bool:
        """La règle de `OperateurQuerySet.joignables_dans` pour un opérateur déjà lu (département ou identifiant)."""
        return self.national or self.departement_id == getattr(departement, "pk", departement)


class StructureQuerySet(models.QuerySet):
    def ouvertes_au_public(self, jour=None):
        """Ce que le public trouve (recherche, carte, API, export ouvert) : les structures labellisées, à partir de
        leur date de labellisation (jour de Paris, aujourd'hui par défaut) ; le préfet peut la fixer à venir."""
        jour = jour or jour_local(timezone.now())
        return self.filter(statut=Structure.Statut.LABELLISEE).exclude(date_labellisation__gt=jour)


class Structure(models.Model):
    class Forme(models.TextChoices):
        FIXE = "fixe", "Fixe"
        ITINERANTE = "itinerante", "Itinérante (bus)"
        MULTISITE = "multisite", "Multisite (permanences)"

    class Format(models.TextChoices):
        ESPACE = "espace", "Espace labellisé"
        ANTENNE = "antenne", "Antenne"

    class TypePorteur(models.TextChoices):
        COLLECTIVITE = "collectivite", "Collectivité"
        LA_POSTE = "la_poste", "La Poste"
        ASSOCIATION = "association", "Association"
        ETAT = "etat", "État (sous-préfecture)"
        MSA = "msa", "MSA"
        AUTRE = "autre", "Autre"

    class Statut(models.TextChoices):
        PROJET = "projet", "En projet"
        LABELLISEE = "labellisee", "Labellisée"
        SUSPENDUE = "suspendue", "Suspendue"
        RETIREE = "retiree", "Label retiré"
        FERMEE = "fermee", "Fermée"

    matricule = models.CharField("matricule national", max_length=40, unique=True)
    nom = models.CharField(max_length=255)
    forme = models.CharField(max_length=12, choices=Forme.choices, default=Forme.FIXE)
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.ESPACE)
    structure_mere = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="antennes",
        help_text="Pour une antenne : l'espace labellisé dont elle dépend.",
    )
    type_porteur = models.CharField(
        "type de structure porteuse", max_length=14, choices=TypePorteur.choices, default=TypePorteur.AUTRE
    )
    nom_porteur = models.CharField("structure porteuse", max_length=255, blank=True)

    adresse = models.CharField(max_length=255, blank=True)
    complement_adresse = models.CharField("complément d'adresse", max_length=255, blank=True)
    code_postal = models.CharField(max_length=5, blank=True)
    commune = models.ForeignKey("territoires.Commune", on_delete=models.PROTECT, related_name="structures")
    latitude = models.FloatField(db_index=True)
    longitude = models.FloatField()
    position_approchee = models.BooleanField(
        "position approchée",
        default=False,
        help_text="Coordonnées de la mairie de la commune, faute de mieux.",
    )
    email = models.EmailField(blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)

    statut = models.CharField(max_length=12, choices=Statut.choices, default=Statut.PROJET)
    date_labellisation = models.DateField("date de labellisation", null=True, blank=True)

    operateurs = models.ManyToManyField(Operateur, blank=True, related_name="structures")

    poste_libre_acces = models.BooleanField("poste informatique en libre accès", default=False)
    poste_webcam = models.BooleanField("ordinateur équipé d'une webcam", default=False)
    espace_confidentiel = models.BooleanField("espace confidentiel", default=False)
    accessible_pmr = models.BooleanField("accessible aux personnes à mobilité réduite", default=False)

    horaires_source = models.JSONField(
        "horaires tels que publiés", default=dict, blank=True, help_text="Texte d'origine, par jour."
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure France Services"
        verbose_name_plural = "structures France Services"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("reseau:structure", args=[self.matricule])

    @transaction.atomic
    def changer_statut(self, statut, date=None, commentaire="", auteur=None):
        """Change le statut et l'inscrit dans l'historique daté."""
        date = date or timezone.localdate()
        self.statut = statut
        if statut == self.Statut.LABELLISEE and not self.date_labellisation:
            self.date_labellisation = date
        self.save(update_fields=["statut", "date_labellisation", "modifie_le"])
        return self.historique.create(statut=statut, date=date, commentaire=commentaire, auteur=auteur)

    def label_a_venir(self, jour=None) -> bool:
        """Labellisée à une date encore à venir : le public ne la trouve pas avant, sa page publique non plus."""
        jour = jour or jour_local(timezone.now())
        return (
            self.statut == self.Statut.LABELLISEE and bool(self.date_labellisation) and self.date_labellisation > jour
        )

    def semaine(self):
        """Les horaires hebdomadaires et les exceptions, pour calculer « ouvert maintenant »."""
        from guichet.reseau.horaires import Intervalle, Semaine

        jours = {}
        for creneau in self.creneaux.all():
            jours.setdefault(creneau.jour, []).append(Intervalle(creneau.debut, creneau.fin, sur_rdv=creneau.sur_rdv))
        # Sans aucun créneau, les horaires sont inconnus ; avec au moins un, les autres jours sont fermés.
        return Semaine(
            jours={j: sorted(jours.get(j, [])) for j in range(7)} if jours else {},
            exceptions=list(self.exceptions.all()),
        )


class HistoriqueStatut(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="historique")
    statut = models.CharField(max_length=12, choices=Structure.Statut.choices)
    date = models.DateField()
    commentaire = models.TextField(blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "changement de statut"
        ordering = ["-date", "-cree_le"]

    def __str__(self):
        return f"{self.get_statut_display()} le {self.date:%d/%m/%Y}"


class Jour(models.IntegerChoices):
    LUNDI = 0, "lundi"
    MARDI = 1, "mardi"
    MERCREDI = 2, "mercredi"
    JEUDI = 3, "jeudi"
    VENDREDI = 4, "vendredi"
    SAMEDI = 5, "samedi"
    DIMANCHE = 6, "dimanche"


class Creneau(models.Model):
    """Un créneau d'ouverture hebdomadaire d'une structure."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="creneaux")
    jour = models.PositiveSmallIntegerField(choices=Jour.choices)
    debut = models.TimeField()
    fin = models.TimeField()
    sur_rdv = models.BooleanField("sur rendez-vous", default=False)

    class Meta:
        verbose_name = "créneau d'ouverture"
        ordering = ["jour", "debut"]
        constraints = [models.CheckConstraint(condition=models.Q(debut__lt=models.F("fin")), name="creneau_ordonne")]

    def __str__(self):
        return f"{self.get_jour_display()} {self.debut:%H:%M}–{self.fin:%H:%M}"


class ExceptionHoraire(models.Model):
    """Une fermeture ou une ouverture exceptionnelle (jours fériés, congés, horaires d'été)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="exceptions")
    date_debut = models.DateField()
    date_fin = models.DateField()
    ferme = models.BooleanField("fermé toute la journée", default=True)
    debut = models.TimeField(null=True, blank=True)
    fin = models.TimeField(null=True, blank=True)
    motif = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "exception aux horaires"
        verbose_name_plural = "exceptions aux horaires"
        ordering = ["date_debut"]

    def __str__(self):
        return f"{self.motif or 'Exception'} du {self.date_debut:%d/%m/%Y} au {self.date_fin:%d/%m/%Y}"


class Passage(models.Model):
    """Un arrêt du bus (structure itinérante) ou une permanence (structure multisite), chaque semaine."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="passages")
    commune = models.ForeignKey("territoires.Commune", on_delete=models.PROTECT, related_name="passages")
    lieu = models.CharField(max_length=255, help_text="Place, parking, mairie…")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    jour = models.PositiveSmallIntegerField(choices=Jour.choices)
    debut = models.TimeField()
    fin = models.TimeField()

    class Meta:
        verbose_name = "arrêt ou permanence"
        verbose_name_plural = "arrêts et permanences"
        ordering = ["jour", "debut"]
        constraints = [models.CheckConstraint(condition=models.Q(debut__lt=models.F("fin")), name="passage_ordonne")]

    def __str__(self):
        return f"{self.commune.nom}, {self.lieu} — {self.get_jour_display()} {self.debut:%H:%M}–{self.fin:%H:%M}"
