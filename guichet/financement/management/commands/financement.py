"""`guichet financement --annee 2026 [--departement 19] [--json]` : dû, versé, reste par structure et au total."""

from guichet.commandes import Commande, Rapport
from guichet.financement import services
from guichet.financement.calcul import euros
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement


class Command(Commande):
    help = (
        "La subvention de fonctionnement d'une année : ce qui est dû, versé et reste à verser, par structure "
        "et au total (montants en euros, décimaux exacts). Lecture seule."
    )
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("--annee", type=int, required=True, metavar="AAAA", help="L'année de la subvention.")
        parser.add_argument("--departement", metavar="CODE", help="Seulement ce département (« 19 »).")

    def executer(self, *args, annee, departement=None, **options):
        structures = Structure.objects.all()
        if departement:
            if not Departement.objects.filter(code=departement).exists():
                return Rapport(echec=f"Département « {departement} » inconnu.")
            structures = structures.filter(commune__departement__code=departement)
        try:
            subvention = services.subvention(annee, structures)
        except services.BaremeManquant as erreur:
            return Rapport(echec=str(erreur))
        total = subvention.total
        perimetre = f" du département {departement}" if departement else ""
        return Rapport(
            resume=(
                f"Subvention {annee}{perimetre} : {total.sites} structure{'s' if total.sites > 1 else ''}, "
                f"{euros(total.du)} dû, {euros(total.verse)} versé, {euros(total.reste)} à verser."
            ),
            nombres={
                "annee": annee,
                "sites": [
                    {
                        "matricule": ligne.matricule,
                        "du": str(ligne.du.total),
                        "verse": str(ligne.verse),
                        "reste": str(ligne.reste),
                    }
                    for ligne in subvention.lignes
                ],
                "total": {"du": str(total.du), "verse": str(total.verse), "reste": str(total.reste)},
            },
            details=[
                f"{ligne.matricule} {ligne.nom} : dû {euros(ligne.du.total)}, versé {euros(ligne.verse)}, "
                f"reste {euros(ligne.reste)}"
                for ligne in subvention.lignes
            ],
        )
