"""Banc : les résultats d'une enquête des usagers (trois questions) au niveau national, régional,
départemental et d'une structure, sur N questionnaires (par défaut 200 000, `--reponses N`) répartis sur
1 000 structures de 10 départements ; SQLite temporaire, ou DATABASE_URL=postgres://… pour PostgreSQL.
Affiche la durée d'écriture et les percentiles de `services.calculer` (secret statistique compris)."""

import argparse
import random
import time
import uuid
from datetime import date, timedelta

from _commun import afficher, percentiles, preparer_django

parametres = argparse.ArgumentParser()
parametres.add_argument("--reponses", type=int, default=200_000)
parametres.add_argument("--mesures", type=int, default=20)
args = parametres.parse_args()

preparer_django()

from django.db import connection, transaction  # noqa: E402

from guichet.enquetes import services  # noqa: E402
from guichet.enquetes.models import Campagne, Nature, Question, Reponse, Valeur  # noqa: E402
from guichet.reseau.models import Structure  # noqa: E402
from guichet.territoires.models import Commune, Departement, Region  # noqa: E402

hasard = random.Random(42)
region = Region.objects.create(code="98", nom="Région de banc")
departements = [Departement.objects.create(code=f"B{i}", nom=f"Banc {i}", region=region) for i in range(10)]
communes = [
    Commune.objects.create(code=f"B{i}001", nom=f"Banc {i}", departement=d, latitude=46.5, longitude=2.5)
    for i, d in enumerate(departements)
]
Structure.objects.bulk_create(
    Structure(matricule=f"BANC-{i:05d}", nom=f"Site {i}", commune=communes[i % 10], latitude=46.5, longitude=2.5)
    for i in range(1_000)
)
structures = list(Structure.objects.filter(matricule__startswith="BANC-"))
debut_campagne = date(2026, 1, 5)
campagne = Campagne.objects.create(titre="Banc", public="usagers", debut=debut_campagne, fin=date(2026, 3, 5))
echelle = Question.objects.create(campagne=campagne, ordre=1, libelle="Satisfaction", nature=Nature.ECHELLE)
choix = Question.objects.create(
    campagne=campagne, ordre=2, libelle="Résolu", nature=Nature.CHOIX, choix=["Oui", "En partie", "Non"]
)
texte = Question.objects.create(campagne=campagne, ordre=3, libelle="Un mot", nature=Nature.TEXTE)

debut = time.perf_counter()
LOT = 20_000
for depart in range(0, args.reponses, LOT):
    reponses, valeurs = [], []
    for _ in range(min(LOT, args.reponses - depart)):
        r = Reponse(
            id=uuid.uuid4(),
            campagne=campagne,
            structure=hasard.choice(structures),
            le=debut_campagne + timedelta(days=hasard.randrange(60)),
        )
        reponses.append(r)
        valeurs.append(Valeur(reponse=r, question=echelle, note=hasard.choices([5, 4, 3, 2, 1], [58, 34, 5, 2, 1])[0]))
        valeurs.append(
            Valeur(reponse=r, question=choix, choix=hasard.choice(["Oui", "Oui", "Oui", "En partie", "Non"]))
        )
        if hasard.random() < 0.1:
            valeurs.append(Valeur(reponse=r, question=texte, texte="Très bon accueil"))
    with transaction.atomic():
        Reponse.objects.bulk_create(reponses, batch_size=5_000)
        Valeur.objects.bulk_create(valeurs, batch_size=10_000)
ecriture = time.perf_counter() - debut
print(f"Moteur : {connection.vendor} ; {args.reponses} questionnaires écrits en {ecriture:.1f} s (horloge)")

niveaux = {
    "national": services.Niveau("national"),
    "région": services.Niveau("region", region),
    "département": services.Niveau("departement", departements[0]),
    "structure": services.Niveau("structure", structures[0]),
}
for nom, niveau in niveaux.items():
    services.calculer(campagne, niveau, textes_libres=True)  # échauffement
    durees, cpu = [], []
    for _ in range(args.mesures):
        t, c = time.perf_counter(), time.process_time()
        services.calculer(campagne, niveau, textes_libres=True)
        durees.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    afficher(f"résultats, niveau {nom} (horloge)", percentiles(durees))
    # Sous SQLite, le temps processeur du processus compte aussi la base : utile sur une machine chargée.
    afficher(f"résultats, niveau {nom} (processeur)", percentiles(cpu))
