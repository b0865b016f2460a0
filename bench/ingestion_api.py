"""Banc d'essai : ingestion par lots de POST /api/v1/accompagnements (objectif : plus de 1 000 accompagnements/s).

Par défaut, à travers le client de test de Django (pile complète : intergiciels, authentification par
jeton, validation, insertion idempotente) sur une base SQLite temporaire :

    .venv/bin/python bench/ingestion_api.py [--lots 100] [--taille 500]

Contre un serveur en marche, avec un jeton personnel créé dans l'espace de l'agent :

    .venv/bin/python bench/ingestion_api.py --url http://127.0.0.1:8000 --jeton gch_… [--structure FS-…]

Chaque lot est envoyé deux fois : le second envoi (synchronisation rejouée) ne crée rien.
"""

import argparse
import json
import random
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._commun import afficher, percentiles, preparer_django  # noqa: E402

OPERATEURS = {
    "france-titres": ["carte-grise", "pre-demande-cni", "permis-conduire"],
    "caf": ["prime-activite", "aide-logement", "rsa", "declaration-trimestrielle"],
    "assurance-maladie": ["carte-vitale", "css", "compte-ameli"],
    "finances-publiques": ["declaration-revenus", "prelevement-source"],
    "assurance-retraite": ["demande-retraite", "releve-carriere"],
}


def lot(hasard, taille, structure):
    debut = datetime.now(UTC) - timedelta(days=5)
    items = []
    for _ in range(taille):
        operateur = hasard.choice(list(OPERATEURS))
        items.append(
            {
                "id": str(uuid.UUID(int=hasard.getrandbits(128), version=4)),
                "structure": structure,
                "le": (debut + timedelta(seconds=hasard.randint(0, 4 * 86400))).isoformat(),
                "canal": hasard.choice(["accueil", "accueil", "telephone", "itinerance"]),
                "operateur": operateur,
                "demarche": hasard.choice(OPERATEURS[operateur]),
                "type_aide": hasard.choice(["information", "demarche_en_ligne", "impression", "rendez_vous"]),
                "resultat": hasard.choice(["resolu", "resolu", "resolu", "oriente", "back_office"]),
                "duree": hasard.choice(["moins_15", "15_30", "30_60", "plus_60"]),
                "tranche_age": hasard.choice(["", "moins_26", "26_59", "60_74", "plus_75"]),
                "besoin_allophone": hasard.random() < 0.05,
            }
        )
    return items


def envoyeur_local():
    """Prépare une base temporaire, un agent et son jeton ; renvoie (envoyer, structure, compter)."""
    preparer_django()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from guichet.activite.models import Accompagnement
    from guichet.api.jetons import creer_jeton
    from guichet.comptes.models import Habilitation, Role, Utilisateur
    from guichet.reseau.models import Structure
    from guichet.territoires.models import Commune, Departement, Region

    setup_test_environment()  # DEBUG faux (pas de journal des requêtes), hôte « testserver » permis
    region = Region.objects.create(code="84", nom="Auvergne-Rhône-Alpes")
    ain = Departement.objects.create(code="01", nom="Ain", region=region)
    commune = Commune.objects.create(code="01053", nom="Bourg-en-Bresse", departement=ain)
    structure = Structure.objects.create(
        matricule="FS-BENCH-001",
        nom="France services de banc d'essai",
        commune=commune,
        adresse="1 place de la Mairie",
        latitude=46.2,
        longitude=5.2,
    )
    agent = Utilisateur.objects.create(email="banc@example.fr")
    Habilitation.objects.create(utilisateur=agent, role=Role.CONSEILLER, structure=structure)
    _, jeton = creer_jeton(agent, "banc d'essai")
    client = Client()

    def envoyer(corps: bytes):
        r = client.post(
            "/api/v1/accompagnements", corps, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {jeton}"
        )
        return r.status_code, r.json()

    return envoyer, structure.matricule, Accompagnement.objects.count


def envoyeur_distant(url, jeton):
    def envoyer(corps: bytes):
        requete = urllib.request.Request(
            url.rstrip("/") + "/api/v1/accompagnements",
            data=corps,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {jeton}"},
        )
        try:
            with urllib.request.urlopen(requete) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    return envoyer


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lots", type=int, default=100)
    parser.add_argument("--taille", type=int, default=500, help="accompagnements par lot (1 000 au plus)")
    parser.add_argument("--url", help="serveur en marche (sinon : client de test sur une base SQLite temporaire)")
    parser.add_argument("--jeton", help="jeton personnel d'API (avec --url)")
    parser.add_argument("--structure", help="matricule de la structure (avec --url, si l'agent en a plusieurs)")
    args = parser.parse_args()

    compter = None
    if args.url:
        if not args.jeton:
            parser.error("--url demande --jeton")
        envoyer, structure = envoyeur_distant(args.url, args.jeton), args.structure
        cible = args.url
    else:
        envoyer, structure, compter = envoyeur_local()
        from django.db import connection

        cible = f"client de test Django, {connection.vendor}"
    hasard = random.Random(2026)
    corps = [json.dumps(lot(hasard, args.taille, structure)).encode() for _ in range(args.lots)]
    total = args.lots * args.taille
    print(f"Ingestion : {args.lots} lots × {args.taille} accompagnements = {total} ({cible})")

    for passage, attendu in (("premier envoi", "crees"), ("envoi rejoué (tout déjà présent)", "deja_presents")):
        durees = []
        debut = time.perf_counter()
        for c in corps:
            t = time.perf_counter()
            statut, reponse = envoyer(c)
            durees.append((time.perf_counter() - t) * 1000)
            if statut != 200 or reponse.get(attendu) != args.taille:
                raise SystemExit(f"Réponse inattendue ({statut}) : {str(reponse)[:300]}")
        ecoule = time.perf_counter() - debut
        print(f"{passage} : {total} en {ecoule:.2f} s → {total / ecoule:,.0f} accompagnements/s".replace(",", " "))
        afficher(f"  durée d'un lot de {args.taille}", percentiles(durees))
    if compter is not None:
        assert compter() == total, f"{compter()} lignes en base au lieu de {total}"
        print(f"En base : {compter()} accompagnements (aucun doublon)")


if __name__ == "__main__":
    main()
