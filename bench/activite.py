"""Banc d'essai de l'activité : génération en volume, agrégation, tableaux de bord, et la même
agrégation nationale dans DuckDB (export Parquet des mêmes lignes) comme référence matérielle.

    nice -n 10 .venv/bin/python bench/activite.py --volume 10000000

PostgreSQL seulement, dans une base dont le nom commence par guichet_bench (créée au besoin, jamais une
autre) : DATABASE_URL peut changer l'hôte, le compte et la fin du nom. La géographie est importée
si elle manque ; les structures sont complétées jusqu'à --structures par des structures de banc
d'essai ; seuls les accompagnements manquants pour atteindre --volume sont générés (relancer le
banc ne double pas la base). Cibles : tableau national < 300 ms, tableau d'une structure < 100 ms
(à chaud, p50 et p95 sur --requetes requêtes par le client de test de Django).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASE = "guichet_bench"


def chrono(titre):
    class _Chrono:
        def __enter__(self):
            self.debut = time.perf_counter()
            return self

        def __exit__(self, *exc):
            self.secondes = time.perf_counter() - self.debut
            print(f"{titre} : {self.secondes:.1f} s")

    return _Chrono()


def taille(table):
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_size_pretty(pg_total_relation_size(%s)), pg_total_relation_size(%s)", [table, table])
        return c.fetchone()


def mesurer(client, url, requetes):
    from django.db import connection, reset_queries

    from bench._commun import percentiles

    for _ in range(3):  # à chaud
        reponse = client.get(url)
        assert reponse.status_code == 200, (url, reponse.status_code)
    durees = []
    for _ in range(requetes):
        reset_queries()
        debut = time.perf_counter()
        reponse = client.get(url)
        durees.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200
    m = percentiles(durees)
    m["requetes_sql"] = len(connection.queries) if connection.queries_logged else None
    return m


def afficher_mesure(titre, m, cible=None):
    statut = "" if cible is None else ("  [OK]" if m["p95"] < cible else f"  [au-dessus de la cible {cible} ms]")
    print(f"{titre} : p50={m['p50']:.1f} ms  p95={m['p95']:.1f} ms  max={m['max']:.1f} ms (n={m['n']}){statut}")


def conditions_sql():
    """Les mesures en SQL (COUNT … FILTER), écrites d'après mesures.py, pour DuckDB et PostgreSQL."""
    from guichet.statistiques.mesures import GROUPES

    colonnes = ["count(*) AS nombre"]
    for groupe in GROUPES:
        for mesure in groupe.mesures:
            ((champ, valeur),) = mesure.condition.children
            litteral = "true" if valeur is True else "false" if valeur is False else f"'{valeur}'"
            colonnes.append(f"count(*) FILTER (WHERE {champ} = {litteral}) AS {mesure.nom}")
    return ", ".join(colonnes)


def requetes_nationales(table, debut, fin, debut_prec, fin_prec):
    """Ce que calcule le tableau national, en SQL sur les lignes brutes (jour local, département)."""
    periode = f"jour BETWEEN DATE '{debut}' AND DATE '{fin}'"
    court = "count(*), count(*) FILTER (WHERE resultat = 'resolu')"
    return [
        f"SELECT {conditions_sql()} FROM {table} WHERE {periode}",
        f"SELECT {court} FROM {table} WHERE jour BETWEEN DATE '{debut_prec}' AND DATE '{fin_prec}'",
        f"SELECT date_trunc('month', jour) AS m, {court} FROM {table} WHERE {periode} GROUP BY 1",
        f"SELECT operateur_id, {court} FROM {table} WHERE {periode} GROUP BY 1",
        f"SELECT demarche_id, {court} FROM {table} WHERE {periode} GROUP BY 1",
        f"SELECT departement_id, {court} FROM {table} WHERE {periode} GROUP BY 1",
    ]


SELECT_BRUT = """
    SELECT (a.le AT TIME ZONE 'Europe/Paris')::date AS jour, c.departement_id, a.structure_id, a.operateur_id,
           a.demarche_id, a.canal, a.resultat, a.type_aide, a.duree, a.tranche_age, a.premiere_visite,
           a.autonomie, a.besoin_allophone, a.besoin_handicap
    FROM activite_accompagnement a
    JOIN reseau_structure s ON s.id = a.structure_id
    JOIN territoires_commune c ON c.id = s.commune_id
"""


