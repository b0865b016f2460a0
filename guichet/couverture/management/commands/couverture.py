"""`guichet couverture` : la part de la population à moins de 20 (30…) minutes d'une France services."""

from guichet.commandes import Commande, Rapport
from guichet.couverture import calcul, carroyage, services
from guichet.couverture.routier import GrapheIndisponible
from guichet.territoires.models import Departement


def lire_seuils(texte: str) -> list[int]:
    """« 20,30 » → [20, 30] ; ValueError avec un message en français sinon."""
    seuils = []
    for morceau in texte.split(","):
        morceau = morceau.strip()
        if not morceau.isdigit() or not 1 <= int(morceau) <= 240:
            raise ValueError(
                f"Seuil « {morceau} » invalide : des minutes entières de 1 à 240, séparées par des virgules."
            )
        seuils.append(int(morceau))
    return sorted(set(seuils))


class Command(Commande):
    help = (
        "Population et part de la population à moins de chaque seuil (minutes) d'une France services, en France "
        "et par département, et les communes au-delà (zones blanches), les plus peuplées d'abord. Lecture seule."
    )
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("--departement", metavar="CODE", help="Seulement les communes de ce département (« 19 »).")
        parser.add_argument("--seuils", default="20,30", help="Seuils en minutes, séparés par des virgules (20,30).")
        parser.add_argument("--moteur", default="estimation", choices=services.MOTEURS, help="Moteur de calcul.")
        parser.add_argument(
            "--fixes-seulement",
            action="store_true",
            help="Variante : les sites fixes seulement (ni bus ni permanences).",
        )
        parser.add_argument(
            "--origines",
            default="communes",
            choices=("communes", "carreaux"),
            help="Origines : les mairies des communes, ou les carreaux de 200 m importés (import_carroyage).",
        )
        parser.add_argument("--limite", type=int, default=50, help="Nombre de zones blanches listées (50).")

    def executer(
        self,
        *args,
        departement=None,
        seuils="20,30",
        moteur="estimation",
        fixes_seulement=False,
        limite=50,
        origines="communes",
        **options,
    ):
        try:
            liste_seuils = lire_seuils(seuils)
        except ValueError as erreur:
            return Rapport(echec=str(erreur))
        if departement and not Departement.objects.filter(code=departement).exists():
            return Rapport(echec=f"Département « {departement} » inconnu.")
        try:
            if origines == "carreaux" and not carroyage.disponible():
                return Rapport(echec="Aucun carroyage importé : lancez « guichet import_carroyage FICHIER --wet-run ».")
            c = services.couverture(
                departement, moteur, fixes_seulement=fixes_seulement, carreaux=origines == "carreaux"
            )
        except GrapheIndisponible as erreur:
            return Rapport(echec=str(erreur))
        s = calcul.synthese(c, liste_seuils)
        seuil = liste_seuils[0]
        blanches = calcul.zones_blanches(c, seuil)
        perimetre = f"département {departement}" if departement else "France"
        details = [
            f"Moteur : {c.moteur.libelle}.",
            f"{s['lieux']} lieux ({'sites fixes seulement' if fixes_seulement else 'sites, arrêts et permanences'}).",
        ]
        for k in map(str, liste_seuils):
            details.append(
                f"À moins de {k} minutes : {s['population_sous_seuil'][k]:n} habitants, {s['part_sous_seuil'][k]:.1%}."
            )
        if not departement:
            details.append("")
            details.append("Par département (" + ", ".join(f"{k} min" for k in map(str, liste_seuils)) + ") :")
            for code, d in s["par_departement"].items():
                parts = ", ".join(f"{d['part_sous_seuil'][k]:.1%}" for k in map(str, liste_seuils))
                details.append(f"  {code} : {parts} de {d['population_totale']:n} habitants")
        details.append("")
        details.append(
            f"Zones blanches (au-delà de {seuil} minutes) : {len(blanches)} communes, "
            f"{sum(b['population'] for b in blanches):n} habitants ; les {min(limite, len(blanches))} "
            "plus peuplées :"
        )
        for b in blanches[:limite]:
            minutes = f"{b['minutes']:.0f} min" if b["minutes"] is not None else "plus de 60 min"
            details.append(
                f"  {b['code']} {b['nom']} ({b['population']:n} hab.) : {minutes}, "
                f"lieu le plus proche {b['matricule'] or 'aucun'}"
            )
        return Rapport(
            resume=f"Couverture ({perimetre}, moteur {c.moteur.nom}) : {s['population_totale']:n} habitants dans "
            f"{s['communes']} communes.",
            nombres={
                "moteur": s["moteur"],
                "moteur_libelle": s["moteur_libelle"],
                "fixes_seulement": fixes_seulement,
                "origines": origines,
                "departement": departement,
                "seuils": s["seuils"],
                "population_totale": s["population_totale"],
                "population_sous_seuil": s["population_sous_seuil"],
                "part_sous_seuil": s["part_sous_seuil"],
                "lieux": s["lieux"],
                "par_departement": s["par_departement"],
                "zones_blanches_seuil": seuil,
                "communes": [
                    {k: b[k] for k in ("code", "nom", "population", "minutes", "matricule", "ecart_km")}
                    for b in blanches
                ],
            },
            details=details,
        )
