"""Des extraits OpenStreetMap écrits dans les tests par le rédacteur de pyosmium (aucun téléchargement)."""

import osmium

from guichet.couverture.estimation import distance_km

# Autour de Tulle (Corrèze) : A (la France services), B à l'est, C au-delà, D en cul-de-sac à sens unique.
NOEUDS = {
    1: (1.7722, 45.2658),  # A
    2: (1.8722, 45.2658),  # B
    3: (1.9722, 45.2758),  # C
    4: (1.8722, 45.3158),  # D
    5: (1.7722, 45.2858),  # E, au bout d'un chemin piéton
    6: (2.4000, 45.6000),  # F et G : un bout de route isolé
    7: (2.4100, 45.6000),
}


def km(a, b):
    (lon1, lat1), (lon2, lat2) = NOEUDS[a], NOEUDS[b]
    return float(distance_km(lat1, lon1, lat2, lon2))


def ecrire_extrait_de_tulle(chemin):
    with osmium.SimpleWriter(str(chemin)) as w:
        for i, (lon, lat) in NOEUDS.items():
            w.add_node(osmium.osm.mutable.Node(id=i, location=(lon, lat), version=1))
        voies = [
            (10, [1, 2], {"highway": "primary", "maxspeed": "50"}),  # maxspeed plausible : 50 km/h
            (11, [3, 2], {"highway": "residential", "maxspeed": "999", "oneway": "yes"}),  # C → B seulement
            (12, [2, 4], {"highway": "tertiary", "oneway": "yes"}),  # B → D seulement : D ne revient pas
            (13, [5, 1], {"highway": "footway"}),  # ignoré
            (14, [6, 7], {"highway": "residential"}),  # hors de la plus grande composante
            (15, [1, 3], {"highway": "track"}),  # piste : ignorée
            (16, [2, 3], {"highway": "primary", "access": "private"}),  # privée : ignorée
        ]
        for i, noeuds, tags in voies:
            w.add_way(osmium.osm.mutable.Way(id=i, nodes=noeuds, tags=tags, version=1))
    return chemin


def ecrire_grille(chemin, lignes, colonnes, pas_deg=0.01, lat0=45.0, lon0=1.5, premier_id=1, sens_uniques=False):
    """Une grille de routes (résidentielles, une ligne sur dix secondaire) de lignes × colonnes nœuds ; avec
    `sens_uniques`, une ligne et une colonne sur trois (hors secondaires) à sens unique, alternés : les temps
    d'aller et de retour diffèrent."""

    def tags(k, classe):
        if sens_uniques and classe == "residential" and k % 3 == 1:
            return {"highway": classe, "oneway": "yes" if k % 2 else "-1"}
        return {"highway": classe}

    with osmium.SimpleWriter(str(chemin)) as w:
        for i in range(lignes):
            for j in range(colonnes):
                w.add_node(
                    osmium.osm.mutable.Node(
                        id=premier_id + i * colonnes + j, location=(lon0 + j * pas_deg, lat0 + i * pas_deg), version=1
                    )
                )
        voie = 1
        for i in range(lignes):
            classe = "secondary" if i % 10 == 0 else "residential"
            ids = [premier_id + i * colonnes + j for j in range(colonnes)]
            w.add_way(osmium.osm.mutable.Way(id=voie, nodes=ids, tags=tags(i, classe), version=1))
            voie += 1
        for j in range(colonnes):
            classe = "secondary" if j % 10 == 0 else "residential"
            ids = [premier_id + i * colonnes + j for i in range(lignes)]
            w.add_way(osmium.osm.mutable.Way(id=voie, nodes=ids, tags=tags(j, classe), version=1))
            voie += 1
    return chemin
