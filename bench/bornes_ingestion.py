"""Banc d'essai : ingestion des avis des bornes par POST /api/v1/bornes/reponses (objectif : plus de 500 avis/s).

À travers le client de test de Django (pile complète : intergiciels, jeton d'appareil, validation, contrôle de
cadence, insertion idempotente, agrégats mensuels recalculés) sur une base SQLite temporaire :

    .venv/bin/python bench/bornes_ingestion.py [--bornes 20] [--lots 100] [--taille 50]

Chaque lot vient d'une borne (à tour de rôle), ses avis espacés comme ceux d'humains (de 20 s à 5 min) ; chaque
lot est envoyé deux fois : le second envoi (file renvoyée après une coupure) ne crée rien.
"""

import argparse
import json
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._commun import afficher, percentiles, preparer_django  # noqa: E402


def preparer(nombre_bornes):
    preparer_django()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from guichet.bornes import services
    from guichet.reseau.models import Structure
    from guichet.territoires.models import Commune, Departement, Region

    setup_test_environment()
    region = Region.objects.create(code="75", nom="Nouvelle-Aquitaine")
    correze = Departement.objects.create(code="19", nom="Corrèze", region=region)
    commune = Commune.objects.create(code="19272", nom="Tulle", departement=correze)
    jetons = []
    for i in range(nombre_bornes):
        structure = Structure.objects.create(
            matricule=f"FS-BANC-{i:03d}", nom=f"Banc {i}", commune=commune, latitude=45.27, longitude=1.77
        )
        jetons.append(services.appairer(structure, "Sortie")[1])
    return Client(), jetons


def lot(hasard, taille, debut):
    items, le = [], debut
    for _ in range(taille):
        le += timedelta(seconds=hasard.randint(20, 300))
        items.append(
            {
                "id": str(uuid.UUID(int=hasard.getrandbits(128), version=4)),
                "le": le.isoformat(),
                "note": hasard.choices([1, 2, 3, 4, 5], [2, 2, 4, 35, 57])[0],
                "resolu": hasard.choice([True, True, False, None]),
                "attente": hasard.choice(["moins_10", "10_30", "plus_30", None]),
                "reviendrait": hasard.choice([True, None]),
            }
        )
    return items, le


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bornes", type=int, default=20)
    parser.add_argument("--lots", type=int, default=100)
    parser.add_argument("--taille", type=int, default=50, help="avis par lot (500 au plus)")
    args = parser.parse_args()
    client, jetons = preparer(args.bornes)
    from django.db import connection

    from guichet.bornes.models import Avis

    hasard = random.Random(2026)
    fins = [datetime.now(UTC) - timedelta(days=20)] * len(jetons)
    envois = []
    for i in range(args.lots):
        rang = i % len(jetons)
        items, fins[rang] = lot(hasard, args.taille, fins[rang])
        envois.append((jetons[rang], json.dumps(items).encode()))
    total = args.lots * args.taille
    print(
        f"Ingestion des avis : {args.lots} lots × {args.taille} avis = {total}, {len(jetons)} bornes "
        f"(client de test Django, {connection.vendor})"
    )
    # Une requête d'échauffement (chargement paresseux des modules et des routes), hors mesure.
    assert client.get("/api/v1/bornes/moi", HTTP_AUTHORIZATION=f"Bearer {jetons[0]}").status_code == 200
    for passage, attendu in (("premier envoi", "crees"), ("envoi rejoué (tout déjà présent)", "deja_presents")):
        durees = []
        debut = time.perf_counter()
        for jeton, corps in envois:
            t = time.perf_counter()
            r = client.post(
                "/api/v1/bornes/reponses", corps, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {jeton}"
            )
            durees.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200 or r.json()[attendu] != args.taille:
                raise SystemExit(f"Réponse inattendue ({r.status_code}) : {r.content[:300]}")
        ecoule = time.perf_counter() - debut
        print(f"{passage} : {total} en {ecoule:.2f} s → {total / ecoule:,.0f} avis/s".replace(",", " "))
        afficher(f"  durée d'un lot de {args.taille}", percentiles(durees))
    assert Avis.objects.count() == total, f"{Avis.objects.count()} avis en base au lieu de {total}"
    signales = Avis.objects.filter(signale=True).count()
    print(f"En base : {Avis.objects.count()} avis (aucun doublon), {signales} signalés")


if __name__ == "__main__":
    main()
