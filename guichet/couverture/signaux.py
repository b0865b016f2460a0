"""Le registre change (structure, arrêt ou permanence) : la couverture nationale du jour est à recalculer."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from guichet.couverture import taches
from guichet.reseau.models import Passage, Structure


def _registre_change(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(taches.demander_recalcul)


for _modele in (Structure, Passage):
    post_save.connect(_registre_change, sender=_modele, dispatch_uid=f"couverture-{_modele.__name__}-save")
    post_delete.connect(_registre_change, sender=_modele, dispatch_uid=f"couverture-{_modele.__name__}-delete")
