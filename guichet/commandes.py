"""La convention des commandes de gestion du projet : une base, un drapeau d'écriture, un rapport.

Toute commande `guichet …` du projet hérite de `Commande` :

- elle écrit `executer(**options)` (pas `handle`), qui rend un `Rapport` (ou None) ;
- une commande qui modifie la base (`ecrit = True`) ne fait qu'une simulation sans `--wet-run` :
  les services reçoivent `ecrire=self.ecrire`, et la transaction de la commande est de toute façon
  annulée à la fin d'une simulation (filet de sécurité ; il ne rattrape pas les fichiers : une
  commande qui en écrit ou en efface ne fait rien de tel sans --wet-run, comme `demo`) ;
- `executer` tourne dans une transaction (`atomique = True`) : une erreur et rien n'est écrit. Les
  rares commandes qui valident par lots (données synthétiques, rotation des clés : des fichiers sur
  disque suivent chaque lot ; import des fiches : l'index suit l'écriture) le disent avec `atomique = False` ;
- `--json` imprime le rapport en un objet JSON (`Rapport.en_dict`, plus `duree_s`, et `ecrit` pour
  les commandes qui écrivent) ; sinon son texte en français, et la durée sur la sortie d'erreur ;
- `--sans-progression` coupe la progression (affichée sur la sortie d'erreur, jamais avec `--json`
  ni `-v 0`) : `self.progression` dit s'il faut en afficher, `self.progresser(…)` l'affiche ;
- un rapport en échec (`Rapport.echec`) fait sortir la commande en erreur (code 1) après l'avoir imprimé.

Le vocabulaire, en français : `ecrire` (vraiment écrire), `simulation`, `rapport`, `avertissements`,
`erreurs`, `progression`. Les anciennes options (`--dry-run`, `--skip-invalid`, `--ignorer-invalides`)
sont encore acceptées là où elles existaient, avec un avertissement d'obsolescence.
"""

import argparse
import json
import time
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

MESSAGE_SIMULATION = "Simulation : rien n'est écrit. Relancez avec --wet-run pour écrire."


@dataclass
class Rapport:
    """Ce qu'une commande a fait (ou ferait, en simulation).

    `resume` : une phrase ; `nombres` : les comptes (ou le résultat d'un outil de lecture), publiés tels
    quels en JSON ; `details` : des lignes de plus dans le texte ; `echec` : le motif qui fait sortir la
    commande en erreur (code 1)."""

    resume: str = ""
    nombres: dict = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)
    echec: str | None = None
    ecrit: bool = False
    simulation: bool = False
    duree_s: float | None = None

    def texte(self) -> str:
        lignes = [self.resume] if self.resume else []
        if self.simulation:
            lignes.append(MESSAGE_SIMULATION)
        lignes += self.details
        lignes += [f"Attention : {a}" for a in self.avertissements]
        lignes += [f"Erreur : {e}" for e in self.erreurs]
        return "\n".join(lignes)

    def en_dict(self) -> dict:
        """Les nombres ; avertissements et erreurs s'il y en a (une clé absente : aucun)."""
        donnees = dict(self.nombres)
        if self.avertissements:
            donnees["avertissements"] = self.avertissements
        if self.erreurs:
            donnees["erreurs"] = self.erreurs
        return donnees


class _Obsolete(argparse.Action):
    """Une ancienne option, encore acceptée : sa valeur va à `dest`, et un avertissement est noté.

    Un drapeau (`avec_valeur=False`) pose `valeur` ; sinon l'option prend la valeur donnée, comme la nouvelle."""

    def __init__(self, option_strings, dest, message, valeur=True, avec_valeur=False, **kwargs):
        self.message, self.valeur, self.avec_valeur = message, valeur, avec_valeur
        super().__init__(option_strings, dest, nargs=None if avec_valeur else 0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values if self.avec_valeur else self.valeur)
        namespace.options_obsoletes = [*getattr(namespace, "options_obsoletes", []), (option_string, self.message)]


