"""Ce que les commandes, les pages et la tâche de fond demandent : la couverture d'un territoire par un moteur."""

from collections import OrderedDict

import numpy as np
from django.core.cache import cache
from scipy.spatial import cKDTree

from guichet.couverture import calcul, carroyage, implantation
from guichet.couverture.donnees import Destinations, lire_destinations, lire_origines
from guichet.couverture.estimation import Estimation, km_en_corde, sur_la_sphere
from guichet.couverture.routier import GrapheIndisponible, Routier

MOTEURS = ("estimation", "routier")
CLE_NATIONALE = "guichet:couverture:nationale"


class MoteurInconnu(ValueError):
    pass


def moteur(nom: str = "estimation"):
    """Le moteur nommé ; `GrapheIndisponible` si le routier est demandé sans réseau importé."""
    if nom == "estimation":
        return Estimation()
    if nom == "routier":
        return Routier()
    raise MoteurInconnu(f"Moteur « {nom} » inconnu : {', '.join(MOTEURS)}.")


def routier_disponible() -> bool:
    try:
        Routier()
    except GrapheIndisponible:
        return False
    return True


def destinations_utiles(destinations: Destinations, origines, m) -> Destinations:
    """Pour un moteur borné : les seuls lieux qui peuvent atteindre une origine avant la borne (à vol d'oiseau,
    au plus vite) ; les autres ne changeraient aucun temps et alourdiraient la recherche."""
    if m.limite is None or not len(destinations) or not len(origines):
        return destinations
    arbre = cKDTree(sur_la_sphere(origines.lat, origines.lon))
    corde, _ = arbre.query(sur_la_sphere(destinations.lat, destinations.lon), k=1)
    garde = np.flatnonzero(corde <= km_en_corde(m.rayon_km(m.limite)))
    return Destinations.depuis([destinations.liste[k] for k in garde])


_MEMOIRE: OrderedDict = OrderedDict()
TAILLE_MEMOIRE = 8


def version_du_registre() -> tuple:
    """Ce qui change quand le registre change (structure ou passage ajouté, modifié, retiré) : deux requêtes."""
    from django.db.models import Count, Max

    from guichet.reseau.models import Passage, Structure

    s = Structure.objects.aggregate(n=Count("id"), m=Max("modifie_le"), i=Max("id"))
    p = Passage.objects.aggregate(n=Count("id"), i=Max("id"))
    return (s["n"], s["m"], s["i"], p["n"], p["i"])


def couverture_memorisee(departement: str | None, nom_moteur="estimation", fixes_seulement=False):
    """`couverture(...)` gardée en mémoire du processus tant que le registre (et le graphe routier) ne changent
    pas : un scénario sur la page ne refait que ses écarts (recherche bornée depuis le lieu ajouté, recalcul
    autour du lieu retiré), pas la couverture de départ. Un graphe réimporté est un autre objet `Graphe` :
    la clé change."""
    m = moteur(nom_moteur)
    cle = (departement, nom_moteur, fixes_seulement, id(getattr(m, "graphe", None)), version_du_registre())
    if cle in _MEMOIRE:
        _MEMOIRE.move_to_end(cle)
        return verifier_emprise(_MEMOIRE[cle])
    c = couverture(departement, nom_moteur, fixes_seulement=fixes_seulement, m=m, garder_etat=True)
    _MEMOIRE[cle] = c
    while len(_MEMOIRE) > TAILLE_MEMOIRE:
        _MEMOIRE.popitem(last=False)
    return verifier_emprise(c)


ECART_HORS_RESEAU_KM = 5.0


def verifier_emprise(c):
    """`GrapheIndisponible` si le réseau routier importé ne couvre pas ces communes (la plupart à plus de 5 km de
    toute route importée : un extrait d'une autre région) ; leurs temps ne voudraient rien dire."""
    ecarts = c.ecart_km
    loin = int((ecarts > ECART_HORS_RESEAU_KM).sum())
    if len(ecarts) and loin * 2 > len(ecarts):
        raise GrapheIndisponible(
            f"Le réseau routier importé ne couvre pas ce territoire : sur {len(ecarts)} communes, {loin} sont à plus "
            f"de {ECART_HORS_RESEAU_KM:.0f} km de toute route importée (importez l'extrait OpenStreetMap de sa région)."
        )
    return c


def couverture(
    departement: str | None = None,
    nom_moteur="estimation",
    fixes_seulement=False,
    m=None,
    carreaux=False,
    garder_etat=False,
):
    """La couverture des communes (de France, ou d'un département) vers tous les lieux du registre ; avec
    `carreaux`, les carreaux de population importés à la place des communes ; `garder_etat` pour les scénarios
    qui suivront (la page)."""
    m = m or moteur(nom_moteur)
    if carreaux:
        origines = carroyage.lire_origines_carreaux([departement] if departement else None)
    else:
        origines = lire_origines([departement] if departement else None)
    destinations = destinations_utiles(lire_destinations(fixes_seulement=fixes_seulement), origines, m)
    return calcul.calculer(origines, destinations, m, garder_etat=garder_etat)


