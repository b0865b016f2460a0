"""La tâche de fond de la couverture : recalculer les chiffres nationaux du jour quand le registre change.

Une modification du registre (structure, arrêt, permanence) demande un recalcul (`demander_recalcul`), au
plus une fois par processus et par DELAI : la tâche part DELAI après la première écriture et lit le registre
tel qu'il est alors (les écritures suivantes y sont). Elle enregistre la `Mesure` du jour pour chaque moteur
disponible : l'historique daté que l'ANCT suit sur la page nationale.
"""

import time
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from guichet.couverture import calcul, services
from guichet.couverture.models import Mesure
from guichet.couverture.routier import GrapheIndisponible
from guichet.temps import jour_local

DELAI = timedelta(seconds=120)
_derniere_demande = {"instant": None}


def mesurer(nom_moteur="estimation", date=None) -> Mesure:
    """Calcule la couverture nationale et enregistre (ou remplace) la mesure du jour pour ce moteur."""
    c = services.couverture(nom_moteur=nom_moteur)
    s = calcul.synthese(c, calcul.SEUILS_PAR_DEFAUT)
    mesure, _ = Mesure.objects.update_or_create(
        date=date or jour_local(timezone.now()),
        moteur=nom_moteur,
        defaults={
            "population_totale": s["population_totale"],
            "lieux": s["lieux"],
            "part_sous_seuil": s["part_sous_seuil"],
            "par_departement": {code: d["part_sous_seuil"] for code, d in s["par_departement"].items()},
        },
    )
    return mesure


@task()
def recalculer_couverture() -> dict:
    """La mesure nationale du jour, par moteur disponible (le routier seulement s'il a un réseau importé)."""
    bilan = {}
    cache.delete(services.CLE_NATIONALE)
    for nom in services.MOTEURS:
        try:
            bilan[nom] = mesurer(nom).part_sous_seuil
        except GrapheIndisponible:
            continue
    return bilan


def demander_recalcul() -> None:
    maintenant = time.monotonic()
    precedente = _derniere_demande["instant"]
    if precedente is not None and maintenant - precedente < DELAI.total_seconds():
        return
    _derniere_demande["instant"] = maintenant
    tache = recalculer_couverture
    if tache.get_backend().supports_defer:
        tache = tache.using(run_after=timezone.now() + DELAI)
    tache.enqueue()
