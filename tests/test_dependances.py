"""Les imports pointent vers le bas : aucun cercle d'imports entre modules de guichet (les imports
dans une fonction comptent aussi : ils cachent un cercle sans le défaire)."""

import ast
from pathlib import Path

import guichet

RACINE = Path(guichet.__file__).parent

# Aucun cercle connu : ce test refuse tout cercle.
CERCLES_CONNUS: set[frozenset] = set()


def _graphe() -> dict[str, set[str]]:
    modules = {}
    for chemin in RACINE.rglob("*.py"):
        if "migrations" in chemin.parts:
            continue
        nom = ".".join(chemin.relative_to(RACINE.parent).with_suffix("").parts).removesuffix(".__init__")
        modules[nom] = chemin
    graphe = {nom: set() for nom in modules}
    for nom, chemin in modules.items():
        for noeud in ast.walk(ast.parse(chemin.read_text())):
            if isinstance(noeud, ast.ImportFrom) and noeud.module:
                cibles = [noeud.module, *(f"{noeud.module}.{alias.name}" for alias in noeud.names)]
            elif isinstance(noeud, ast.Import):
                cibles = [alias.name for alias in noeud.names]
            else:
                continue
            graphe[nom].update(c for c in cibles if c in modules and c != nom)
    return graphe


def _cercles(graphe) -> list[frozenset]:
    """Les composantes fortement connexes de plus d'un module (Tarjan, sans récursion)."""
    index, bas, pile, sur_pile, cercles = {}, {}, [], set(), []
    compteur = 0
    for depart in graphe:
        if depart in index:
            continue
        travail = [(depart, iter(sorted(graphe[depart])))]
        index[depart] = bas[depart] = compteur
        compteur += 1
        pile.append(depart)
        sur_pile.add(depart)
        while travail:
            noeud, voisins = travail[-1]
            suivant = next(voisins, None)
            if suivant is not None:
                if suivant not in index:
                    index[suivant] = bas[suivant] = compteur
                    compteur += 1
                    pile.append(suivant)
                    sur_pile.add(suivant)
                    travail.append((suivant, iter(sorted(graphe[suivant]))))
                elif suivant in sur_pile:
                    bas[noeud] = min(bas[noeud], index[suivant])
                continue
            travail.pop()
            if travail:
                bas[travail[-1][0]] = min(bas[travail[-1][0]], bas[noeud])
            if bas[noeud] == index[noeud]:
                composante = set()
                while True:
                    membre = pile.pop()
                    sur_pile.discard(membre)
                    composante.add(membre)
                    if membre == noeud:
                        break
                if len(composante) > 1:
                    cercles.append(frozenset(composante))
    return cercles


def test_le_detecteur_voit_un_cercle():
    assert _cercles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset({"a", "b", "c"})]
    assert _cercles({"a": {"b"}, "b": set()}) == []


def test_aucun_nouveau_cercle_d_imports():
    nouveaux = [sorted(c) for c in _cercles(_graphe()) if c not in CERCLES_CONNUS]
    assert nouveaux == []


def test_les_droits_et_la_navigation_ne_dependent_d_aucune_vue():
    graphe = _graphe()
    for module in ("guichet.permissions", "guichet.navigation"):
        assert not {m for m in graphe[module] if m.endswith(("views", "services"))}, module
