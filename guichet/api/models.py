"""Les jetons personnels d'API : un agent les crée, les voit une fois, les liste et les révoque.

Seule l'empreinte SHA-256 du jeton est gardée (le jeton, tiré au hasard sur 256 bits, n'a pas besoin
d'un hachage lent) ; son début (`prefixe`) permet de le reconnaître dans la liste.
"""

from django.conf import settings
from django.db import models


class JetonApiQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(revoque_le__isnull=True)


class JetonApi(models.Model):
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jetons_api")
    nom = models.CharField(max_length=100, help_text="À quoi sert ce jeton (logiciel, poste…).")
    prefixe = models.CharField("début du jeton", max_length=16)
    empreinte = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    utilise_le = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = JetonApiQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-cree_le"]

    def __str__(self):
        return f"{self.nom} ({self.prefixe}…)"

    @property
    def actif(self):
        return self.revoque_le is None
