"""L'export CSV du tableau de la qualité du back-office (point-virgule et BOM : un tableur réglé en français
l'ouvre tel quel)."""

import io

from guichet import tableurs
from guichet.qualite import services


def en_csv(tableau) -> tuple[bytes, int]:
    """Le fichier et son nombre de lignes (hors en-têtes)."""
    sortie = io.StringIO()
    ecrivain = tableurs.EcrivainCsv(sortie, delimiter=";")
    ecrivain.writerow(services.ENTETES_CSV)
    nombre = 0
    for ligne in services.lignes_csv(tableau):
        ecrivain.writerow(ligne)
        nombre += 1
    return ("\ufeff" + sortie.getvalue()).encode(), nombre
