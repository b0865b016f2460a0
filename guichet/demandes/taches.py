"""Tâches de fond des demandes (interface django-tasks) : notifications et récapitulatifs.

Elles reçoivent des identifiants (jamais d'objet ni de donnée personnelle) et relisent la base :
une demande effacée entre-temps ne produit aucun courriel.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

from guichet.comptes.models import Utilisateur
from guichet.demandes import notifications
from guichet.demandes import permissions as permissions_demandes
from guichet.demandes.models import Demande

# Les événements d'une demande à moins de ce délai les uns des autres partent dans un même courriel.
REGROUPEMENT = timedelta(minutes=3)


def programmer_notification(demande_id: int) -> None:
    """Programme l'envoi des événements en attente de la demande, après le délai de regroupement (un moteur
    de tâches qui ne sait pas différer, comme celui des tests, envoie sur-le-champ)."""
    if default_task_backend.supports_defer:
        notifier_demande.using(run_after=timezone.now() + REGROUPEMENT).enqueue(demande_id)
    else:
        notifier_demande.enqueue(demande_id)


@task()
def notifier_demande(demande_id: int) -> int:
    """Prévient par courriel les personnes concernées par les événements en attente d'une demande : un
    courriel par destinataire, quel que soit le nombre d'événements ; rien s'ils sont déjà partis."""
    demande = (
        Demande.objects.select_related("auteur", "prise_en_charge_par", "operateur", "structure")
        .defer(*Demande.CHAMPS_PERSONNELS)
        .filter(pk=demande_id)
        .first()
    )
    if demande is None:
        return 0
    return notifications.envoyer_en_attente(demande)


@task()
def envoyer_recapitulatif(utilisateur_id: int, jour: str) -> int:
    """Le récapitulatif quotidien d'un référent (rien s'il n'a aucune demande à traiter).

    `jour` (AAAA-MM-JJ) ne sert qu'à reconnaître la tâche dans la file : le contenu est celui du moment."""
    utilisateur = Utilisateur.objects.filter(pk=utilisateur_id, is_active=True).first()
    if utilisateur is None:
        return 0
    boite = permissions_demandes.demandes_de_l_operateur(utilisateur)
    a_traiter = boite.en_attente_de_reponse().count()
    if not a_traiter:
        return 0
    en_retard = boite.en_retard().count()
    notifications.envoyer_recapitulatif(utilisateur, a_traiter, en_retard)
    return 1
