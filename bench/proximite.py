"""Banc : les structures les plus proches d'un point, parmi 3 000 sites (cible p95 < 5 ms en processus)."""

import random
import time

from _commun import afficher, percentiles, preparer_django

NOMBRE_SITES = 3_000
NOMBRE_REQUETES = 2_000
LIMITE = 10

preparer_django()

from guichet.reseau.models import Structure  # noqa: E402
from guichet.reseau.services import structures_proches  # noqa: E402
from guichet.territoires.models import Commune, Departement, Region  # noqa: E402

hasard = random.Random(42)
region = Region.objects.create(code="99", nom="Région de banc")
departement = Departement.objects.create(code="99", nom="Banc", region=region)
commune = Commune.objects.create(code="99001", nom="Banc", departement=departement, latitude=46.5, longitude=2.5)
Structure.objects.bulk_create(
    Structure(
        matricule=f"BANC-{i:05d}",
        nom=f"Site {i}",
        commune=commune,
        latitude=hasard.uniform(42.3, 51.1),
        longitude=hasard.uniform(-4.8, 8.2),
        statut=Structure.Statut.LABELLISEE,
    )
    for i in range(NOMBRE_SITES)
)
points = [(hasard.uniform(42.3, 51.1), hasard.uniform(-4.8, 8.2)) for _ in range(NOMBRE_REQUETES)]
for lat, lon in points[:50]:  # échauffement
    structures_proches(lat, lon, LIMITE)
durees = []
for lat, lon in points:
    debut = time.perf_counter()
    resultats = structures_proches(lat, lon, LIMITE)
    durees.append((time.perf_counter() - debut) * 1000)
    assert len(resultats) == LIMITE
from django.db import connection  # noqa: E402

print(f"Moteur : {connection.vendor} ; {NOMBRE_SITES} sites, {NOMBRE_REQUETES} requêtes, {LIMITE} résultats chacune")
afficher("structures_proches", percentiles(durees))