def duckdb_reference(dossier, periode, precedente, repetitions=5):
    """Export des lignes (COPY … TO STDOUT en CSV), Parquet par DuckDB, puis les requêtes du
    tableau national ; renvoie la médiane (ms) d'un passage complet."""
    import duckdb
    from django.db import connection

    csv_ = Path(dossier) / "accompagnements.csv"
    parquet = Path(dossier) / "accompagnements.parquet"
    with chrono("Export PostgreSQL → CSV (COPY TO STDOUT)"):
        with connection.cursor() as c, open(csv_, "wb") as f:
            with c.cursor.copy(f"COPY ({SELECT_BRUT}) TO STDOUT (FORMAT csv, HEADER)") as copie:
                for morceau in copie:
                    f.write(morceau)
    base = duckdb.connect()
    base.execute("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false")
    with chrono("CSV → Parquet (DuckDB)"):
        base.execute(f"COPY (SELECT * FROM read_csv('{csv_}', header = true)) TO '{parquet}' (FORMAT parquet)")
    print(f"Parquet : {parquet.stat().st_size / 1e6:.0f} Mo (CSV : {csv_.stat().st_size / 1e6:.0f} Mo)")
    csv_.unlink()
    base.execute(f"CREATE VIEW accompagnements AS SELECT * FROM read_parquet('{parquet}')")
    requetes = requetes_nationales("accompagnements", periode.debut, periode.fin, precedente.debut, precedente.fin)
    durees = []
    for _ in range(repetitions + 1):
        debut = time.perf_counter()
        for sql in requetes:
            base.execute(sql).fetchall()
        durees.append((time.perf_counter() - debut) * 1000)
    durees = durees[1:]  # le premier passage lit les fichiers
    return statistics.median(durees), requetes


