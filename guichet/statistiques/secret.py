"""Le secret statistique des données ouvertes : aucune case publiée sous SEUIL accompagnements.

1. Masquage primaire : toute case sous le seuil (zéro compris) est masquée ; une ligne dont le
   total est sous le seuil est masquée entière.
2. Masquage secondaire dans la ligne : les modalités d'un groupe (résultat, canal…) somment au
   total publié ; tant que les cases masquées d'un groupe somment à moins que le seuil, la plus
   petite case publiée du groupe est masquée aussi (sinon total − cases publiées redonnerait la
   case masquée, ou une somme trop petite).
3. Masquage secondaire entre lignes : pour chaque marge (par exemple mois × opérateur, le total
   national publié ailleurs), tant que les totaux masqués de la marge somment à moins que le seuil,
   la ligne publiée au plus petit total est masquée entière.

Limite : les marges par modalité (par exemple le nombre national de résolus sur place d'un
opérateur un mois donné) ne sont pas protégées case par case.
"""

SEUIL = 5
LIGNE = "ligne"


def masquer(lignes, total, groupes, marges=(), seuil=SEUIL):
    """Renvoie des copies des lignes (dict) où les cases masquées valent None, avec la clé
    « masquees » : les noms des colonnes masquées (ou [LIGNE] pour une ligne entière).

    `total` : la colonne du total de la ligne ; `groupes` : listes de colonnes qui somment au
    total ; `marges` : tuples de colonnes clés dont les lignes somment à un total publiable."""
    colonnes = [total, *[c for g in groupes for c in g]]
    masques = []
    for ligne in lignes:
        masque = {c for c in colonnes if ligne[c] < seuil}
        if total in masque:
            masque = set(colonnes)
        else:
            for groupe in groupes:
                _completer(ligne, groupe, masque, seuil)
        masques.append(masque)

    for marge in marges:
        paquets = {}
        for i, ligne in enumerate(lignes):
            paquets.setdefault(tuple(ligne[c] for c in marge), []).append(i)
        for indices in paquets.values():
            while True:
                caches = [i for i in indices if total in masques[i]]
                somme = sum(lignes[i][total] for i in caches)
                visibles = [i for i in indices if total not in masques[i]]
                if not caches or somme >= seuil or not visibles:
                    break
                plus_petite = min(visibles, key=lambda i: lignes[i][total])
                masques[plus_petite] = set(colonnes)

    resultat = []
    for ligne, masque in zip(lignes, masques, strict=True):
        copie = dict(ligne)
        for c in masque:
            copie[c] = None
        copie["masquees"] = [LIGNE] if total in masque else [c for c in colonnes if c in masque]
        resultat.append(copie)
    return resultat


def _completer(ligne, groupe, masque, seuil):
    while True:
        caches = [c for c in groupe if c in masque]
        if not caches or sum(ligne[c] for c in caches) >= seuil:
            return
        visibles = [c for c in groupe if c not in masque]
        if not visibles:
            return
        masque.add(min(visibles, key=lambda c: ligne[c]))
