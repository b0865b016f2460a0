"""Banc : `guichet financement --annee 2026 --json` sur 3 000 structures (cible < 5 s).

100 départements, 3 000 structures labellisées à des dates variées (un sur dix en 2026, un bus sur vingt),
une sur dix suspendue 30 jours dans l'année, une sur vingt retirée ; deux versements pour deux sur trois."""

import io
import json
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from _commun import preparer_django

NOMBRE_SITES = 3_000
NOMBRE_DEPARTEMENTS = 100
MESURES = 3

preparer_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from guichet.financement.models import SourceFinancement, Versement  # noqa: E402
from guichet.reseau.models import HistoriqueStatut, Structure  # noqa: E402
from guichet.territoires.models import Commune, Departement, Region  # noqa: E402

hasard = random.Random(42)
region = Region.objects.create(code="99", nom="Région de banc")
departements = Departement.objects.bulk_create(
    Departement(code=f"B{i:02d}", nom=f"Banc {i}", region=region) for i in range(NOMBRE_DEPARTEMENTS)
)
communes = Commune.objects.bulk_create(
    Commune(code=f"B{i:04d}", nom=f"Banc {i}", departement=d, latitude=46.5, longitude=2.5)
    for i, d in enumerate(departements)
)
structures = Structure.objects.bulk_create(
    Structure(
        matricule=f"BANC-{i:05d}",
        nom=f"Site {i}",
        commune=communes[i % NOMBRE_DEPARTEMENTS],
        latitude=46.5,
        longitude=2.5,
        forme=Structure.Forme.ITINERANTE if i % 20 == 0 else Structure.Forme.FIXE,
        statut=Structure.Statut.LABELLISEE,
    )
    for i in range(NOMBRE_SITES)
)
historique = []
for i, s in enumerate(structures):
    debut = date(2026, 1, 1) + timedelta(days=hasard.randint(0, 364)) if i % 10 == 0 else date(2021, 3, 1)
    historique.append(HistoriqueStatut(structure=s, statut="labellisee", date=debut))
    if i % 10 == 3:
        historique += [
            HistoriqueStatut(structure=s, statut="suspendue", date=date(2026, 4, 1)),
            HistoriqueStatut(structure=s, statut="labellisee", date=date(2026, 5, 1)),
        ]
    if i % 20 == 5:
        historique.append(HistoriqueStatut(structure=s, statut="retiree", date=date(2026, 9, 1)))
HistoriqueStatut.objects.bulk_create(historique, batch_size=5000)
fnadt, fnfs = SourceFinancement.objects.get(code="fnadt"), SourceFinancement.objects.get(code="fnfs")
Versement.objects.bulk_create(
    (
        Versement(
            structure=s,
            annee=2026,
            source=source,
            date=date(2026, mois, 15),
            montant=Decimal("7500.00"),
            reference=f"B-{s.pk}-{mois}",
        )
        for i, s in enumerate(structures)
        if i % 3
        for source, mois in ((fnadt, 3), (fnfs, 9))
    ),
    batch_size=5000,
)

durees = []
for _ in range(MESURES):
    sortie = io.StringIO()
    with CaptureQueriesContext(connection) as requetes:
        debut = time.perf_counter()
        call_command("financement", "--annee", "2026", "--json", stdout=sortie, stderr=io.StringIO())
        durees.append(time.perf_counter() - debut)
rapport = json.loads(sortie.getvalue())
print(
    f"guichet financement --annee 2026 --json : {len(rapport['sites'])} structures, {len(historique)} changements "
    f"de statut, {Versement.objects.count()} versements, {connection.vendor}"
)
print(f"durée : meilleure {min(durees):.2f} s, pire {max(durees):.2f} s sur {MESURES} ; {len(requetes)} requêtes")
total = rapport["total"]
print(f"total : dû {total['du']} €, versé {total['verse']} €, reste {total['reste']} €")
