"""`guichet satisfaction` : par structure, sur les 12 derniers mois, le nombre d'avis et la part des satisfaits."""

from guichet.bornes import services
from guichet.commandes import Commande, Rapport
from guichet.reseau.models import Structure
from guichet.statistiques.secret import SEUIL
from guichet.territoires.models import Departement


class Command(Commande):
    help = (
        "Par structure, sur les 12 derniers mois : nombre d'avis des bornes et part des satisfaits (4 ou 5 sur 5), "
        f"null sous {SEUIL} avis. Les structures labellisées et celles qui ont des avis. Lecture seule."
    )
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--departement", metavar="CODE", help="Seulement les structures de ce département (« 19 »)."
        )

    def executer(self, *args, departement=None, **options):
        periode = services.periode_12_mois()
        filtres = {}
        structures = Structure.objects.all()
        if departement:
            if not Departement.objects.filter(code=departement).exists():
                return Rapport(echec=f"Département « {departement} » inconnu.")
            filtres = {"departement__code": departement}
            structures = structures.filter(commune__departement__code=departement)
        sommes = services.sommes(periode, "structure_id", filtres=filtres)
        retenues = structures.filter(pk__in=list(sommes)) | structures.ouvertes_au_public()
        sites = []
        for pk, matricule, nom in retenues.distinct().order_by("matricule").values_list("pk", "matricule", "nom"):
            s = sommes.get(pk) or {"reponses": 0, "satisfaits": 0}
            part = services.part(s["satisfaits"], s["reponses"]) if s["reponses"] >= SEUIL else None
            sites.append({"matricule": matricule, "nom": nom, "reponses": s["reponses"], "part_satisfaits": part})
        lignes = [
            f"{site['matricule']} {site['nom']} : {site['reponses']} avis"
            + (f", {site['part_satisfaits'] * 100:.1f} % satisfaits" if site["part_satisfaits"] is not None else "")
            for site in sites
        ]
        perimetre = f" du département {departement}" if departement else ""
        return Rapport(
            resume=f"Satisfaction {periode.libelle}, {len(sites)} structure(s){perimetre} :",
            nombres={"debut": periode.debut.isoformat(), "fin": periode.fin.isoformat(), "sites": sites},
            details=lignes,
        )
