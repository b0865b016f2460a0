"""Les passages d'une fiche : ses situations, ses sections et ses cas, chacun avec l'ancre où la page l'ouvre.

Une fiche entière noie la réponse (la moitié d'une fiche parle d'un autre cas que celui de la personne) : la
recherche classe aussi chaque passage, et montre sous chaque résultat le passage qui répond, lien vers
la page ouverte à cet endroit (onglet choisi, accordéon déplié). Le même découpage sert à l'index (ici)
et au rendu (guichet.connaissances.rendu) : les ancres se correspondent par construction.

Ancres :
- `situation-N` : le N-ième onglet « Votre situation » ;
- `section-N` : la N-ième unité des sections — un chapitre, un groupe d'accordéons, ou les blocs sans
  titre qui se suivent entre deux chapitres ;
- `<unité>-cas-M` : le M-ième accordéon de l'unité, dans l'ordre du document (les cas imbriqués compris).
"""

import re
from dataclasses import dataclass

ANCRE = re.compile(r"^(?:situation|section)-\d{1,4}(?:-cas-\d{1,4})?$")
LONGUEUR_MAX = 4000  # un passage démesuré (tableau entier) est tronqué pour l'index


@dataclass
class Passage:
    ancre: str
    titre: str
    texte: str
    ancetres: tuple = ()  # les ancres à ouvrir aussi pour voir ce passage (onglet, accordéons parents)


def unites(blocs) -> list[tuple[str, list]]:
    """Les unités des sections : (ancre, blocs). Un chapitre ou un groupe de cas est une unité ; les blocs sans
    titre qui se suivent en forment une."""
    sortie = []
    courant = None
    for b in blocs or []:
        if b.get("type") in ("chapitre", "cas"):
            courant = None
            sortie.append((f"section-{len(sortie) + 1}", [b]))
        elif courant is None:
            courant = [b]
            sortie.append((f"section-{len(sortie) + 1}", courant))
        else:
            courant.append(b)
    return sortie


def texte_des_segments(segments) -> str:
    return "".join(s.get("t", "") for s in segments or [])


def texte_des_blocs(blocs) -> str:
    """Le texte brut de blocs, une ligne par paragraphe, élément de liste, titre ou ligne de tableau."""
    lignes = []

    def parcourir(liste):
        for b in liste or []:
            nature = b.get("type")
            if nature == "paragraphe":
                lignes.append(texte_des_segments(b.get("segments")))
            elif nature == "chapitre":
                lignes.append(b.get("titre", ""))
                parcourir(b.get("blocs"))
            elif nature == "cas":
                for c in b.get("cas", []):
                    lignes.append(c.get("titre", ""))
                    parcourir(c.get("blocs"))
            elif nature == "encadre":
                if b.get("titre"):
                    lignes.append(b["titre"])
                parcourir(b.get("blocs"))
            elif nature == "liste":
                for item in b.get("items", []):
                    parcourir(item)
            elif nature == "tableau":
                if b.get("titre"):
                    lignes.append(b["titre"])
                for r in b.get("rangees", []):
                    cellules = [" ".join(texte_des_blocs(c).split("\n")) for c in r.get("cellules", [])]
                    lignes.append(" ; ".join(c for c in cellules if c))
            elif nature in ("service", "adresse"):
                lignes.append(b.get("titre", ""))

    parcourir(blocs)
    return "\n".join(ligne.strip() for ligne in lignes if ligne and ligne.strip())


def _cas(unite: str, blocs, ancetres: tuple, compteur: list, sortie: list):
    """Les accordéons d'une unité, en préordre (l'ordre où le rendu les numérote)."""
    for b in blocs or []:
        nature = b.get("type")
        if nature == "cas":
            for c in b.get("cas", []):
                compteur[0] += 1
                ancre = f"{unite}-cas-{compteur[0]}"
                titre = c.get("titre") or "Cas"
                texte = f"{titre}\n{texte_des_blocs(c.get('blocs'))}"
                sortie.append(Passage(ancre, titre, texte[:LONGUEUR_MAX], ancetres))
                _cas(unite, c.get("blocs"), ancetres + (ancre,), compteur, sortie)
        elif nature in ("chapitre", "encadre"):
            _cas(unite, b.get("blocs"), ancetres, compteur, sortie)
        elif nature == "liste":
            for item in b.get("items", []):
                _cas(unite, item, ancetres, compteur, sortie)
        elif nature == "tableau":
            for r in b.get("rangees", []):
                for cellule in r.get("cellules", []):
                    _cas(unite, cellule, ancetres, compteur, sortie)


def passages(contenu: dict) -> list[Passage]:
    """Les passages d'une fiche (contenu structuré de guichet.connaissances.lecture), dans l'ordre de la page."""
    contenu = contenu or {}
    sortie = []
    for i, s in enumerate(contenu.get("situations", []), 1):
        ancre = f"situation-{i}"
        titre = s.get("titre") or f"Situation {i}"
        sortie.append(Passage(ancre, titre, f"{titre}\n{texte_des_blocs(s.get('blocs'))}"[:LONGUEUR_MAX]))
        _cas(ancre, s.get("blocs"), (ancre,), [0], sortie)
    for ancre, blocs in unites(contenu.get("sections")):
        titre = blocs[0].get("titre", "") if blocs[0].get("type") == "chapitre" else ""
        sortie.append(Passage(ancre, titre, texte_des_blocs(blocs)[:LONGUEUR_MAX]))
        _cas(ancre, blocs, (), [0], sortie)
    return [p for p in sortie if p.texte.strip()]


def a_ouvrir(contenu: dict, ancre: str) -> set:
    """Les ancres à ouvrir pour montrer un passage (lui, son onglet, ses accordéons parents) ; vide si l'ancre
    n'est pas celle d'un passage de la fiche."""
    if not ancre or not ANCRE.match(ancre):
        return set()
    for p in passages(contenu):
        if p.ancre == ancre:
            return {ancre, *p.ancetres}
    return set()