def implanter(c, k: int, seuil=calcul.SEUIL_PROMESSE, candidats=None) -> dict:
    """Les k lieux qui couvriraient le plus de population aujourd'hui au-delà du seuil (glouton paresseux).

    `candidats` : une liste de (nom, lat, lon) ; par défaut les mairies des communes étudiées."""
    hors = ~(c.minutes <= seuil)
    demande = c.origines.sous_ensemble(hors)
    prep = c.moteur.preparer_origines(demande)
    if candidats is None:
        candidats = [
            (f"{n} ({code})", la, lo)
            for code, n, la, lo in zip(c.origines.codes, c.origines.noms, c.origines.lat, c.origines.lon, strict=True)
        ]
    noms = [x[0] for x in candidats]
    lat = np.array([x[1] for x in candidats], dtype=float)
    lon = np.array([x[2] for x in candidats], dtype=float)
    ensembles = implantation.couvertures(c.moteur, prep, lat, lon, seuil)
    choix = implantation.glouton(ensembles, demande.population, k)
    return {
        "moteur": c.moteur.nom,
        "seuil": seuil,
        "nouveaux": k,
        "population_hors_seuil": int(demande.population.sum()),
        "population_gagnee": int(choix.couverte),
        "borne_superieure": int(round(choix.borne_superieure)),
        "garantie": round(choix.garantie, 4),
        "lieux": [
            {"nom": noms[j], "lat": round(float(lat[j]), 5), "lon": round(float(lon[j]), 5), "gain": int(g)}
            for j, g in zip(choix.candidats, choix.gains, strict=True)
        ],
    }


MAX_CHANGEMENTS = 20


def _point(texte: str):
    """« 45.27,1.77 » → (45.27, 1.77), ou None."""
    try:
        lat, lon = (float(x) for x in texte.split(","))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def lire_changement(params, c) -> tuple[calcul.Changement, list[str], list[dict]]:
    """Le scénario décrit par les paramètres de la page (`ajout`, `retrait`, `deplacement`), validé contre la
    couverture `c` : (changement, erreurs en français, description de chaque changement gardé)."""
    changement, erreurs, descriptions = calcul.Changement(), [], []
    communes = {str(code): i for i, code in enumerate(c.origines.codes)}
    cles = {d.cle: i for i, d in enumerate(c.destinations.liste)}

    def position(valeur):
        if valeur.startswith("commune:"):
            i = communes.get(valeur.removeprefix("commune:"))
            if i is None:
                return None, None
            return (float(c.origines.lat[i]), float(c.origines.lon[i])), f"mairie de {c.origines.noms[i]}"
        point = _point(valeur)
        return point, (f"point {point[0]:.4f}, {point[1]:.4f}" if point else None)

    for valeur in [v for v in params.getlist("ajout") if v][:MAX_CHANGEMENTS]:
        point, libelle = position(valeur)
        if point is None:
            erreurs.append(f"Ajout « {valeur[:40]} » : commune du département ou point « latitude,longitude » attendu.")
            continue
        changement.ajouts.append((point[0], point[1], f"Lieu hypothétique ({libelle})"))
        descriptions.append({"nature": "ajout", "valeur": valeur, "texte": f"Ajout d'un lieu : {libelle}"})
    for valeur in [v for v in params.getlist("retrait") if v][:MAX_CHANGEMENTS]:
        if valeur not in cles:
            erreurs.append(f"Retrait « {valeur[:40]} » : lieu inconnu.")
            continue
        changement.retraits.append(cles[valeur])
        descriptions.append(
            {"nature": "retrait", "valeur": valeur, "texte": f"Retrait : {c.destinations.liste[cles[valeur]].nom}"}
        )
    deplacements = [v for v in params.getlist("deplacement") if v]
    if params.get("deplacement_lieu") and params.get("deplacement_vers"):
        deplacements.append(f"{params['deplacement_lieu']}@{params['deplacement_vers']}")
    for valeur in deplacements[:MAX_CHANGEMENTS]:
        cle, _, vers = valeur.partition("@")
        point, libelle = position(vers)
        if cle not in cles or point is None:
            erreurs.append(f"Déplacement « {valeur[:40]} » : lieu connu et nouvelle position attendus.")
            continue
        changement.deplacements.append((cles[cle], point[0], point[1]))
        descriptions.append(
            {
                "nature": "deplacement",
                "valeur": valeur,
                "texte": f"Déplacement de {c.destinations.liste[cles[cle]].nom} vers : {libelle}",
            }
        )
    return changement, erreurs, descriptions


def synthese_nationale() -> dict:
    """La synthèse nationale (moteur d'estimation), gardée 10 minutes ; la tâche de fond l'oublie."""
    return cache.get_or_set(CLE_NATIONALE, lambda: calcul.synthese(couverture(), calcul.SEUILS_PAR_DEFAUT), 600)
