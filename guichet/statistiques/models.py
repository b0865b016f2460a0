"""Les agrégats de l'activité, tenus à jour à partir des accompagnements.

Pourquoi ces tables et pas un cube « jour × structure × opérateur × démarche × canal × … » : une
structure fait une quinzaine d'accompagnements par jour ; croisés sur tant de dimensions, ils sont
presque tous distincts et le cube a autant de lignes que la table source. On compte donc :

- une colonne par modalité (mesures.py) plutôt qu'une ligne par combinaison : un seul parcours
  donne le résultat, le canal, le type d'aide, la durée et le profil ;
- au niveau du département (jour × département × opérateur), qui regroupe plusieurs centaines
  d'accompagnements par ligne, et au mois pour les tableaux nationaux et départementaux ;
- par démarche (nombre et résolus) dans des tables étroites ;
- par structure : toutes les mesures par jour (StructureJour, quelques centaines de lignes par
  structure et par an), et le détail opérateur × démarche par mois (StructureDemarcheMois).

Les agrégats du jour sont recalculés par jour entier (tous départements), ceux des mois à partir
d'eux ; le détail mensuel par structure, pour les seules structures touchées : voir agregation.py.
"""

from django.db import models

from guichet.statistiques.mesures import LIBELLES, NOMS


def _mesures():
    """La classe abstraite qui porte une colonne entière par mesure (nombre, résultat_…, canal_…)."""
    attributs = {
        "__module__": __name__,
        "__doc__": "Les compteurs d'un agrégat : une colonne par mesure (voir mesures.py).",
        "Meta": type("Meta", (), {"abstract": True}),
    }
    for nom in NOMS:
        attributs[nom] = models.PositiveIntegerField(LIBELLES[nom], default=0)
    return type("Mesures", (models.Model,), attributs)


Mesures = _mesures()


def _cle(modele, **options):
    """Clé étrangère d'un agrégat : pas de contrainte en base (recalcul en masse plus rapide), la
    suppression en cascade reste faite par Django."""
    return models.ForeignKey(modele, on_delete=models.CASCADE, db_constraint=False, related_name="+", **options)


class ActiviteJour(Mesures):
    """Un jour × un département × un opérateur."""

    jour = models.DateField()
    departement = _cle("territoires.Departement")
    operateur = _cle("reseau.Operateur")

    class Meta:
        verbose_name = "activité d'un jour (département × opérateur)"
        constraints = [
            models.UniqueConstraint(fields=["jour", "departement", "operateur"], name="activite_jour_unique")
        ]

    def __str__(self):
        return f"{self.jour:%d/%m/%Y} : {self.nombre}"


class ActiviteMois(Mesures):
    """Un mois (premier jour du mois) × un département × un opérateur."""

    mois = models.DateField()
    departement = _cle("territoires.Departement")
    operateur = _cle("reseau.Operateur")

    class Meta:
        verbose_name = "activité d'un mois (département × opérateur)"
        constraints = [
            models.UniqueConstraint(fields=["mois", "departement", "operateur"], name="activite_mois_unique")
        ]

    def __str__(self):
        return f"{self.mois:%m/%Y} : {self.nombre}"


class CompteParDemarche(models.Model):
    """Le nombre d'accompagnements d'une démarche (ou d'aucune) et ceux résolus sur place."""

    operateur = _cle("reseau.Operateur")
    demarche = _cle("demarches.Demarche", null=True)
    nombre = models.PositiveIntegerField(default=0)
    resultat_resolu = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DemarcheJour(CompteParDemarche):
    """Un jour × un département × une démarche (ou aucune) : nombre et résolus sur place."""

    jour = models.DateField()
    departement = _cle("territoires.Departement")

    class Meta:
        verbose_name = "activité d'un jour par démarche"
        indexes = [models.Index(fields=["jour", "departement"], name="demarche_jour_jour_dep")]

    def __str__(self):
        return f"{self.jour:%d/%m/%Y} : {self.nombre}"


class DemarcheJourFrance(CompteParDemarche):
    """Un jour × une démarche, France entière (somme de DemarcheJour sur les départements) : les
    bords d'une période nationale au jour près se lisent en quelques milliers de lignes."""

    jour = models.DateField()

    class Meta:
        verbose_name = "activité d'un jour par démarche, France entière"
        indexes = [models.Index(fields=["jour"], name="demarche_jour_france_jour")]

    def __str__(self):
        return f"{self.jour:%d/%m/%Y} : {self.nombre}"


class DemarcheMois(CompteParDemarche):
    """Un mois × un département × une démarche (ou aucune) : nombre et résolus sur place."""

    mois = models.DateField()
    departement = _cle("territoires.Departement")

    class Meta:
        verbose_name = "activité d'un mois par démarche"
        indexes = [models.Index(fields=["mois", "departement"], name="demarche_mois_mois_dep")]

    def __str__(self):
        return f"{self.mois:%m/%Y} : {self.nombre}"


class StructureJour(Mesures):
    """Un jour × une structure : toutes les mesures (tableau d'une structure, classement des
    structures d'un département)."""

    jour = models.DateField()
    structure = _cle("reseau.Structure")
    departement = _cle("territoires.Departement")

    class Meta:
        verbose_name = "activité d'un jour par structure"
        constraints = [models.UniqueConstraint(fields=["structure", "jour"], name="structure_jour_unique")]
        indexes = [models.Index(fields=["departement", "jour"], name="structure_jour_dep_jour")]

    def __str__(self):
        return f"{self.jour:%d/%m/%Y} : {self.nombre}"


class StructureDemarcheMois(models.Model):
    """Un mois × une structure × une démarche (ou aucune) : le détail par opérateur et par démarche
    du tableau d'une structure."""

    mois = models.DateField()
    structure = _cle("reseau.Structure")
    departement = _cle("territoires.Departement")
    operateur = _cle("reseau.Operateur")
    demarche = _cle("demarches.Demarche", null=True)
    nombre = models.PositiveIntegerField(default=0)
    resultat_resolu = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "activité d'un mois par structure et démarche"
        indexes = [models.Index(fields=["structure", "mois"], name="structure_demarche_mois")]

    def __str__(self):
        return f"{self.mois:%m/%Y} : {self.nombre}"


class JourARecalculer(models.Model):
    """Un jour et une structure dont les agrégats sont à refaire : un accompagnement en a été
    supprimé, ou déplacé vers un autre jour ou une autre structure (les ajouts et corrections se
    lisent dans `Accompagnement.modifie_le`)."""

    jour = models.DateField()
    structure = _cle("reseau.Structure")
    signale_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "jour à recalculer"
        verbose_name_plural = "jours à recalculer"
        constraints = [models.UniqueConstraint(fields=["jour", "structure"], name="jour_a_recalculer_unique")]

    def __str__(self):
        return f"{self.jour:%d/%m/%Y}"


class EtatAgregats(models.Model):
    """Une seule ligne : jusqu'où les accompagnements modifiés ont été pris en compte."""

    jusqu_a = models.DateTimeField("modifications prises en compte jusqu'au", null=True, blank=True)
    calcule_le = models.DateTimeField("dernier calcul", null=True, blank=True)
    duree_ms = models.PositiveIntegerField("durée du dernier calcul (ms)", default=0)
    jours_recalcules = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "état des agrégats"
        verbose_name_plural = "état des agrégats"

    def __str__(self):
        return f"Agrégats à jour au {self.jusqu_a:%d/%m/%Y %H:%M}" if self.jusqu_a else "Agrégats jamais calculés"

    @classmethod
    def courant(cls):
        return cls.objects.get_or_create(pk=1)[0]
