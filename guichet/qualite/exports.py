"""L'export CSV du tableau de la qualité du back-office (point-virgule et BOM : un tableur réglé en
français l'ouvre tel quel) : une ligne par opérateur × département, puis l'ensemble du périmètre."""

import io

from guichet import tableurs
from guichet.qualite.services import Tableau

ENTETES_CSV = [
    "Département (code)",
    "Département",
    "Opérateur",
    "Période du",
    "Période au",
    "Demandes reçues",
    "Réorientations",
    "Part réorientée (%)",
    "Demandes détenues",
    "Demandes répondues",
    "Délai médian (heures ouvrées)",
    "Délai 90e centile (heures ouvrées)",
    "Demandes à l'issue connue",
    "Répondues sous 72 h ouvrées",
    "Part sous 72 h (%)",
    "En cours dans le délai",
    "Avis d'utilité",
    "Utile : oui (%)",
    "Utile : non (%)",
    "Utile : ne sait pas (%)",
]


def _arrondi(valeur, chiffres=1):
    return "" if valeur is None else f"{valeur:.{chiffres}f}".replace(".", ",")


def lignes_csv(tableau: Tableau):
    """Les lignes de l'export (la dernière : l'ensemble du périmètre)."""
    for m in [*tableau.lignes, tableau.total]:
        parts = m.parts_utilite
        yield [
            m.departement.code if m.departement else "",
            m.departement.nom if m.departement else "Ensemble",
            m.operateur.nom if m.operateur else "Ensemble",
            tableau.debut.isoformat(),
            tableau.fin.isoformat(),
            m.recues,
            m.reorientations,
            _arrondi(m.part_reorientee),
            m.detenues,
            m.repondues,
            _arrondi(m.mediane),
            _arrondi(m.centile_90),
            m.issue_connue,
            m.a_temps,
            _arrondi(m.part_72h),
            m.en_cours,
            m.avis,
            _arrondi(parts["oui"]),
            _arrondi(parts["non"]),
            _arrondi(parts["ne_sait_pas"]),
        ]


def nom_du_fichier(tableau: Tableau) -> str:
    return f"qualite-back-office-{tableau.debut:%Y%m%d}-{tableau.fin:%Y%m%d}.csv"


def en_csv(tableau: Tableau) -> tuple[bytes, int]:
    """Le fichier et son nombre de lignes (hors en-têtes)."""
    sortie = io.StringIO()
    ecrivain = tableurs.EcrivainCsv(sortie, delimiter=";")
    ecrivain.writerow(ENTETES_CSV)
    nombre = 0
    for ligne in lignes_csv(tableau):
        ecrivain.writerow(ligne)
        nombre += 1
    return ("\ufeff" + sortie.getvalue()).encode(), nombre
