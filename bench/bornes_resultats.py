"""Banc d'essai : la page nationale des résultats de satisfaction avec 1 million d'avis (objectif : p95 < 300 ms).

    nice -n 10 .venv/bin/python bench/bornes_resultats.py [--volume 1000000] [--structures 2800] [--requetes 30]

PostgreSQL seulement, dans la base guichet_bench_bornes (créée au besoin, jamais une autre) : DATABASE_URL peut
changer l'hôte ou le compte, pas le nom de la base. Un réseau synthétique (101 départements, --structures
structures) reçoit les avis manquants pour atteindre --volume, écrits par COPY sur les 12 derniers mois ; les
agrégats mensuels sont reconstruits (un INSERT … GROUP BY), puis les pages nationale, départementale (le plus
gros département) et d'une structure sont demandées à chaud par le client de test de Django, session d'un
membre de l'équipe nationale (second facteur validé).
"""

import argparse
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASE = "guichet_bench_bornes"


def copier_avis(manque, structures):
    """Les avis manquants, par COPY : sur les 12 derniers mois, 92 % de satisfaits, 1 % signalés."""
    from django.db import connection

    hasard = random.Random(2026)
    maintenant = datetime.now(UTC)
    colonnes = "id, structure_id, le, recu_le, note, resolu, attente, reviendrait, signale"
    debut = time.perf_counter()
    with connection.cursor() as curseur:
        with curseur.copy(f"COPY bornes_avis ({colonnes}) FROM STDIN") as copie:
            for _ in range(manque):
                le = maintenant - timedelta(seconds=hasard.randrange(360 * 86400))
                copie.write_row(
                    (
                        uuid.UUID(int=hasard.getrandbits(128), version=4),
                        hasard.choice(structures),
                        le,
                        le,
                        hasard.choices((1, 2, 3, 4, 5), (2, 2, 4, 35, 57))[0],
                        hasard.choice((True, True, False, None)),
                        hasard.choice(("moins_10", "10_30", "plus_30", "")),
                        hasard.choice((True, None)),
                        hasard.random() < 0.01,
                    )
                )
    secondes = time.perf_counter() - debut
    print(f"COPY de {manque} avis : {secondes:.1f} s ({manque / secondes:,.0f} lignes/s)".replace(",", " "))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--volume", type=int, default=1_000_000)
    parser.add_argument("--structures", type=int, default=2800)
    parser.add_argument("--requetes", type=int, default=30)
    parser.add_argument("--reconstruire", action="store_true", help="Reconstruire les agrégats même sans avis neufs.")
    args = parser.parse_args()
    from bench._commun import (
        afficher,
        base_postgresql_de_banc,
        client_national,
        percentiles,
        preparer_django,
        reseau_de_banc,
    )

    base = base_postgresql_de_banc(BASE)

    preparer_django(base_temporaire=False)
    from django.db import connection

    from guichet.bornes import services
    from guichet.bornes.models import Avis, SatisfactionMois
    from guichet.reseau.models import Structure

    print(f"PostgreSQL {connection.pg_version // 10000}, base {base}, {os.cpu_count()} cœurs, charge {os.getloadavg()}")
    structures = reseau_de_banc(args.structures)
    manque = args.volume - Avis.objects.count()
    if manque > 0:
        copier_avis(manque, structures)
    if manque > 0 or args.reconstruire or not SatisfactionMois.objects.exists():
        debut = time.perf_counter()
        lignes = services.recalculer_tout()
        print(f"Agrégats mensuels reconstruits : {lignes} lignes en {time.perf_counter() - debut:.1f} s")
        with connection.cursor() as curseur:
            curseur.execute("VACUUM ANALYZE bornes_avis")
            curseur.execute("VACUUM ANALYZE bornes_satisfactionmois")
    agregats = SatisfactionMois.objects.count()
    print(f"Volume : {Avis.objects.count()} avis, {len(structures)} structures, {agregats} agrégats")

    client = client_national()

    gros = Structure.objects.filter(pk__in=structures).values_list("commune__departement__code", flat=True)[0]
    pages = [
        ("page nationale (par département)", "/espace/satisfaction/national/", 300),
        (f"page du département {gros}", f"/espace/satisfaction/departement/{gros}/", 300),
        ("page d'une structure (par mois)", f"/espace/satisfaction/structure/{structures[0]}/", 300),
        ("export CSV national", "/espace/satisfaction/national/export.csv", 300),
    ]
    from guichet.bornes import resultats

    durees = []
    for _ in range(args.requetes):
        t = time.perf_counter()
        resultats.national(services.periode_12_mois(), lambda d: "")
        durees.append((time.perf_counter() - t) * 1000)
    afficher("calcul du tableau national seul (requête SQL et secret)", percentiles(durees))
    print(f"\n{args.requetes} requêtes à chaud par page (client de test Django, pile complète) :")
    for titre, url, cible in pages:
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        durees = []
        for _ in range(args.requetes):
            t = time.perf_counter()
            reponse = client.get(url)
            durees.append((time.perf_counter() - t) * 1000)
            assert reponse.status_code == 200
        mesures = percentiles(durees)
        afficher(titre, mesures)
        print("  " + ("[OK]" if mesures["p95"] < cible else f"[au-dessus de la cible {cible} ms]"))


if __name__ == "__main__":
    main()
