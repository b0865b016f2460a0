import random
import uuid
from datetime import datetime, timedelta

from guichet.activite.models import Accompagnement, Autonomie, Canal, Duree, Resultat, TrancheAge, TypeAide
from guichet.demarches.models import Demarche
from guichet.reseau.models import Operateur
from guichet.temps import PARIS


def a_paris(annee, mois, jour, heure=10, minute=0):
    return datetime(annee, mois, jour, heure, minute, tzinfo=PARIS)


def accompagnements_au_hasard(structures, debut, jours, nombre, graine=1, operateurs=None, enregistrer=True):
    """`nombre` accompagnements variés, répartis sur `jours` jours à partir de `debut` (datetime),
    entre 0 h et 23 h 59 heure de Paris (les bords de jour comptent) ; bulk_create si `enregistrer`."""
    hasard = random.Random(graine)
    operateurs = operateurs or list(Operateur.objects.filter(code__in=["caf", "france-titres", "msa"]))
    demarches = {o.pk: [None, *Demarche.objects.filter(operateur=o)[:4]] for o in operateurs}
    objets = []
    for _ in range(nombre):
        operateur = hasard.choice(operateurs)
        le = debut + timedelta(days=hasard.randrange(jours), minutes=hasard.randrange(24 * 60))
        objets.append(
            Accompagnement(
                id=uuid.UUID(int=hasard.getrandbits(128), version=4),
                structure=hasard.choice(structures),
                le=le,
                canal=hasard.choice(Canal.values),
                operateur=operateur,
                demarche=hasard.choice(demarches[operateur.pk]),
                type_aide=hasard.choice(TypeAide.values),
                resultat=hasard.choice(Resultat.values + [Resultat.RESOLU] * 6),
                duree=hasard.choice(Duree.values),
                tranche_age=hasard.choice(["", *TrancheAge.values]),
                premiere_visite=hasard.choice([None, True, False]),
                autonomie=hasard.choice(["", *Autonomie.values]),
                besoin_allophone=hasard.random() < 0.1,
                besoin_handicap=hasard.random() < 0.1,
            )
        )
    if enregistrer:
        Accompagnement.objects.bulk_create(objets)
    return objets
