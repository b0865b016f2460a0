"""Tâches de fond des demandes (interface django-tasks) : notifications et récapitulatifs.

Elles reçoivent des identifiants (jamais d'objet ni de donnée personnelle) et relisent la base :
une demande effacée entre-temps ne produit aucun courriel.
"""

from django_tasks import task

from guichet import permissions
from guichet.comptes.models import Utilisateur
from guichet.demandes import notifications
from guichet.demandes.models import Demande


@task()
def notifier_demande(demande_id: int, evenement: str, operateur_id: int | None = None) -> int:
    """Prévient par courriel les personnes concernées par un événement d'une demande."""
    demande = (
        Demande.objects.select_related("auteur", "prise_en_charge_par")
        .defer(*Demande.CHAMPS_PERSONNELS)
        .filter(pk=demande_id)
        .first()
    )
    if demande is None:
        return 0
    return notifications.envoyer(demande, evenement, operateur_id)


@task()
def envoyer_recapitulatif(utilisateur_id: int, jour: str) -> int:
    """Le récapitulatif quotidien d'un référent (rien s'il n'a aucune demande à traiter).

    `jour` (AAAA-MM-JJ) ne sert qu'à reconnaître la tâche dans la file : le contenu est celui du moment."""
    utilisateur = Utilisateur.objects.filter(pk=utilisateur_id, is_active=True).first()
    if utilisateur is None:
        return 0
    boite = permissions.demandes_de_l_operateur(utilisateur)
    a_traiter = boite.en_attente_de_reponse().count()
    if not a_traiter:
        return 0
    en_retard = boite.en_retard().count()
    notifications.envoyer_recapitulatif(utilisateur, a_traiter, en_retard)
    return 1
