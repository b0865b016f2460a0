"""`guichet conformite` : les critères automatiques du référentiel en vigueur, pour chaque structure labellisée."""

from guichet.commandes import Commande, Rapport
from guichet.labellisation.models import Referentiel
from guichet.labellisation.verifications import Resultat, comptes_par_critere, verifier
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement


class Command(Commande):
    help = (
        "Vérifie les critères automatiques du référentiel en vigueur (horaires, agents, opérateurs, outils) "
        "pour chaque structure labellisée, avec les comptes par critère. Lecture seule."
    )
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--departement", metavar="CODE", help="Seulement les structures de ce département (« 19 »)."
        )
        parser.add_argument(
            "--referentiel", metavar="CODE", help="Une autre version du référentiel que celle en vigueur (son code)."
        )

    def executer(self, *args, departement=None, referentiel=None, **options):
        if referentiel:
            version = Referentiel.objects.filter(code=referentiel).first()
            if version is None:
                return Rapport(echec=f"Référentiel « {referentiel} » inconnu.")
        else:
            version = Referentiel.objects.en_vigueur()
            if version is None:
                return Rapport(echec="Aucun référentiel publié : publiez-en un avant de vérifier la conformité.")
        structures = Structure.objects.ouvertes_au_public()
        if departement:
            if not Departement.objects.filter(code=departement).exists():
                return Rapport(echec=f"Département « {departement} » inconnu.")
            structures = structures.filter(commune__departement__code=departement)
        criteres = list(version.criteres.automatiques())
        sites = verifier(structures, criteres)
        par_critere = comptes_par_critere(sites, criteres)

        details = [f"{c.code} — {c.titre} : " + _comptes_en_texte(par_critere[c.code]) for c in criteres]
        ecarts = [
            f"{site.matricule} {site.nom} — {code} ({constat.resultat.replace('_', ' ')}) : {constat.preuve}"
            for site in sites
            for code, constat in site.constats.items()
            if constat.resultat != Resultat.CONFORME
        ]
        if ecarts:
            details += ["", "Non-conformités et points à vérifier :", *ecarts]
        perimetre = f" du département {departement}" if departement else ""
        return Rapport(
            resume=(
                f"{len(sites)} structure{'s' if len(sites) > 1 else ''} labellisée{'s' if len(sites) > 1 else ''}"
                f"{perimetre} vérifiée{'s' if len(sites) > 1 else ''} selon « {version.titre} » "
                f"({len(criteres)} critères automatiques)."
            ),
            nombres={
                "referentiel": version.code,
                "sites": [
                    {"matricule": s.matricule, "criteres": {code: c.resultat for code, c in s.constats.items()}}
                    for s in sites
                ],
                "par_critere": par_critere,
            },
            details=details,
        )


def _comptes_en_texte(comptes: dict[str, int]) -> str:
    return ", ".join(f"{comptes[r.value]} {r.label.lower()}" for r in Resultat)
