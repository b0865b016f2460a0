"""Le calcul de la couverture, quel que soit le moteur : le temps de chaque origine au lieu le plus proche,
les parts de population sous chaque seuil, les zones blanches, et les scénarios « et si ».

Un moteur (`estimation.Estimation`, `routier.Routier`) répond à trois questions :
`preparer_origines(origines)` (le routier y accroche chaque mairie au nœud de route le plus proche),
`plus_proche(prep, destinations, masque)` → (minutes, indice) et `depuis(prep, lat, lon, limite)` → minutes
de chaque origine vers un seul lieu. Un temps infini : aucun lieu à moins de la borne du moteur.

Scénario (rien n'est enregistré) : ajouter un lieu, c'est une recherche bornée depuis lui seul et un minimum
élément par élément ; retirer un lieu, c'est recalculer les seules origines qui l'avaient pour plus proche :
le moteur routier ne refait que la cellule du lieu retiré sur le réseau (`Routier.retirer`, grâce à l'état des
nœuds gardé par le calcul complet) ; sinon, contre les seuls lieux qui peuvent atteindre ces origines (voir
`rayon_km` du moteur). Les tests vérifient que le résultat est celui d'un calcul complet.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from guichet.couverture.donnees import HYPOTHESE, Destination, Destinations, Origines
from guichet.couverture.estimation import km_en_corde, sur_la_sphere

SEUILS_PAR_DEFAUT = (20, 30)
SEUIL_PROMESSE = 20


@dataclass
class Couverture:
    moteur: object
    origines: Origines
    destinations: Destinations
    minutes: np.ndarray
    indice: np.ndarray  # indice du lieu le plus proche dans `destinations`, -1 : aucun
    prep: dict = field(repr=False, default_factory=dict)
    actives: np.ndarray | None = None  # lieux comptés (un scénario retire sans renuméroter)
    etat: object = field(repr=False, default=None)  # routier : l'état des nœuds de route, pour les retraits

    @property
    def ecart_km(self) -> np.ndarray:
        """Distance de la mairie au nœud de route où elle est accrochée (0 pour l'estimation)."""
        return self.prep.get("ecart_km", np.zeros(len(self.origines)))


def calculer(origines: Origines, destinations: Destinations, moteur, garder_etat=True) -> Couverture:
    """La couverture des origines ; `garder_etat` : garder ce qu'il faut pour les retraits des scénarios (le
    routier : l'état des nœuds de route), inutile pour une mesure qu'aucun scénario ne suivra."""
    prep = moteur.preparer_origines(origines)
    etat = None
    if garder_etat and hasattr(moteur, "plus_proche_avec_etat"):
        minutes, indice, etat = moteur.plus_proche_avec_etat(prep, destinations)
    else:
        minutes, indice = moteur.plus_proche(prep, destinations)
    actives = np.ones(len(destinations), dtype=bool)
    return Couverture(moteur, origines, destinations, minutes, indice, prep, actives, etat)


def _part(numerateur, denominateur) -> float:
    return round(float(numerateur) / float(denominateur), 4) if denominateur else 0.0


def synthese(c: Couverture, seuils=SEUILS_PAR_DEFAUT) -> dict:
    """Population totale et, par seuil, population et part à moins de ce temps : ensemble et par département."""
    pop = c.origines.population
    totale = int(pop.sum())
    sous = {str(s): int(pop[c.minutes <= s].sum()) for s in seuils}
    par_departement = {}
    deps = c.origines.departements
    for code in sorted(set(deps.tolist())):
        m = deps == code
        p, mins = pop[m], c.minutes[m]
        tot = int(p.sum())
        par_departement[code] = {
            "population_totale": tot,
            "communes": int(m.sum()),
            "population_sous_seuil": {str(s): int(p[mins <= s].sum()) for s in seuils},
            "part_sous_seuil": {str(s): _part(p[mins <= s].sum(), tot) for s in seuils},
        }
    return {
        "moteur": c.moteur.nom,
        "moteur_libelle": c.moteur.libelle,
        "seuils": [int(s) for s in seuils],
        "population_totale": totale,
        "communes": len(c.origines),
        "lieux": int(c.actives.sum()) if c.actives is not None else len(c.destinations),
        "population_sous_seuil": sous,
        "part_sous_seuil": {k: _part(v, totale) for k, v in sous.items()},
        "par_departement": par_departement,
    }


def minutes_arrondies(m) -> float | None:
    return None if not np.isfinite(m) else round(float(m), 1)


def ligne_commune(c: Couverture, i: int) -> dict:
    j = int(c.indice[i])
    lieu = c.destinations.liste[j] if j >= 0 else None
    return {
        "code": str(c.origines.codes[i]),
        "nom": str(c.origines.noms[i]),
        "departement": str(c.origines.departements[i]),
        "population": int(c.origines.population[i]),
        "minutes": minutes_arrondies(c.minutes[i]),
        "matricule": lieu.matricule if lieu else None,
        "lieu": lieu.nom if lieu else None,
        "ecart_km": round(float(c.ecart_km[i]), 2),
    }


def zones_blanches(c: Couverture, seuil=SEUIL_PROMESSE, limite=None) -> list[dict]:
    """Les communes au-delà du seuil, les plus peuplées d'abord (puis les plus lointaines, puis le code)."""
    hors = np.flatnonzero(~(c.minutes <= seuil))
    minutes_tri = np.where(np.isfinite(c.minutes[hors]), c.minutes[hors], 1e9)
    ordre = np.lexsort((c.origines.codes[hors].astype(str), -minutes_tri, -c.origines.population[hors]))
    hors = hors[ordre]
    if limite is not None:
        hors = hors[:limite]
    return [ligne_commune(c, int(i)) for i in hors]


# — scénarios —


@dataclass
class Changement:
    ajouts: list = field(default_factory=list)  # (lat, lon, libellé)
    retraits: list = field(default_factory=list)  # indices de lieux existants
    deplacements: list = field(default_factory=list)  # (indice, lat, lon)


def appliquer(c: Couverture, changement: Changement) -> Couverture:
    """La couverture après le changement, sans rien enregistrer (voir la docstring du module)."""
    moteur = c.moteur
    minutes, indice = c.minutes.copy(), c.indice.copy()
    actives = c.actives.copy() if c.actives is not None else np.ones(len(c.destinations), dtype=bool)
    liste = list(c.destinations.liste)
    retraits = [int(i) for i in changement.retraits] + [int(i) for i, _, _ in changement.deplacements]
    ajouts = list(changement.ajouts)
    for i, lat, lon in changement.deplacements:
        ancien = liste[int(i)]
        ajouts.append((lat, lon, f"{ancien.nom} (déplacé)", ancien.matricule))
    etat = c.etat  # les temps des nœuds de route (routier) : refaits par un retrait, bornent les ajouts
    if retraits:
        actives[retraits] = False
        touchees = np.isin(indice, retraits)
        par_cellule = None
        if touchees.any() and c.etat is not None:
            par_cellule = moteur.retirer(c.etat, c.prep, c.destinations, retraits, actives)
        if par_cellule is not None:
            touchees, m, k, etat = par_cellule
            minutes[touchees] = m
            indice[touchees] = k
        elif etat is not None and not touchees.any():
            etat = etat.sans(retraits)  # les nœuds des lieux retirés : temps actuel inconnu
        elif touchees.any():
            etat = None  # l'état ne dit plus les temps actuels : l'ajout ira jusqu'à sa borne
            candidats = np.flatnonzero(actives)
            borne = moteur.limite
            if borne is None:
                sous_ensemble = Destinations.depuis([liste[k] for k in candidats])
                m, k = moteur.plus_proche(c.prep, sous_ensemble, masque=touchees)
                k = np.where(k >= 0, candidats[np.maximum(k, 0)] if len(candidats) else -1, -1)
            else:
                # Recherches bornées à L, exactes pour tout temps ≤ L, depuis les seuls lieux à moins de
                # rayon(L) à vol d'oiseau d'une origine touchée (les autres ne peuvent l'atteindre avant L) :
                # L part de deux fois l'ancien temps le plus long et double pour les origines encore sans lieu.
                n_t = int(touchees.sum())
                m, k = np.full(n_t, np.inf), np.full(n_t, -1, dtype=np.int64)
                ouvertes = np.ones(n_t, dtype=bool)
                anciens = c.minutes[touchees]
                L = float(min(borne, max(10.0, 2 * np.max(anciens[np.isfinite(anciens)], initial=0.0))))
                xyz_c = sur_la_sphere(c.destinations.lat[candidats], c.destinations.lon[candidats])
                while True:
                    indices_ouverts = np.flatnonzero(touchees)[ouvertes]
                    arbre = cKDTree(sur_la_sphere(c.origines.lat[indices_ouverts], c.origines.lon[indices_ouverts]))
                    corde, _ = arbre.query(xyz_c, k=1) if len(candidats) else (np.array([]), None)
                    utiles = candidats[corde <= km_en_corde(moteur.rayon_km(L))] if len(candidats) else candidats
                    sous_masque = np.zeros(len(minutes), dtype=bool)
                    sous_masque[indices_ouverts] = True
                    m_l, k_l = moteur.plus_proche(
                        c.prep, Destinations.depuis([liste[j] for j in utiles]), masque=sous_masque, limite=L
                    )
                    m[ouvertes] = m_l
                    k[ouvertes] = np.where(k_l >= 0, utiles[np.maximum(k_l, 0)] if len(utiles) else -1, -1)
                    ouvertes = ~np.isfinite(m)
                    if not ouvertes.any() or L >= borne:
                        break
                    L = min(borne, 2 * L)
            minutes[touchees] = m
            indice[touchees] = k
    for ajout in ajouts:
        lat, lon, libelle = ajout[0], ajout[1], ajout[2]
        matricule = ajout[3] if len(ajout) > 3 else "HYPOTHÈSE"
        if hasattr(moteur, "ajouter"):
            # Le routier : une recherche bornée à la cellule du nouveau lieu (voir `Routier.parcours_d_ajout`).
            t = moteur.ajouter(etat, c.prep, lat, lon, minutes)
        else:
            # Seules comptent les origines que le nouveau lieu rapproche : la recherche s'arrête au temps actuel
            # le plus long (ou à la borne du moteur s'il reste des origines sans lieu).
            plus_long = float(np.max(minutes)) if len(minutes) else 0.0
            limite = moteur.limite if moteur.limite is None else min(moteur.limite, plus_long)
            t = moteur.depuis(c.prep, lat, lon, limite=limite)
        nouveau = len(liste)
        liste.append(
            Destination(
                cle=f"H:{nouveau}", matricule=matricule, nom=libelle, type=HYPOTHESE, lat=lat, lon=lon, departement=""
            )
        )
        actives = np.append(actives, True)
        mieux = t < minutes
        minutes[mieux] = t[mieux]
        indice[mieux] = nouveau
    return Couverture(moteur, c.origines, Destinations.depuis(liste), minutes, indice, c.prep, actives)


def ecarts(avant: Couverture, apres: Couverture, seuil=SEUIL_PROMESSE) -> dict:
    """Population gagnée et perdue sous le seuil, et les communes dont le temps change."""
    pop = avant.origines.population
    etait, est = avant.minutes <= seuil, apres.minutes <= seuil
    gagnees, perdues = est & ~etait, etait & ~est
    a, b = avant.minutes, apres.minutes
    change = ~((a == b) | (np.isinf(a) & np.isinf(b)))
    lignes = []
    for i in np.flatnonzero(change):
        lignes.append(
            {
                "code": str(avant.origines.codes[i]),
                "nom": str(avant.origines.noms[i]),
                "population": int(pop[i]),
                "avant": minutes_arrondies(a[i]),
                "apres": minutes_arrondies(b[i]),
                "franchit": "gagne" if gagnees[i] else ("perd" if perdues[i] else ""),
            }
        )
    lignes.sort(key=lambda x: (x["franchit"] == "", -x["population"], x["code"]))
    return {
        "seuil": seuil,
        "population_gagnee": int(pop[gagnees].sum()),
        "population_perdue": int(pop[perdues].sum()),
        "population_avant": int(pop[etait].sum()),
        "population_apres": int(pop[est].sum()),
        "population_totale": int(pop.sum()),
        "communes": lignes,
    }


def pourcentage(part: float) -> str:
    return f"{part * 100:.1f} %".replace(".", ",")


def lignes_de_synthese(s: dict) -> list[dict]:
    """Les chiffres d'une synthèse, prêts à afficher : un seuil par ligne."""
    return [
        {
            "seuil": seuil,
            "population": s["population_sous_seuil"][seuil],
            "hors": s["population_totale"] - s["population_sous_seuil"][seuil],
            "part": pourcentage(s["part_sous_seuil"][seuil]),
        }
        for seuil in s["population_sous_seuil"]
    ]