class Commande(BaseCommand):
    ecrit = False  # True : la commande modifie la base, seulement avec --wet-run
    atomique = True
    progression_possible = True  # False : la commande n'a rien à montrer en cours de route
    rapport_sur_sortie_erreur = False  # True : la sortie standard porte des données (un export)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.set_defaults(options_obsoletes=[])
        if self.ecrit:
            parser.add_argument(
                "--wet-run", action="store_true", help="Écrire vraiment (sinon : simulation, rien n'est écrit)."
            )
        parser.add_argument("--json", action="store_true", help="Le rapport en un objet JSON.")
        if self.progression_possible:
            parser.add_argument("--sans-progression", action="store_true", help="Ne pas afficher la progression.")
        return parser

    @staticmethod
    def option_obsolete(parser, *noms, dest, message, **kwargs):
        """Déclare une ancienne option encore acceptée (avertissement à chaque usage)."""
        parser.add_argument(*noms, dest=dest, action=_Obsolete, message=message, help=argparse.SUPPRESS, **kwargs)

    def option_renommee(self, parser, ancienne, nouvelle, **kwargs):
        """L'option `nouvelle` (française), et `ancienne` encore acceptée avec un avertissement."""
        dest = nouvelle.removeprefix("--").replace("-", "_")
        parser.add_argument(nouvelle, dest=dest, **kwargs)
        kwargs.pop("help", None)
        kwargs.pop("default", None)
        kwargs.pop("metavar", None)
        self.option_obsolete(
            parser,
            ancienne,
            dest=dest,
            message=f"{ancienne} est obsolète : utilisez {nouvelle}.",
            avec_valeur=True,
            **kwargs,
        )

    def ajouter_enregistrer_valides(self, parser):
        """L'option des imports : enregistrer ce qui est valide, seulement rendre compte du reste."""
        parser.add_argument(
            "--enregistrer-valides",
            action="store_true",
            help="Enregistrer les éléments valides et seulement rendre compte des éléments rejetés.",
        )
        for ancienne in ("--skip-invalid", "--ignorer-invalides"):
            self.option_obsolete(
                parser,
                ancienne,
                dest="enregistrer_valides",
                message=f"{ancienne} est obsolète : utilisez --enregistrer-valides.",
            )

    def handle(self, *args, **options):
        self.options = options
        self.ecrire = bool(options.get("wet_run"))
        self.en_json = bool(options.get("json"))
        self.progression = (
            self.progression_possible
            and not options.get("sans_progression")
            and not self.en_json
            and options.get("verbosity", 1) >= 1
        )
        for _, message in options.get("options_obsoletes") or []:
            self.stderr.write(f"Attention : {message}")
        debut = time.perf_counter()
        if self.atomique:
            with transaction.atomic():
                rapport = self.executer(*args, **options)
                if (self.ecrit and not self.ecrire) or (rapport is not None and rapport.echec):
                    transaction.set_rollback(True)
        else:
            rapport = self.executer(*args, **options)
        if rapport is None:
            return
        rapport.duree_s = round(time.perf_counter() - debut, 3)
        if self.ecrit:
            rapport.simulation = not self.ecrire
            rapport.ecrit = self.ecrire and rapport.echec is None
        self.publier(rapport)
        if rapport.echec:
            raise CommandError(rapport.echec, returncode=1)

    def publier(self, rapport):
        flux = self.stderr if self.rapport_sur_sortie_erreur else self.stdout
        if self.en_json:
            donnees = rapport.en_dict() | ({"ecrit": rapport.ecrit} if self.ecrit else {})
            flux.write(json.dumps(donnees | {"duree_s": rapport.duree_s}, ensure_ascii=False, default=str))
            return
        texte = rapport.texte()
        if texte:
            flux.write(texte)
        if self.options.get("verbosity", 1) >= 1:  # sur la sortie d'erreur : la sortie standard reste le résultat
            self.stderr.write(f"Durée : {rapport.duree_s:.1f} s.")

    def progresser(self, message: str):
        """Une ligne de progression (sur la sortie d'erreur), si elle est demandée."""
        if self.progression:
            self.stderr.write(message)

    def executer(self, *args, **options) -> Rapport | None:
        raise NotImplementedError("Chaque commande écrit sa méthode executer().")
