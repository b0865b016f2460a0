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
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASE = "guichet_bench_bornes"
URL_PAR_DEFAUT = f"postgres://guichet:guichet@127.0.0.1:5432/{BASE}"


def configurer_environnement():
    url = os.environ.get("DATABASE_URL", URL_PAR_DEFAUT)
    morceaux = urlsplit(url)
    if not morceaux.scheme.startswith("postgres") or morceaux.path.lstrip("/") != BASE:
        sys.exit(f"Ce banc n'écrit que dans la base PostgreSQL {BASE} (DATABASE_URL={url}).")
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # comme en production : gabarits en cache, pas de journal SQL
    os.environ.setdefault("SECRET_KEY", "banc-d-essai-" * 4)
    os.environ.setdefault("GUICHET_CLES_JOURNAL", "banc:" + "banc-d-essai-" * 4)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import psycopg

    with psycopg.connect(urlunsplit(morceaux._replace(path="/postgres")), autocommit=True) as connexion:
        if not connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BASE]).fetchone():
            connexion.execute(f"CREATE DATABASE {BASE}")
            print(f"Base {BASE} créée.")


def reseau(nombre):
    from guichet.reseau.models import Structure
    from guichet.territoires.models import Commune, Departement, Region

    region, _ = Region.objects.get_or_create(code="99", defaults={"nom": "Région de banc d'essai"})
    for i in range(1, 102):
        code = f"{i:02d}" if i < 96 else f"97{i - 95}"
        departement, _ = Departement.objects.get_or_create(
            code=code, defaults={"nom": f"Banc {code}", "region": region}
        )
        Commune.objects.get_or_create(
            code=f"{code}B01"[:5], defaults={"nom": f"Ville {code}", "departement": departement}
        )
    communes = list(Commune.objects.filter(code__contains="B").order_by("code"))
    existantes = Structure.objects.filter(matricule__startswith="FS-BANC-").count()
    Structure.objects.bulk_create(
        [
            Structure(
                matricule=f"FS-BANC-{i:05d}",
                nom=f"France services de banc {i}",
                commune=communes[i % len(communes)],
                latitude=45.0,
                longitude=2.0,
                statut=Structure.Statut.LABELLISEE,
            )
            for i in range(existantes, nombre)
        ],
        batch_size=1000,
    )
    return list(Structure.objects.filter(matricule__startswith="FS-BANC-").values_list("pk", flat=True))


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
    configurer_environnement()
    from bench._commun import afficher, percentiles, preparer_django

    preparer_django(base_temporaire=False)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from guichet.bornes import services
    from guichet.bornes.models import Avis, SatisfactionMois
    from guichet.comptes.models import Habilitation, Role, Utilisateur
    from guichet.reseau.models import Structure

    setup_test_environment()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    print(f"PostgreSQL {connection.pg_version // 10000}, base {BASE}, {os.cpu_count()} cœurs, charge {os.getloadavg()}")
    structures = reseau(args.structures)
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

    national, _ = Utilisateur.objects.get_or_create(email="banc-national@banc.invalid")
    Habilitation.objects.get_or_create(utilisateur=national, role=Role.NATIONAL)
    appareil = TOTPDevice.objects.filter(user=national).first() or TOTPDevice.objects.create(
        user=national, name="banc", confirmed=True
    )
    client = Client()
    client.force_login(national, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()

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
