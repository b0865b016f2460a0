"""Quelle commune la personne cherche-t-elle ? Les candidates, rangées, et si le choix est sûr.

Une saisie peut être le nom exact d'une commune (« Gex »), son début (« Brive »), un nom écrit
avec une faute (« tule » pour Tulle), un nom suivi de son département (« Sainte-Rose (971) »)
ou un code postal. On réunit :

- les communes au nom exact et celles dont le nom commence par la saisie (« saint » est un mot
  entier : « Saint » donne Saint-Denis, Saint-Étienne…, jamais Strasbourg) ;
- à partir de 4 lettres, les noms proches (rapidfuzz, une ou deux fautes de frappe).

Un nom exact passe devant tout le reste (« Albine » est Albine, pas Albi). Les autres candidates
reçoivent un score : la proximité du nom (début du nom, ou ressemblance d'un nom proche) plus un
poids de la population (une ville de 14 000 habitants passe devant un village de 2 000 au nom à
peine plus proche : « tule » → Tulle avant Tulette). Le choix est
sûr si la première candidate est la seule au nom exact, ou si elle devance nettement la
suivante ; sinon la saisie est ambiguë et la page propose « Vouliez-vous dire… ».
"""

import math
import re
import threading
import time
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from guichet.territoires.models import Commune
from guichet.territoires.services import normaliser_nom

SCORE_EXACT = 1000  # au-dessus de tout score de début ou de nom proche
SCORE_DEBUT = 100
POIDS_POPULATION = 20  # par puissance de dix d'habitants
MARGE_SURE = 20  # d'avance sur la deuxième pour que la première soit choisie sans demander
LONGUEUR_MIN_PROCHE = 4  # en deçà, les noms « proches » ne sont que du bruit
RESSEMBLANCE_MIN = 75  # rapidfuzz.fuzz.ratio, sur 100
NOMBRE_MAX = 8

# « Sainte-Rose (971) », « Gex (01) », « Ajaccio 2A » : un département à la fin de la saisie.
_DEPARTEMENT = re.compile(r"^(?P<nom>.*?\D)\s*(?:\(\s*(?P<entre>\d{2,3}|2[ab])\s*\)|\s(?P<nu>\d{2,3}|2[ab]))\s*$", re.I)


@dataclass
class Correspondances:
    communes: list  # les candidates, la plus probable d'abord
    ambigu: bool = False  # plusieurs candidates plausibles : faire choisir

    def __bool__(self):
        return bool(self.communes)


def chercher_communes(texte: str, nombre: int = NOMBRE_MAX) -> Correspondances:
    """Les communes (avec leur département) que `texte` peut désigner, rangées (voir le module)."""
    texte = (texte or "").strip()
    if not texte:
        return Correspondances([])
    communes = Commune.objects.filter(latitude__isnull=False).select_related("departement")
    communes = communes.defer("contour", "mairie_adresse", "departement__contour")
    if texte.isdigit():
        return Correspondances(list(communes.recherche(texte)[:nombre]))
    departement = None
    trouve = _DEPARTEMENT.match(texte)
    if trouve:
        texte, departement = trouve["nom"].strip(), (trouve["entre"] or trouve["nu"]).upper()
        communes = communes.filter(departement__code=departement)
    saisie = normaliser_nom(texte)
    if not saisie:
        return Correspondances([])

    scores: dict[int, float] = {}
    par_pk: dict[int, Commune] = {}
    proches: dict[int, float] = {}
    for commune in communes.recherche(texte)[:50]:
        base = SCORE_EXACT if commune.nom_normalise == saisie else SCORE_DEBUT
        scores[commune.pk], par_pk[commune.pk] = base + _poids(commune.population), commune
    if len(saisie.replace(" ", "")) >= LONGUEUR_MIN_PROCHE:
        proches = {pk: ressemblance for pk, ressemblance in _noms_proches(saisie) if pk not in scores}
        for commune in communes.filter(pk__in=proches):
            scores[commune.pk], par_pk[commune.pk] = proches[commune.pk] + _poids(commune.population), commune
    rangees = sorted(scores, key=lambda pk: (-scores[pk], par_pk[pk].nom, par_pk[pk].code))[:nombre]
    resultat = [par_pk[pk] for pk in rangees]
    ambigu = _ambigu(resultat, [scores[pk] for pk in rangees], saisie)
    if not ambigu and resultat and resultat[0].pk not in proches:
        # Choix sûr d'un nom exact ou d'un début : les noms seulement proches ne sont pas des suggestions.
        resultat = [commune for commune in resultat if commune.pk not in proches]
    return Correspondances(resultat, ambigu=ambigu)


def _poids(population: int) -> float:
    return POIDS_POPULATION * math.log10((population or 0) + 1)


def _ambigu(communes: list, scores: list[float], saisie: str) -> bool:
    if len(communes) < 2:
        return False
    exactes = [c for c in communes if c.nom_normalise == saisie]
    if len(exactes) == 1 and exactes[0] is communes[0]:
        return False
    return scores[0] - scores[1] < MARGE_SURE


# --- Les noms de toutes les communes, gardés en mémoire pour les rapprochements --------------------

DUREE_DE_VIE = 600  # secondes : un import fait dans un autre processus est vu au plus tard après

_noms: tuple | None = None  # (chargés le, {longueur: ([noms normalisés], [pk])})
_verrou = threading.Lock()


def _noms_proches(saisie: str, nombre: int = 20) -> list[tuple[int, float]]:
    """(pk, ressemblance) des communes au nom proche de la saisie normalisée.

    Seules les longueurs compatibles avec la ressemblance minimale sont comparées : avec fuzz.ratio,
    deux noms de longueurs a et b ne peuvent se ressembler à r % que si |a − b| ≤ (1 − r) (a + b).
    """
    par_longueur = _tous_les_noms()
    n, seuil = len(saisie), 1 - RESSEMBLANCE_MIN / 100
    noms, pks = [], []
    for longueur, (noms_l, pks_l) in par_longueur.items():
        if abs(n - longueur) <= seuil * (n + longueur):
            noms.extend(noms_l)
            pks.extend(pks_l)
    trouves = process.extract(saisie, noms, scorer=fuzz.ratio, score_cutoff=RESSEMBLANCE_MIN, limit=nombre)
    return [(pks[index], ressemblance) for _nom, ressemblance, index in trouves]


def _tous_les_noms() -> dict[int, tuple[list[str], list[int]]]:
    global _noms
    with _verrou:
        if _noms is None or time.monotonic() - _noms[0] > DUREE_DE_VIE:
            par_longueur: dict[int, tuple[list[str], list[int]]] = {}
            for nom, pk in Commune.objects.filter(latitude__isnull=False).values_list("nom_normalise", "pk"):
                noms, pks = par_longueur.setdefault(len(nom), ([], []))
                noms.append(nom)
                pks.append(pk)
            _noms = (time.monotonic(), par_longueur)
        return _noms[1]


def invalider():
    """Oublie les noms gardés en mémoire (après un import ; entre deux tests)."""
    global _noms
    with _verrou:
        _noms = None
