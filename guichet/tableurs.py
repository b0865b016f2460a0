"""Les cellules des exports CSV et XLSX, rendues inertes pour les tableurs : le seul endroit où un export
écrit une valeur venue des utilisateurs (nom d'une structure, d'un opérateur, d'un lieu…).

Un tableur lit une cellule qui commence par `=`, `+`, `-` ou `@` comme une formule (`=HYPERLINK(…)`,
`=cmd|…`), et certains ignorent une tabulation ou un retour chariot de tête avant de le faire. Une telle
cellule est préfixée d'une apostrophe (la parade recommandée par l'OWASP) : elle s'affiche comme du texte
et ne s'exécute pas. Un nombre ou un téléphone signé (`-12,5`, `+33 1 23 45 67 89`) reste tel quel :
sans lettre, il ne peut appeler aucune fonction.
"""

import csv
import re

DECLENCHEURS = ("=", "+", "-", "@", "\t", "\r")
_NOMBRE_SIGNE = re.compile(r"[+-][\d\s.,()/]*")


def neutraliser(valeur):
    """La valeur, préfixée d'une apostrophe si un tableur pourrait la lire comme une formule."""
    if isinstance(valeur, str) and valeur.startswith(DECLENCHEURS) and not _NOMBRE_SIGNE.fullmatch(valeur):
        return "'" + valeur
    return valeur


def ligne(valeurs) -> list:
    """Une ligne d'export, chaque cellule neutralisée."""
    return [neutraliser(v) for v in valeurs]


class EcrivainCsv:
    """`csv.writer` dont chaque cellule passe par `neutraliser`."""

    def __init__(self, flux, **options):
        self._ecrivain = csv.writer(flux, **options)

    def writerow(self, valeurs):
        return self._ecrivain.writerow(ligne(valeurs))

    def writerows(self, lignes):
        for valeurs in lignes:
            self.writerow(valeurs)


class EcrivainCsvDict(csv.DictWriter):
    """`csv.DictWriter` dont chaque cellule passe par `neutraliser`."""

    def writerow(self, rowdict):
        return super().writerow({cle: neutraliser(valeur) for cle, valeur in rowdict.items()})

    def writerows(self, rowdicts):
        for rowdict in rowdicts:
            self.writerow(rowdict)
