"""Les exports de la subvention (CSV point-virgule avec BOM, XLSX) pour la comptabilité des préfectures :
une ligne par structure puis le total ; chaque cellule passe par `guichet.tableurs`."""

import io

from openpyxl import Workbook

from guichet import tableurs
from guichet.financement.services import Subvention

ENTETES = [
    "Année",
    "Département",
    "Matricule",
    "Structure",
    "Forme",
    "Jours labellisés",
    "Jours de l'année",
    "Forfait au prorata (€)",
    "Aide de première année du bus (€)",
    "Dû (€)",
    "Versé (€)",
    "Reste (€)",
]


def lignes(subvention: Subvention):
    for ligne in subvention.lignes:
        yield [
            subvention.annee,
            ligne.departement_code,
            ligne.matricule,
            ligne.nom,
            "bus" if ligne.itinerante else ligne.forme,
            ligne.du.jours,
            ligne.du.jours_annee,
            ligne.du.forfait,
            ligne.du.aide_bus,
            ligne.du.total,
            ligne.verse,
            ligne.reste,
        ]
    total = subvention.total
    yield [subvention.annee, "", "", "Total", "", "", "", "", "", total.du, total.verse, total.reste]


def en_csv(subvention: Subvention) -> bytes:
    sortie = io.StringIO()
    ecrivain = tableurs.EcrivainCsv(sortie, delimiter=";")
    ecrivain.writerow(ENTETES)
    for valeurs in lignes(subvention):
        ecrivain.writerow([str(v).replace(".", ",") if not isinstance(v, str) else v for v in valeurs])
    return ("\ufeff" + sortie.getvalue()).encode()


def en_xlsx(subvention: Subvention) -> bytes:
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet(f"Subvention {subvention.annee}")
    feuille.append(ENTETES)
    for valeurs in lignes(subvention):
        feuille.append(tableurs.ligne(valeurs))
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
