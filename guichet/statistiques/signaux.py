"""Les écritures d'accompagnements qui doivent refaire des agrégats.

Les ajouts et corrections se retrouvent par `Accompagnement.modifie_le` ; restent les jours (et
structures) qui perdent un accompagnement sans que rien n'y soit modifié : suppression
(post_delete) et correction de la date ou de la structure (pre_save). Ils sont notés dans
`JourARecalculer`.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from guichet.activite.models import Accompagnement
from guichet.activite.signaux import accompagnements_crees
from guichet.statistiques import taches
from guichet.statistiques.agregation import tout_recalculer
from guichet.statistiques.models import JourARecalculer
from guichet.temps import jour_local


def signaler(jour, structure_id) -> None:
    JourARecalculer.objects.get_or_create(jour=jour, structure_id=structure_id)


@receiver(pre_save, sender=Accompagnement, dispatch_uid="statistiques_accompagnement_deplace")
def accompagnement_deplace(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.le is None:
        return
    ancien = Accompagnement.objects.filter(pk=instance.pk).values_list("le", "structure_id").first()
    if ancien is not None and (jour_local(ancien[0]), ancien[1]) != (jour_local(instance.le), instance.structure_id):
        signaler(jour_local(ancien[0]), ancien[1])


@receiver(post_save, sender=Accompagnement, dispatch_uid="statistiques_accompagnement_enregistre")
def accompagnement_enregistre(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(taches.demander_actualisation)


@receiver(accompagnements_crees, dispatch_uid="statistiques_accompagnements_crees")
def accompagnements_crees_en_masse(sender, immediat=False, **kwargs):
    """Une création en masse (saisie par lots, API, démonstration) : actualisation en tâche de fond,
    ou recalcul complet tout de suite si l'appelant le demande."""
    if immediat:
        tout_recalculer()
    else:
        taches.demander_actualisation()


@receiver(post_delete, sender=Accompagnement, dispatch_uid="statistiques_accompagnement_supprime")
def accompagnement_supprime(sender, instance, **kwargs):
    if instance.le is not None:
        signaler(jour_local(instance.le), instance.structure_id)
    transaction.on_commit(taches.demander_actualisation)
