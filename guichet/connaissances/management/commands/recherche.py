"""`guichet recherche [--json] [--limit N] QUESTION` : la recherche de la page, en ligne de commande."""

import json

from django.core.management.base import BaseCommand

from guichet.connaissances import recherche


class Command(BaseCommand):
    help = "Cherche dans les fiches « vos droits » comme la page de recherche ; --json pour les machines."

    def add_arguments(self, parser):
        parser.add_argument("question", nargs="+", help="La question, en langage courant.")
        parser.add_argument("--json", action="store_true", help="Les résultats classés en JSON (id, titre, score).")
        parser.add_argument("--limit", type=int, default=10, help="Nombre de résultats (10 par défaut).")
        parser.add_argument("--mode", choices=["lexical", "hybride"], default="lexical")
        parser.add_argument("--operateur", help="Code d'opérateur (caf, france-travail…).")
        parser.add_argument("--theme", help="Identifiant de thème (N19810…).")

    def handle(self, *args, **options):
        question = " ".join(options["question"])
        reponse = recherche.chercher(
            question,
            limite=max(1, options["limit"]),
            operateur=options["operateur"],
            theme=options["theme"],
            mode=options["mode"],
            extraits=not options["json"],
        )
        if options["json"]:
            sortie = {
                "question": question,
                "mode": reponse.mode,
                "tous_les_termes": reponse.tous_les_termes,
                "sigles": [s for s, _ in reponse.sigles],
                "corrections": [{"saisi": a, "retenu": b} for a, b in reponse.corrections],
                "resultats": [
                    {"id": r.fiche.identifiant, "titre": r.fiche.titre, "score": r.score} for r in reponse.resultats
                ],
            }
            self.stdout.write(json.dumps(sortie, ensure_ascii=False))
            return
        if reponse.avertissement:
            self.stderr.write(reponse.avertissement)
        if not reponse.resultats:
            self.stdout.write("Aucune fiche ne correspond.")
            return
        for rang, r in enumerate(reponse.resultats, 1):
            self.stdout.write(f"{rang:>2}. {r.fiche.identifiant:<8} {r.score:>8.3f}  {r.fiche.titre}")
