"""Le rappel hebdomadaire aux responsables de structure : tant qu'un agent actif de leur équipe n'est pas
formé (un nouvel agent commence avec un parcours vide), un courriel par semaine au plus.

`rappeler(maintenant)` est appelée par `guichet relancer_formation --wet-run` (chaque lundi matin, voir
`guichet.planification`) ; elle est idempotente : chaque rappel est inscrit (`RappelFormation`, unique par
responsable et par semaine), et une semaine déjà servie ne l'est pas deux fois, même relancée."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from guichet.comptes.models import Habilitation, Role
from guichet.formation import services, taches
from guichet.formation.models import RappelFormation
from guichet.temps import jour_local


@dataclass
class Bilan:
    rappels: int = 0
    deja_envoyes: int = 0
    agents: int = 0

    def __str__(self):
        return (
            f"{self.rappels} rappel(s) à des responsables ({self.agents} agent(s) à former), "
            f"{self.deja_envoyes} déjà envoyé(s) cette semaine"
        )


def _responsables_a_prevenir() -> dict[int, int]:
    """{responsable: nombre d'agents à former dans ses structures}, par lots."""
    gerees = defaultdict(set)
    for utilisateur_id, structure_id in (
        Habilitation.objects.actives().filter(role=Role.GESTIONNAIRE).values_list("utilisateur_id", "structure_id")
    ):
        gerees[utilisateur_id].add(structure_id)
    toutes = set().union(*gerees.values()) if gerees else set()
    equipe = services.equipes(list(toutes))
    formes = services.agents_formes(set().union(*equipe.values())) if equipe else set()
    a_former = {sid: agents - formes for sid, agents in equipe.items()}
    comptes = {}
    for responsable, structures in gerees.items():
        nombre = len(set().union(*(a_former.get(s, set()) for s in structures)))
        if nombre:
            comptes[responsable] = nombre
    return comptes


def rappeler(maintenant=None, ecrire=True) -> Bilan:
    """Programme le rappel de la semaine de chaque responsable qui a des agents à former."""
    maintenant = maintenant or timezone.now()
    jour = jour_local(maintenant)
    semaine = jour - timedelta(days=jour.weekday())
    deja = set(RappelFormation.objects.filter(semaine=semaine).values_list("destinataire_id", flat=True))
    bilan = Bilan()
    for responsable, nombre in sorted(_responsables_a_prevenir().items()):
        if responsable in deja:
            bilan.deja_envoyes += 1
            continue
        bilan.rappels += 1
        bilan.agents += nombre
        if not ecrire:
            continue
        try:
            with transaction.atomic():
                RappelFormation.objects.create(
                    destinataire_id=responsable, semaine=semaine, envoye_le=maintenant, agents=nombre
                )
                transaction.on_commit(lambda r=responsable: taches.envoyer_rappel.enqueue(r))
        except IntegrityError:  # une autre exécution l'a inscrit entre-temps
            bilan.rappels -= 1
            bilan.agents -= nombre
            bilan.deja_envoyes += 1
    return bilan
