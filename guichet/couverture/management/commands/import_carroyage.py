"""`guichet import_carroyage FICHIER.csv` : la population carroyée à 200 m de l'INSEE, couche fine facultative."""

from guichet.commandes import Commande, Rapport
from guichet.couverture import carroyage


class Command(Commande):
    help = (
        "Lit le CSV de la population carroyée à 200 m de l'INSEE (identifiant du carreau, habitants) et le range "
        "dans le dossier des données comme couche d'origines plus fine que les communes (couverture --origines "
        "carreaux). Une ligne fautive arrête l'import en la nommant. Sans --wet-run : lecture et rapport seulement."
    )
    ecrit = True
    atomique = False  # un seul fichier, remplacé d'un coup
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Le CSV de l'INSEE (colonnes Idcar_200m et Ind).")

    def executer(self, *args, fichier, **options):
        try:
            lat, lon, habitants = carroyage.lire_csv(fichier)
        except (carroyage.CarroyageInvalide, UnicodeDecodeError) as erreur:
            return Rapport(echec=f"Carroyage refusé : {erreur}")
        details = [
            f"Emprise : latitudes {lat.min():.3f} à {lat.max():.3f}, longitudes {lon.min():.3f} à {lon.max():.3f}.",
            "Chaque carreau sera rattaché à la commune dont la mairie est la plus proche (approximation au bord).",
        ]
        if self.ecrire:
            carroyage.enregistrer(lat, lon, habitants)
            details.append("Carroyage enregistré dans le dossier des données.")
        return Rapport(
            resume=f"{len(habitants)} carreaux, {habitants.sum():.0f} habitants.",
            nombres={"carreaux": len(habitants), "habitants": round(float(habitants.sum()))},
            details=details,
        )