def postgresql_brut(requetes):
    """Les mêmes requêtes dans PostgreSQL, sur les lignes brutes (sans les agrégats), une fois."""
    from django.db import connection

    debut = time.perf_counter()
    with connection.cursor() as c:
        c.execute(f"CREATE TEMPORARY VIEW accompagnements_bruts AS {SELECT_BRUT}")
        for sql in requetes:
            c.execute(sql.replace("FROM accompagnements ", "FROM accompagnements_bruts "))
            c.fetchall()
    return (time.perf_counter() - debut) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--volume", type=int, default=10_000_000, help="Accompagnements visés (défaut 10 millions).")
    parser.add_argument("--annee", type=int, default=2025, help="Année couverte par la génération (défaut 2025).")
    parser.add_argument("--structures", type=int, default=2800, help="Structures labellisées visées (défaut 2 800).")
    parser.add_argument("--requetes", type=int, default=20, help="Requêtes mesurées par tableau (défaut 20).")
    parser.add_argument("--sans-duckdb", action="store_true", help="Sauter la comparaison avec DuckDB.")
    args = parser.parse_args()

    from bench._commun import base_postgresql_de_banc, preparer_django
    from bench._commun import client_national as client_de_l_equipe_nationale

    base = base_postgresql_de_banc(BASE)

    with chrono("Migrations"):
        preparer_django(base_temporaire=False)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    from guichet.activite.models import Accompagnement
    from guichet.comptes.models import Habilitation, Role, Utilisateur
    from guichet.reseau.models import Structure
    from guichet.statistiques import agregation, generation
    from guichet.statistiques.agregation import TABLES
    from guichet.statistiques.periodes import Periode
    from guichet.territoires.models import Commune

    print(f"PostgreSQL {connection.pg_version // 10000}, base {base}, {os.cpu_count()} cœurs")
    if not Commune.objects.exists():
        with chrono("Import de la géographie"):
            call_command("import_territoires", "--sans-progression", "--wet-run")

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM activite_accompagnement")
        existants = c.fetchone()[0]
    manque = args.volume - existants
    if manque > 0:
        print(f"Génération de {manque} accompagnements ({existants} déjà là) sur l'année {args.annee}…")
        debut = time.perf_counter()

        def progression(faits, total):
            ecoule = time.perf_counter() - debut
            print(f"  {faits}/{total} en {ecoule:.0f} s ({faits / ecoule:,.0f}/s)", flush=True)

        bilan = generation.generer(manque, annee=args.annee, structures=args.structures, progression=progression)
        print(
            f"Génération : {bilan.volume} lignes en {bilan.secondes:.0f} s, {bilan.par_seconde:,.0f} lignes/s "
            f"({bilan.structures_creees} structures de banc d'essai créées)"
        )
    total = Accompagnement.objects.count()
    structures = Structure.objects.filter(statut=Structure.Statut.LABELLISEE).count()
    volume_table = taille("activite_accompagnement")[0]
    print(f"Volume : {total} accompagnements, {structures} structures labellisées, table {volume_table}")

    with chrono("Agrégation complète (INSERT … SELECT … GROUP BY)"):
        agregation.tout_recalculer()
    for modele in TABLES:
        print(f"  {modele.__name__} : {modele.objects.count()} lignes, {taille(modele._meta.db_table)[0]}")
    with chrono("VACUUM ANALYZE"):
        with connection.cursor() as c:
            for table in ["activite_accompagnement"] + [m._meta.db_table for m in TABLES]:
                c.execute(f"VACUUM ANALYZE {table}")

    # Mise à jour incrémentale : un accompagnement saisi (un jour entier recalculé, toute la France).
    # Les lignes générées à l'instant tomberaient dans la marge de relecture (agregation.MARGE) :
    # le dernier calcul est daté de maintenant + MARGE pour ne relire que la saisie qui suit.
    from django.utils import timezone

    from guichet.statistiques.models import EtatAgregats

    EtatAgregats.objects.filter(pk=1).update(jusqu_a=timezone.now() + agregation.MARGE)
    time.sleep(0.01)
    exemple = Accompagnement.objects.filter(le__year=args.annee).first()
    exemple.save()
    with chrono("Mise à jour incrémentale après une saisie"):
        bilan = agregation.actualiser()
    print(f"  {bilan.texte()}")

    # Tableaux de bord
    # La structure la plus active : le cas le plus lourd pour son tableau.
    plus_active = Accompagnement.objects.values("structure").annotate(n=Count("pk")).order_by("-n").first()
    structure = Structure.objects.select_related("commune__departement").get(pk=plus_active["structure"])
    conseiller, _ = Utilisateur.objects.get_or_create(email="banc-conseiller@banc.invalid")
    Habilitation.objects.get_or_create(utilisateur=conseiller, role=Role.CONSEILLER, structure=structure)
    # L'équipe nationale a un second facteur : le client commun du banc le valide.
    client_national = client_de_l_equipe_nationale()
    client_structure = Client()
    client_structure.force_login(conseiller, backend="django.contrib.auth.backends.ModelBackend")
    a = args.annee
    annee = f"?periode=annee&annee={a}"
    departement = structure.commune.departement
    n_structure = plus_active["n"]
    charge = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nTableaux de bord (année {a} sauf mention ; {args.requetes} requêtes à chaud par ligne ; charge {charge}) :"
    )
    mesures = {}
    for titre, client, url, cible in [
        ("National, année", client_national, f"/espace/statistiques/national/{annee}", 300),
        (
            "National, un mois (courbe par jour)",
            client_national,
            f"/espace/statistiques/national/?periode=mois&annee={a}&mois=6",
            300,
        ),
        (
            "National, dates choisies (mois entiers + bords au jour)",
            client_national,
            f"/espace/statistiques/national/?periode=dates&debut={a}-02-10&fin={a}-11-20",
            300,
        ),
        (
            f"Département {departement.code}, année",
            client_national,
            f"/espace/statistiques/departement/{departement.code}/{annee}",
            300,
        ),
        ("Opérateur CAF, France entière, année", client_national, f"/espace/statistiques/operateur/caf/{annee}", 300),
        (
            f"Structure la plus active ({n_structure} accompagnements), année",
            client_structure,
            f"/espace/statistiques/structure/{structure.pk}/{annee}",
            100,
        ),
        (
            "Structure, un mois",
            client_structure,
            f"/espace/statistiques/structure/{structure.pk}/?periode=mois&annee={a}&mois=6",
            100,
        ),
    ]:
        mesures[titre] = mesurer(client, url, args.requetes)
        afficher_mesure(titre, mesures[titre], cible)

    periode = Periode.annee(a)
    precedente = periode.precedente()
    if not args.sans_duckdb:
        print("\nRéférence : la même agrégation nationale (année) sur les mêmes lignes brutes")
        with tempfile.TemporaryDirectory(prefix="banc-activite-") as dossier:
            duckdb_ms, requetes = duckdb_reference(dossier, periode, precedente)
        print(
            f"DuckDB (Parquet, {total} lignes, {os.cpu_count()} cœurs) : {duckdb_ms:.0f} ms par passage (médiane de 5)"
        )
        brut_ms = postgresql_brut(requetes)
        print(f"PostgreSQL sur les lignes brutes, sans agrégats : {brut_ms:.0f} ms (une fois)")
        tableau_ms = mesures["National, année"]["p50"]
        print(
            f"Ratio tableau national (page entière, p50 {tableau_ms:.0f} ms) / DuckDB ({duckdb_ms:.0f} ms) : "
            f"{tableau_ms / duckdb_ms:.2f}"
        )


if __name__ == "__main__":
    main()
