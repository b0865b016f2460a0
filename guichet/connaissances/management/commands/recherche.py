"""`guichet recherche [--json] [--limite N] QUESTION` : la recherche de la page, en ligne de commande."""

from guichet.commandes import Commande, Rapport
from guichet.connaissances import recherche


class Command(Commande):
    help = "Cherche dans les fiches « vos droits » comme la page de recherche ; --json pour les machines."
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("question", nargs="+", help="La question, en langage courant.")
        self.option_renommee(
            parser, "--limit", "--limite", type=int, default=10, help="Nombre de résultats (10 par défaut)."
        )
        parser.add_argument("--mode", choices=["lexical", "hybride"], default="lexical")
        parser.add_argument("--operateur", help="Code d'opérateur (caf, france-travail…).")
        parser.add_argument("--theme", help="Identifiant de thème (N19810…).")

    def executer(self, *args, question, limite, mode, operateur, theme, **options):
        question = " ".join(question)
        reponse = recherche.chercher(
            question,
            limite=max(1, limite),
            operateur=operateur,
            theme=theme,
            mode=mode,
            extraits=not self.en_json,
        )
        if reponse.avertissement and not self.en_json:
            self.stderr.write(reponse.avertissement)
        resultats = {
            "question": question,
            "mode": reponse.mode,
            "tous_les_termes": reponse.tous_les_termes,
            "sigles": [s for s, _ in reponse.sigles],
            "corrections": [{"saisi": a, "retenu": b} for a, b in reponse.corrections],
            "resultats": [
                {"id": r.fiche.identifiant, "titre": r.fiche.titre, "score": r.score} for r in reponse.resultats
            ],
        }
        lignes = [
            f"{rang:>2}. {r.fiche.identifiant:<8} {r.score:>8.3f}  {r.fiche.titre}"
            for rang, r in enumerate(reponse.resultats, 1)
        ]
        return Rapport(nombres=resultats, details=lignes or ["Aucune fiche ne correspond."])
