"""`guichet agreger_activite [--complet] [--wet-run]` : met à jour (ou refait) les agrégats de l'activité."""

from guichet.commandes import Commande, Rapport
from guichet.statistiques import agregation


class Command(Commande):
    help = (
        "Met à jour les agrégats des tableaux de bord : les jours touchés depuis le dernier calcul, ou "
        "tout avec --complet (chaque nuit, guichet/planification.py). Sans --wet-run, décrit seulement ce "
        "qui serait recalculé."
    )
    ecrit = True
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("--complet", action="store_true", help="Tout recalculer.")

    def executer(self, *args, complet, **options):
        bilan = agregation.actualiser(complet=complet, ecrire=self.ecrire)
        nombres = {"complet": bilan.complet, "jours": bilan.jours, "lignes": bilan.lignes, "plages": len(bilan.plages)}
        if not self.ecrire:
            resume = f"{bilan.jours} jour(s) à recalculer{' (recalcul complet)' if bilan.complet else ''}."
            return Rapport(resume=resume, nombres=nombres)
        return Rapport(resume=bilan.texte(), nombres=nombres)
