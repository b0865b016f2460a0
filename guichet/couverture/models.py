"""L'historique de la couverture nationale : une mesure par jour et par moteur, pour que l'ANCT voie la
tendance. Les chiffres du jour sont recalculés par la tâche de fond quand le registre change."""

from django.db import models


class Mesure(models.Model):
    date = models.DateField()
    moteur = models.CharField(max_length=12)
    population_totale = models.PositiveBigIntegerField()
    lieux = models.PositiveIntegerField("lieux comptés")
    part_sous_seuil = models.JSONField('part de la population sous chaque seuil ({"20": 0.95, …})')
    par_departement = models.JSONField("part sous chaque seuil, par département")
    calculee_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mesure de la couverture"
        verbose_name_plural = "mesures de la couverture"
        ordering = ["-date", "moteur"]
        constraints = [models.UniqueConstraint(fields=["date", "moteur"], name="mesure_couverture_unique")]

    def __str__(self):
        return f"Couverture du {self.date:%d/%m/%Y} ({self.moteur})"

    def part_en_texte(self, seuil: str) -> str:
        part = self.part_sous_seuil.get(seuil)
        return "" if part is None else f"{part * 100:.1f} %".replace(".", ",")

    @property
    def part_20(self) -> str:
        return self.part_en_texte("20")

    @property
    def part_30(self) -> str:
        return self.part_en_texte("30")
