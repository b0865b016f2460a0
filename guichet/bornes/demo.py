"""Données de démonstration des bornes (appelées par `guichet demo`).

Une borne par structure de démonstration du département 01, et un an d'avis : quelques-uns par jour ouvré,
aux heures d'ouverture, environ 92 % de satisfaits (le chiffre du réseau) ; une structure sur huit a un
score faible (une préfecture y ouvrirait un plan d'action), et quelques rafales trop rapides sont signalées.
Les agrégats mensuels sont reconstruits à la fin. Quelques dizaines de milliers de lignes au plus.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from guichet import temps
from guichet.bornes import services
from guichet.bornes.models import Attente, Avis, Borne
from guichet.reseau.demo import DEPARTEMENT_DEMO, PREFIXE
from guichet.reseau.models import Structure

JOURS = 365
PAR_JOUR = (0, 4)  # avis par jour ouvré et par borne, tirés au hasard entre ces bornes
NOTES_BONNES = [1, 2, 3, 4, 5], [1, 2, 5, 35, 57]  # ≈ 92 % de 4 ou 5
NOTES_FAIBLES = [1, 2, 3, 4, 5], [8, 12, 16, 34, 30]  # ≈ 64 %


def nettoyer() -> int:
    nombre, _ = Avis.objects.filter(structure__matricule__startswith=PREFIXE).delete()
    Borne.objects.filter(structure__matricule__startswith=PREFIXE).delete()
    return nombre


@transaction.atomic
def peupler(graine: int = 2026) -> dict[str, int]:
    nettoyer()
    hasard = random.Random(graine)
    structures = list(
        Structure.objects.filter(matricule__startswith=PREFIXE, commune__departement__code=DEPARTEMENT_DEMO).order_by(
            "matricule"
        )
    )
    if not structures:
        return {}
    aujourd_hui = temps.jour_local(timezone.now())
    avis = []
    bornes = 0
    for rang, structure in enumerate(structures):
        borne, _ = services.appairer(structure, "Tablette de la sortie")
        bornes += 1
        notes = NOTES_FAIBLES if rang % 8 == 3 else NOTES_BONNES
        for j in range(JOURS, 0, -1):
            jour = aujourd_hui - timedelta(days=j)
            if jour.weekday() >= 5:
                continue
            for _ in range(hasard.randint(*PAR_JOUR)):
                minute = hasard.randrange(9 * 60, 17 * 60)
                le = datetime.combine(jour, time(minute // 60, minute % 60), tzinfo=temps.PARIS)
                avis.append(_avis(hasard, structure, borne, le, notes))
        # Une rafale de 6 avis à 1 seconde d'intervalle : signalés, hors des chiffres.
        debut = datetime.combine(aujourd_hui - timedelta(days=20), time(12, 0), tzinfo=temps.PARIS)
        for s in range(6):
            avis.append(_avis(hasard, structure, borne, debut + timedelta(seconds=s), ([5], [1]), signale=True))
    Avis.objects.bulk_create(avis, batch_size=5000)
    services.recalculer_tout()
    return {"bornes de satisfaction": bornes, "avis des bornes": len(avis)}


def _avis(hasard, structure, borne, le, notes, signale=False) -> Avis:
    return Avis(
        id=uuid.UUID(int=hasard.getrandbits(128), version=4),
        structure=structure,
        borne=borne,
        le=le,
        note=hasard.choices(*notes)[0],
        resolu=hasard.choices([True, False, None], [70, 10, 20])[0],
        attente=hasard.choices([*Attente.values, ""], [50, 25, 5, 20])[0],
        reviendrait=hasard.choices([True, False, None], [65, 5, 30])[0],
        signale=signale,
    )
