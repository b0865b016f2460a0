"""Comptes faits à la main, en Python, sur les objets créés : la référence des tests d'agrégats."""

from collections import Counter

from guichet.statistiques.mesures import GROUPES
from guichet.temps import PARIS


def jour(a):
    return a.le.astimezone(PARIS).date()


def departement(a):
    return a.structure.commune.departement_id


def valeurs(a):
    """Les mesures auxquelles un accompagnement contribue (noms de mesures.py), écrites sans les
    conditions de mesures.py."""
    noms = {
        "nombre",
        f"resultat_{a.resultat}",
        f"canal_{a.canal}",
        f"aide_{a.type_aide}",
        f"duree_{a.duree}",
    }
    if a.tranche_age:
        noms.add(f"age_{a.tranche_age}")
    if a.premiere_visite is not None:
        noms.add("premiere_visite_oui" if a.premiere_visite else "premiere_visite_non")
    if a.autonomie:
        noms.add(f"autonomie_{a.autonomie}")
    if a.besoin_allophone:
        noms.add("besoin_allophone")
    if a.besoin_handicap:
        noms.add("besoin_handicap")
    return noms


def compter(accompagnements, cle):
    """{cle(a): Counter(mesure → nombre)}."""
    resultat = {}
    for a in accompagnements:
        resultat.setdefault(cle(a), Counter()).update(valeurs(a))
    return resultat


def toutes_les_mesures():
    return ["nombre", *[m.nom for g in GROUPES for m in g.mesures]]
