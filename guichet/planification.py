"""Les tâches planifiées de la plateforme : déclarées ici, et nulle part ailleurs.

`guichet planification` les écrit au format crontab (heure de Paris), à installer sur le serveur ;
un test vérifie que chaque entrée nomme une vraie commande avec des options qu'elle accepte, et que
chaque commande qui se dit « à lancer régulièrement » y figure. Les tâches de fond (courriels,
agrégats au fil de l'eau) ne sont pas planifiées mais servies en continu par `guichet db_worker`
(un service, par exemple systemd, à côté du serveur web).
"""

import re
from dataclasses import dataclass

FUSEAU = "Europe/Paris"


@dataclass(frozen=True)
class Tache:
    quand: str  # expression crontab à cinq champs (minute, heure, jour, mois, jour de la semaine)
    commande: str
    options: tuple[str, ...] = ()
    pourquoi: str = ""

    def ligne_crontab(self, executable: str) -> str:
        return " ".join([self.quand, executable, self.commande, *self.options])


TACHES = (
    Tache(
        "*/15 * * * *",
        "relancer_demandes",
        ("--wet-run",),
        "rappels à 48 heures ouvrées, rappel et escalade à l'échéance de 72 heures, récapitulatif quotidien "
        "des référents (dès 8 h, jours ouvrés) ; idempotente",
    ),
    Tache(
        "*/15 * * * *",
        "ancrer_journal",
        (),
        "publie une ancre signée de la dernière entrée du journal d'audit hors de la base (troncature détectable)",
    ),
    Tache(
        "30 2 * * *",
        "purger_demandes",
        ("--wet-run",),
        "avertit à 23 jours sans nouvelles, clôt à 30, efface les données personnelles six mois après la clôture",
    ),
    Tache(
        "0 3 * * *",
        "agreger_activite",
        ("--complet", "--wet-run"),
        "recalcul complet des agrégats des tableaux de bord (la tâche de fond les tient à jour dans la journée)",
    ),
    Tache(
        "0 4 * * *",
        "verifier_journal",
        (),
        "vérifie la chaîne du journal d'audit ; sort en erreur (courriel de cron) si elle est rompue",
    ),
    Tache(
        "15 3 * * *",
        "recompter_constats",
        ("--wet-run",),
        "refait les comptes par critère du tableau de la labellisation (la conclusion d'un audit les tient à "
        "jour ; rattrape un site changé de département)",
    ),
    Tache(
        "0 8 * * 1",
        "relancer_formation",
        ("--wet-run",),
        "rappel hebdomadaire aux responsables dont des agents ne sont pas formés (une fois par semaine au plus)",
    ),
)

# Un champ crontab : *, un nombre ou un intervalle, éventuellement un pas, en liste séparée par des virgules.
_ELEMENT = r"(?:\*|\d+(?:-\d+)?)(?:/\d+)?"
_CHAMP = re.compile(rf"{_ELEMENT}(?:,{_ELEMENT})*")
_BORNES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
_NOMS = ["minute", "heure", "jour", "mois", "jour de semaine"]


def erreurs_de_quand(quand: str) -> list[str]:
    """Ce qui ne va pas dans une expression crontab (liste vide : elle est valide)."""
    champs = quand.split()
    if len(champs) != 5:
        return [f"« {quand} » : cinq champs attendus (minute heure jour mois jour-de-semaine), {len(champs)} trouvés"]
    erreurs = []
    for champ, (bas, haut), nom in zip(champs, _BORNES, _NOMS, strict=True):
        if not _CHAMP.fullmatch(champ):
            erreurs.append(f"{nom} « {champ} » illisible")
            continue
        for nombre in map(int, re.findall(r"(?<![/\d])\d+", champ)):
            if not bas <= nombre <= haut:
                erreurs.append(f"{nom} {nombre} hors de {bas}–{haut}")
    return erreurs


def crontab(executable: str) -> list[str]:
    """Les lignes d'une crontab qui lance les tâches (heure de Paris)."""
    lignes = [f"CRON_TZ={FUSEAU}"]
    for tache in TACHES:
        lignes.append(f"# {tache.commande} : {tache.pourquoi}")
        lignes.append(tache.ligne_crontab(executable))
    return lignes


if __name__ == "__main__":  # python -m guichet.planification [CHEMIN_DE_GUICHET] : la crontab à installer
    import sys

    print("\n".join(crontab(sys.argv[1] if len(sys.argv) > 1 else "/srv/guichet/.venv/bin/guichet")))
