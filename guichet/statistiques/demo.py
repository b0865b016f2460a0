"""Données de démonstration de l'application statistiques (appelées par `guichet demo`, après celles de
l'activité) : l'activité de tous les autres départements.

L'activité du département de démonstration est saisie en détail (comptes des conseillers, arrêts des
bus : voir `guichet.activite.demo`) ; ailleurs, les mêmes six semaines sont tirées en volume par
`generation.generer_sur` (le mélange national par opérateur, des structures plus ou moins actives, un
facteur par département), moins dense (PAR_JOUR_AILLEURS), pour que le tableau national, sa carte des
départements et le classement des structures d'une préfecture montrent quelque chose de réel.
Jusqu'à la veille : la journée en cours n'a que ce que l'on saisit.

Rien à nettoyer ici : `guichet.activite.demo.nettoyer` efface toute l'activité des structures de
démonstration.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from guichet.activite.demo import SEMAINES
from guichet.activite.models import Accompagnement
from guichet.activite.signaux import accompagnements_crees
from guichet.reseau.demo import DEPARTEMENT_DEMO, PREFIXE
from guichet.reseau.models import Structure
from guichet.statistiques import generation

# L'écart d'activité entre départements (log-normal) : des départements nettement plus actifs que d'autres.
ECART_DEPARTEMENTS = 0.3
# Accompagnements par jour ouvré et par structure, en moyenne : moins que dans le département de
# démonstration (celui des comptes que l'on essaie), pour que `guichet demo` reste rapide sous SQLite
# (les 1 600 autres structures font alors environ 50 000 accompagnements et leurs agrégats).
PAR_JOUR_AILLEURS = 1


@transaction.atomic
def peupler(graine: int = 2026) -> dict[str, int]:
    aujourd_hui = timezone.localdate()
    debut, fin = aujourd_hui - timedelta(weeks=SEMAINES), aujourd_hui - timedelta(days=1)
    structures = Structure.objects.filter(matricule__startswith=PREFIXE, statut=Structure.Statut.LABELLISEE).exclude(
        commune__departement__code=DEPARTEMENT_DEMO
    )
    nombre = structures.count()
    if not nombre:
        return {}
    jours = sum(poids for _, poids in generation.jours_ouvres(debut, fin))
    volume = round(PAR_JOUR_AILLEURS * nombre * jours)
    generation.generer_sur(structures, debut, fin, volume, graine, ECART_DEPARTEMENTS)
    accompagnements_crees.send(sender=Accompagnement, immediat=True)
    return {"accompagnements hors du département de démonstration": volume}
