"""Banc d'essai : les pages de résultats d'une enquête des usagers avec 1 million de questionnaires
(objectif : p95 < 300 ms).

    nice -n 10 .venv/bin/python bench/enquetes.py [--reponses 1000000] [--structures 2800] [--requetes 30]

PostgreSQL seulement, dans la base guichet_bench_enquetes (créée au besoin, jamais une autre ; DATABASE_URL
peut changer l'hôte, le compte et le nom, tant que celui-ci commence par guichet_bench_enquetes). Un réseau
synthétique (101 départements de 2 régions, --structures structures) reçoit les questionnaires manquants pour
atteindre --reponses, écrits par COPY sur les deux mois de la campagne : trois questions (une échelle de 1 à 5,
un choix unique parmi trois, un texte libre pour un questionnaire sur dix), soit environ 2,1 valeurs par
questionnaire. Les comptes tenus par l'écriture sont reconstruits (`guichet recompter_enquetes`, un INSERT …
GROUP BY) quand des questionnaires ont été ajoutés. Puis le calcul seul et les pages nationale, régionale,
départementale (le plus gros département), d'une structure et l'export CSV national sont demandés à chaud par
le client de test de Django, session d'un membre de l'équipe nationale (second facteur validé, textes libres
lus : le cas le plus lourd).
"""

import argparse
import os
import random
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASE = "guichet_bench_enquetes"
DEBUT_CAMPAGNE = date(2026, 1, 5)
JOURS = 60


def campagne_de_banc():
    from guichet.enquetes.models import Campagne, Nature, Question

    campagne = Campagne.objects.filter(titre="Enquête de banc").first()
    if campagne is not None:
        return campagne
    campagne = Campagne.objects.create(
        titre="Enquête de banc", public="usagers", debut=DEBUT_CAMPAGNE, fin=DEBUT_CAMPAGNE + timedelta(days=JOURS - 1)
    )
    Question.objects.create(campagne=campagne, ordre=1, libelle="Satisfaction", nature=Nature.ECHELLE)
    Question.objects.create(
        campagne=campagne, ordre=2, libelle="Résolu", nature=Nature.CHOIX, choix=["Oui", "En partie", "Non"]
    )
    Question.objects.create(campagne=campagne, ordre=3, libelle="Un mot", nature=Nature.TEXTE)
    return campagne


def copier_reponses(campagne, manque, structures):
    """Les questionnaires manquants et leurs valeurs, par COPY (deux flux, par lots de 100 000)."""
    from django.db import connection, transaction

    echelle, choix, texte = campagne.questions.order_by("ordre").values_list("pk", flat=True)
    hasard = random.Random(2026 + manque)
    debut = time.perf_counter()
    lot = 100_000
    valeurs_ecrites = 0
    for depart in range(0, manque, lot):
        reponses, valeurs = [], []
        for _ in range(min(lot, manque - depart)):
            rid = uuid.UUID(int=hasard.getrandbits(128), version=4)
            reponses.append(
                (rid, campagne.pk, hasard.choice(structures), DEBUT_CAMPAGNE + timedelta(days=hasard.randrange(JOURS)))
            )
            valeurs.append((rid, echelle, hasard.choices((5, 4, 3, 2, 1), (58, 34, 5, 2, 1))[0], "", ""))
            valeurs.append((rid, choix, None, hasard.choice(("Oui", "Oui", "Oui", "En partie", "Non")), ""))
            if hasard.random() < 0.1:
                valeurs.append((rid, texte, None, "", hasard.choice(("Très bon accueil", "Merci", "Trop d'attente"))))
        with transaction.atomic(), connection.cursor() as curseur:
            with curseur.copy("COPY enquetes_reponse (id, campagne_id, structure_id, le) FROM STDIN") as copie:
                for ligne in reponses:
                    copie.write_row(ligne)
            with curseur.copy("COPY enquetes_valeur (reponse_id, question_id, note, choix, texte) FROM STDIN") as copie:
                for ligne in valeurs:
                    copie.write_row(ligne)
        valeurs_ecrites += len(valeurs)
    secondes = time.perf_counter() - debut
    print(
        f"COPY de {manque} questionnaires et {valeurs_ecrites} valeurs : {secondes:.1f} s "
        f"({manque / secondes:,.0f} questionnaires/s)".replace(",", " ")
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reponses", type=int, default=1_000_000)
    parser.add_argument("--structures", type=int, default=2800)
    parser.add_argument("--requetes", type=int, default=30)
    parser.add_argument("--recompter", action="store_true", help="Reconstruire les comptes même sans ajout.")
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
    from django.core.management import call_command
    from django.db import connection

    from guichet.enquetes import services
    from guichet.enquetes.models import Reponse, Valeur
    from guichet.reseau.models import Structure

    print(f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} cœurs, charge {os.getloadavg()}")
    structures = reseau_de_banc(args.structures, regions=2)
    campagne = campagne_de_banc()
    manque = args.reponses - Reponse.objects.filter(campagne=campagne).count()
    if manque > 0:
        copier_reponses(campagne, manque, structures)
    comptes = getattr(services, "recompter", None)
    if comptes is not None and (manque > 0 or args.recompter):
        debut = time.perf_counter()
        call_command("recompter_enquetes", "--wet-run", "--json", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"Comptes reconstruits en {time.perf_counter() - debut:.1f} s")
    if manque > 0 or args.recompter:
        with connection.cursor() as curseur:
            for table in ("enquetes_reponse", "enquetes_valeur", "enquetes_compte", "enquetes_comptequestionnaires"):
                curseur.execute("SELECT to_regclass(%s)", [table])
                if curseur.fetchone()[0]:
                    curseur.execute(f"VACUUM ANALYZE {table}")
    print(
        f"Volume : {Reponse.objects.filter(campagne=campagne).count()} questionnaires, "
        f"{Valeur.objects.filter(reponse__campagne=campagne).count()} valeurs, {len(structures)} structures"
        + (f", {services.nombre_de_comptes(campagne)} lignes de comptes" if comptes is not None else "")
    )

    client = client_national()

    gros = (
        Structure.objects.filter(pk__in=structures)
        .values_list("commune__departement__code", flat=True)
        .order_by("commune__departement__code")[0]
    )
    structure = Structure.objects.get(pk=structures[0])
    region = structure.commune.departement.region.code
    durees = []
    for _ in range(args.requetes):
        t = time.perf_counter()
        services.calculer(campagne, services.Niveau("national"), textes_libres=True)
        durees.append((time.perf_counter() - t) * 1000)
    afficher("calcul national seul (requêtes SQL et secret)", percentiles(durees))

    base = f"/espace/enquetes/{campagne.pk}/resultats"
    pages = [
        ("page nationale (par région)", f"{base}/?niveau=national"),
        (f"page de la région {region}", f"{base}/?niveau=region&code={region}"),
        (f"page du département {gros} (par structure)", f"{base}/?niveau=departement&code={gros}"),
        ("page d'une structure", f"{base}/?niveau=structure&code={structure.matricule}"),
        ("export CSV national", f"{base}.csv?niveau=national"),
    ]
    print(f"\n{args.requetes} requêtes à chaud par page (client de test Django, pile complète) :")
    for titre, url in pages:
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        durees = []
        for _ in range(args.requetes):
            t = time.perf_counter()
            reponse = client.get(url)
            durees.append((time.perf_counter() - t) * 1000)
            assert reponse.status_code == 200
        mesures = percentiles(durees)
        afficher(titre, mesures)
        print("  " + ("[OK]" if mesures["p95"] < 300 else "[au-dessus de la cible 300 ms]"))


if __name__ == "__main__":
    main()
