"""La recherche dans les fiches : BM25 (bm25s) sur un texte français analysé (PyStemmer, Snowball).

Analyse (la même pour l'index et la question) : minuscules, accents retirés, mots vides retirés,
racines Snowball (pluriels et flexions confondus). La question est enrichie :

- sigles du lexique développés (« APL » → « aide personnalisée au logement ») ;
- fautes de frappe corrigées contre le vocabulaire de l'index (rapidfuzz, distance d'édition 1 ou 2) ;
- aucun résultat vide pour une vraie question : toute fiche qui a au moins un terme est classée, celles
  qui ont tous les termes favorisées (score × part des termes présents, voir `classer_lexical`).

Trois champs pondérés : titre, résumé (description et introduction), corps ; et les passages (situations,
sections, cas : guichet.connaissances.passages), dont le meilleur compte pour sa fiche et fournit l'extrait.
L'index est construit depuis la base, enregistré sous settings.DATA_DIR/index_fiches/, chargé une fois par
processus et reconstruit quand la base a changé (empreinte : nombre et dernière modification des fiches,
sigles, expressions, sources autorisées et rattachements des thèmes aux opérateurs, lue en une requête au plus
une fois par seconde). Tout ce qui ne dépend que du corpus est calculé une fois par index : lexique trié et
rangé par premier mot, textes des passages (fichier lu par mmap : l'extrait des 10 résultats montrés ne relit
pas les fiches entières), et ce que la page répète à chaque question (`Index.memo`).
Classement hybride facultatif : voir guichet.connaissances.semantique (fusion par rangs réciproques).
"""

import bisect
import functools
import hashlib
import html
import json
import logging
import math
import mmap
import os
import re
import shutil
import threading
import time
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from django.conf import settings
from django.db import connection
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from guichet.connaissances import passages as decoupage

logger = logging.getLogger(__name__)
# bm25s règle son journal sur DEBUG : on le ramène au niveau des avertissements.
logging.getLogger("bm25s").setLevel(logging.WARNING)

VERSION = 6  # change quand le format de l'index change : l'index est alors reconstruit
CHAMPS = {"titre": 4.0, "resume": 1.5, "corps": 0.5}  # réglés sur la moitié « réglage » du banc
# Le score d'une fiche : titre, résumé et corps entier pondérés (CHAMPS), plus son meilleur passage × POIDS_PASSAGE.
POIDS_PASSAGE = 1.0
POIDS_EXPANSION = 0.6
POIDS_EQUIVALENT = 0.8  # les équivalents d'un mot courant ou d'un ancien nom (lexique de la langue parlée)
EXPOSANT_COUVERTURE = 0.5
POIDS_CORRECTION = 0.8
NOMBRE_CANDIDATS_HYBRIDE = 100
LONGUEUR_EXTRAIT = 280
# L'empreinte de la base (trois agrégats) est comparée à celle de l'index au plus une fois par seconde.
DELAI_VERIFICATION = 1.0

MOT = re.compile(r"[a-z0-9]+")
MOT_ORIGINAL = re.compile(r"\w+")

# Mots vides, sans accents, et mots de liaison de la langue parlée au guichet (« la dame veut savoir… »).
MOTS_VIDES = frozenset(
    """
    a ai aie aient aies ait as au aucun aucune aussi autre autres aux avaient avais avait avant avec avez
    aviez avions avoir avons ayant bah bon bonjour c ca ce ceci cela celle celles celui cependant certain
    certaine certains ces cet cette ceux chaque chez comme comment combien d dans de depuis des deja dois
    doit donc dont du elle elles en encore est et etaient etais etait etant ete etes etre eu eue eues eus
    eux faire fais fait faut fois ici il ils j je jusqu l la le les leur leurs lui m ma madame mais me meme
    memes merci mes moi moins mon monsieur mme mr n ne ni nos notre nous on ont ou par parce pas peu peut
    peuvent peux plus pour pourquoi pourrait pourrais puis qu quand que quel quelle quelles quels qui quoi
    s sa se sera serait ses si sien soit son sont sous suis sur svp t ta te tes toi ton tous tout
    toute toutes tres tu un une unes uns va vais veut veulent veux voudrait voudrais voila vont vos votre
    vous vu y dame monsieur usager usagere quelqu quelque chose savoir souhaite souhaiterait aimerait
    besoin cherche papa maman pere mere mari fils fille soeur frere bebe
    """.split()
)

_racineur = Stemmer.Stemmer("french")
_verrou = threading.Lock()
_index_charges: dict[str, "Index"] = {}


# Analyse du texte --------------------------------------------------------------------------------


REMPLACEMENTS = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("œ", "oe"), ("æ", "ae"), ("ß", "ss"))


def normaliser(texte: str) -> str:
    """Minuscules, sans accents ni ligatures ; les autres caractères non ASCII disparaissent (les apostrophes
    typographiques deviennent droites d'abord, pour ne pas coller « l’enfant »)."""
    texte = (texte or "").lower()
    if texte.isascii():
        return texte
    for avant, apres in REMPLACEMENTS:
        if avant in texte:
            texte = texte.replace(avant, apres)
    # Décomposition de compatibilité (guichet.texte.sans_accents) puis tout non-ASCII retiré, accents compris :
    # le même résultat que sans_accents suivi du filtre ASCII, en deux passes C (l'extrait normalise ses passages).
    return unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode("ascii")


def mots(texte: str) -> list[str]:
    return MOT.findall(normaliser(texte))


def est_vide(mot: str) -> bool:
    return mot in MOTS_VIDES or (len(mot) < 2 and not mot.isdigit())


@functools.lru_cache(maxsize=100_000)
def racines_du_mot(mot: str) -> frozenset:
    """Les racines des mots pleins d'un mot tel qu'écrit (« l'APL », « Caf »), mises en cache."""
    return frozenset(_racineur.stemWord(m) for m in MOT.findall(normaliser(mot)) if not est_vide(m))


def racines(liste: list[str]) -> list[str]:
    return _racineur.stemWords(liste)


def jetons(texte: str) -> list[str]:
    """Les racines des mots pleins d'un texte, dans l'ordre."""
    return racines([m for m in mots(texte) if not est_vide(m)])


class Analyseur:
    """Analyse en masse avec un cache mot → racine (l'indexation du corpus entier reste rapide)."""

    def __init__(self):
        self.cache: dict[str, str | None] = {}

    def jetons(self, texte: str, mots_vus: set | None = None) -> list[str]:
        """Les racines des mots pleins ; `mots_vus` reçoit les mots (normalisés) rencontrés."""
        cache = self.cache
        sortie = []
        liste = MOT.findall(normaliser(texte))
        if mots_vus is not None:
            mots_vus.update(liste)
        for m in liste:
            r = cache.get(m, "")
            if r == "":
                r = None if est_vide(m) else _racineur.stemWord(m)
                cache[m] = r
            if r is not None:
                sortie.append(r)
        return sortie


# L'index ------------------------------------------------------------------------------------------


class Textes:
    """Les textes des passages, bout à bout en UTF-8 (en mémoire, ou fichier lu par mmap) : le passage p est
    entre positions[p] et positions[p + 1]. L'extrait d'un résultat lit son passage, pas la fiche entière."""

    def __init__(self, tampon, positions):
        self.tampon = tampon
        self.positions = positions

    @classmethod
    def depuis(cls, textes: list[str]) -> "Textes":
        morceaux = [t.encode() for t in textes]
        positions = np.zeros(len(morceaux) + 1, dtype=np.int64)
        np.cumsum([len(m) for m in morceaux], out=positions[1:])
        return cls(b"".join(morceaux), positions)

    @classmethod
    def lire(cls, chemin: Path, positions) -> "Textes":
        with open(chemin, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return cls(b"", positions)
            return cls(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), positions)

    def __len__(self):
        return len(self.positions) - 1

    def __getitem__(self, p: int) -> str:
        return bytes(self.tampon[int(self.positions[p]) : int(self.positions[p + 1])]).decode()


@dataclass
class EntreeLexique:
    """Une entrée du lexique préparée pour la lecture des questions (guichet.connaissances.recherche.analyser)."""

    rang: int  # l'ordre de priorité : les plus longues d'abord, puis l'ordre du lexique
    cle: list  # mots normalisés
    brut: str
    casse: bool
    alternatives: list
    nature: str
    cle_racines: list | None  # racines de la clé (None pour un sigle, reconnu mot pour mot)
    lisible: str = ""  # les équivalents tels que le lexique les écrit (montrés : « compris … »)


@dataclass
class Index:
    dossier: Path
    empreinte: str
    champs: dict  # nom → bm25s.BM25
    documents: list  # [{pk, identifiant, type, audience, themes, operateurs, date}]
    df: dict  # racine → nombre de fiches qui la contiennent (corps)
    vocabulaire: dict  # mot (sans accents) → (racine, fréquence)
    # [(mots normalisés, texte brut, casse exacte, [alternatives de racines], nature, [équivalents lisibles])]
    lexique: list
    passages: object = None  # bm25s.BM25 des passages (situations, sections, cas)
    passage_debut: np.ndarray = None  # passages de la fiche i : passage_debut[i] ≤ p < passage_debut[i + 1]
    passage_ancres: list = field(default_factory=list)
    passage_fiche: np.ndarray = None  # la fiche de chaque passage
    passage_titres: list = field(default_factory=list)
    passage_textes: Textes = None
    themes: np.ndarray = None
    operateurs: np.ndarray = None
    semantique: object = None  # guichet.connaissances.semantique.Plongements ou None
    mtime: int = 0
    par_longueur: dict = field(default_factory=dict)
    racines_connues: set = field(default_factory=set)
    identifiants: dict = field(default_factory=dict)
    sigles_connus: set = field(default_factory=set)
    verifie_le: float = 0.0  # time.monotonic() de la dernière comparaison avec la base
    lexique_par_tete: dict = field(default_factory=dict)  # premier mot (ou sa racine) → [EntreeLexique]
    memos: dict = field(default_factory=dict)

    @property
    def taille(self):
        return len(self.documents)

    def preparer(self):
        self.par_longueur = {}
        for mot in self.vocabulaire:
            self.par_longueur.setdefault(len(mot), []).append(mot)
        self.racines_connues = set()
        for bm in self.champs.values():
            self.racines_connues.update(bm.vocab_dict)
        self.racines_connues.discard("")
        self.identifiants = {d["identifiant"]: i for i, d in enumerate(self.documents)}
        self.sigles_connus = {" ".join(e[0]) for e in self.lexique if e[4] == "sigle"}
        if self.passage_debut is not None:
            self.passage_fiche = np.repeat(np.arange(len(self.documents)), np.diff(self.passage_debut))
        self.lexique_par_tete = {}
        tries = sorted(self.lexique, key=lambda e: -len(e[0]))
        for rang, (cle, brut, casse, alternatives, nature, lisibles) in enumerate(tries):
            entree = EntreeLexique(
                rang,
                list(cle),
                brut,
                casse,
                alternatives,
                nature,
                None if nature == "sigle" else racines(list(cle)),
                " ; ".join(lisibles),
            )
            tetes = {cle[0]} if entree.cle_racines is None else {cle[0], entree.cle_racines[0]}
            for tete in tetes:
                self.lexique_par_tete.setdefault(tete, []).append(entree)

    def memo(self, cle: str, calcul):
        """Ce que la page répète à chaque question et qui ne change qu'avec le corpus (thèmes, opérateurs
        filtrables, date des fiches) : calculé une fois par index, oublié avec lui."""
        if cle not in self.memos:
            self.memos[cle] = calcul()
        return self.memos[cle]

    @property
    def date_du_corpus(self):
        """La date de la fiche la plus récente (None sans fiche)."""
        plus_recente = self.memo("date", lambda: max((d["date"] for d in self.documents), default=None))
        return date.fromisoformat(plus_recente) if plus_recente else None


def dossier_index() -> Path:
    return Path(settings.DATA_DIR) / "index_fiches"


def empreinte_base() -> str:
    """Ce qui, s'il change, rend l'index périmé : fiches, sigles, sources autorisées, thèmes des opérateurs."""
    from guichet.connaissances.models import Expression, Fiche, Sigle, SourceAutorisee, ThemeOperateur

    q = connection.ops.quote_name
    requete = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), MAX({q('modifie_le')}) FROM {q(modele._meta.db_table)}"
        for i, modele in enumerate((Fiche, Sigle, Expression, SourceAutorisee, ThemeOperateur))
    )
    with connection.cursor() as curseur:  # une seule requête : la vérification revient à chaque seconde
        curseur.execute(requete)
        lignes = sorted(curseur.fetchall())
    return "|".join([f"v{VERSION}"] + [f"{n}:{m if m is not None else '-'}" for _, n, m in lignes])


def _lexique_depuis_base():
    """Les sigles (reconnus mot pour mot) et les expressions de la langue parlée (reconnues par leurs racines,
    donc sous leurs formes fléchies) ; un ancien nom et le nouveau se répondent dans les deux sens. Deux entrées
    de même clé se fondent (leurs développements s'additionnent)."""
    from guichet.connaissances.models import Expression, Sigle

    entrees = {}

    def ajouter(texte, casse, lisibles, nature):
        """`lisibles` : les développements ou équivalents tels qu'écrits (montrés), leurs racines cherchées."""
        cle = mots(texte)
        if not cle:
            return
        lisibles = [a for a in lisibles if jetons(a)] if nature != "remplissage" else []
        alternatives = [jetons(a) for a in lisibles]
        cle_entree = (tuple(cle), casse, nature == "sigle")
        if cle_entree in entrees:
            for a, lisible in zip(alternatives, lisibles, strict=True):
                if a not in entrees[cle_entree][3]:
                    entrees[cle_entree][3].append(a)
                    entrees[cle_entree][5].append(lisible)
            return
        entrees[cle_entree] = [cle, texte, casse, alternatives, nature, lisibles]

    for sigle in Sigle.objects.all():
        ajouter(sigle.sigle, sigle.casse_exacte, [alt.strip() for alt in sigle.expansion.split(";")], "sigle")
    for e in Expression.objects.all():
        equivalents = [alt.strip() for alt in e.equivalents.split(";") if alt.strip()]
        ajouter(e.expression, False, equivalents, e.nature)
        if e.nature == "nom":
            for alt in equivalents:
                ajouter(alt, False, [e.expression] + [a for a in equivalents if a != alt], "nom")
    return [tuple(v) for v in entrees.values()]


def _operateurs_par_domaine():
    from guichet.connaissances.models import SourceAutorisee

    return {
        s.domaine: s.operateur.code
        for s in SourceAutorisee.objects.actives().select_related("operateur")
        if s.operateur_id is not None
    }


def _operateurs_par_theme():
    from guichet.connaissances.models import ThemeOperateur

    rattachements = {}
    for theme, code in ThemeOperateur.objects.values_list("theme", "operateur__code"):
        rattachements.setdefault(theme, set()).add(code)
    return rattachements


def empreinte_texte_semantique(titre, description, introduction) -> str:
    return hashlib.sha1(f"{titre}\n{description}\n{introduction}".encode()).hexdigest()[:16]


def construire(enregistrer: bool = True, progression: bool = False) -> Index:
    """Construit l'index depuis la base ; l'enregistre (remplacement atomique du dossier) et le garde en mémoire."""
    from guichet.connaissances.models import Fiche

    debut = time.perf_counter()
    empreinte = empreinte_base()
    operateurs_de = _operateurs_par_domaine()
    operateurs_du_theme = _operateurs_par_theme()
    themes_de: dict[int, list] = {}
    for fiche_id, identifiant in Fiche.themes.through.objects.values_list("fiche_id", "theme__identifiant"):
        themes_de.setdefault(fiche_id, []).append(identifiant)
    analyseur = Analyseur()
    corpus = {nom: [] for nom in CHAMPS}
    documents = []
    df = Counter()
    frequences = Counter()
    lignes = Fiche.objects.order_by("pk").values_list(
        "pk",
        "identifiant",
        "type",
        "audience",
        "titre",
        "numero_cerfa",
        "description",
        "introduction",
        "texte",
        "domaines",
        "date",
        "contenu",
    )
    corpus_passages = []
    passage_debut = [0]
    passage_ancres = []
    passage_titres = []
    passage_textes = []
    for ligne in lignes.iterator(chunk_size=500):
        pk, identifiant, type_, audience, titre, cerfa, description, introduction, texte, domaines, date_ = ligne[:11]
        vus = set()
        jetons_titre = analyseur.jetons(f"{titre} {cerfa}", vus)
        resume = analyseur.jetons(f"{description} {introduction}")
        corps = analyseur.jetons(texte, vus)
        morceaux = decoupage.passages(ligne[11])
        if not morceaux:  # fiche sans sections : un seul passage, son texte entier
            morceaux = [decoupage.Passage("", "", texte or f"{description} {introduction}")]
        for morceau in morceaux:
            corpus_passages.append(analyseur.jetons(morceau.texte))
            passage_ancres.append(morceau.ancre)
            passage_titres.append(morceau.titre)
            passage_textes.append(morceau.texte)
        passage_debut.append(len(passage_ancres))
        corpus["titre"].append(jetons_titre)
        corpus["resume"].append(resume)
        corpus["corps"].append(corps)
        df.update(set(corps).union(jetons_titre, resume))
        frequences.update(vus)
        themes = themes_de.get(pk, [])
        operateurs = {operateurs_de[d] for d in domaines or [] if d in operateurs_de}
        for theme in themes:
            operateurs |= operateurs_du_theme.get(theme, set())
        documents.append(
            {
                "pk": pk,
                "identifiant": identifiant,
                "type": type_,
                "audience": audience,
                "themes": themes,
                "operateurs": sorted(operateurs),
                "date": date_.isoformat(),
                "semantique": empreinte_texte_semantique(titre, description, introduction),
            }
        )
    champs = {}
    for nom in CHAMPS:
        if not any(corpus[nom]):
            continue  # champ vide partout (aucune description, par exemple) : rien à pondérer
        bm = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        bm.index(corpus[nom], show_progress=progression)
        champs[nom] = bm
    index_passages = None
    if any(corpus_passages):
        index_passages = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        index_passages.index(corpus_passages, show_progress=progression)
    vocabulaire = {
        m: (analyseur.cache[m], n)
        for m, n in frequences.items()
        if len(m) >= 4 and m.isalpha() and analyseur.cache.get(m) is not None
    }
    index = Index(
        dossier=dossier_index(),
        empreinte=empreinte,
        champs=champs,
        documents=documents,
        df=dict(df),
        vocabulaire=vocabulaire,
        lexique=_lexique_depuis_base(),
        passages=index_passages,
        passage_debut=np.array(passage_debut, dtype=np.int64),
        passage_ancres=passage_ancres,
        passage_titres=passage_titres,
        passage_textes=Textes.depuis(passage_textes),
    )
    _matrices(index)
    index.preparer()
    if enregistrer and documents:
        _enregistrer(index)
    from guichet.connaissances import semantique

    index.semantique = semantique.charger(index)
    index.verifie_le = time.monotonic()
    with _verrou:
        _index_charges[str(index.dossier)] = index
    logger.info("Index des fiches construit : %s fiches en %.1f s", len(documents), time.perf_counter() - debut)
    return index


def _matrices(index: Index):
    """Filtres en tableaux : un ensemble de thèmes et d'opérateurs par fiche."""
    index.themes = np.array([frozenset(d["themes"]) for d in index.documents], dtype=object)
    index.operateurs = np.array([frozenset(d["operateurs"]) for d in index.documents], dtype=object)


def _enregistrer(index: Index):
    dossier = index.dossier
    dossier.parent.mkdir(parents=True, exist_ok=True)
    temporaire = dossier.with_name(f"{dossier.name}.tmp-{uuid.uuid4().hex[:8]}")
    temporaire.mkdir()
    for nom, bm in index.champs.items():
        bm.save(str(temporaire / nom), show_progress=False)
    (temporaire / "documents.json").write_text(json.dumps(index.documents, ensure_ascii=False))
    (temporaire / "vocabulaire.json").write_text(
        json.dumps({"df": index.df, "mots": index.vocabulaire}, ensure_ascii=False)
    )
    (temporaire / "lexique.json").write_text(json.dumps(index.lexique, ensure_ascii=False))
    if index.passages is not None:
        index.passages.save(str(temporaire / "passages"), show_progress=False)
    (temporaire / "passages.json").write_text(
        json.dumps(
            {
                "debut": index.passage_debut.tolist(),
                "ancres": index.passage_ancres,
                "titres": index.passage_titres,
                "positions": index.passage_textes.positions.tolist(),
            },
            ensure_ascii=False,
        )
    )
    (temporaire / "passages.txt").write_bytes(bytes(index.passage_textes.tampon))
    (temporaire / "etat.json").write_text(
        json.dumps(
            {
                "version": VERSION,
                "empreinte": index.empreinte,
                "fiches": len(index.documents),
                "champs": list(index.champs),
            }
        )
    )
    # Le dossier des plongements (calcul long) survit à la reconstruction de l'index lexical.
    if (dossier / "semantique.npy").exists():
        for nom in ("semantique.npy", "semantique.json"):
            shutil.copy2(dossier / nom, temporaire / nom)
    ancien = dossier.with_name(f"{dossier.name}.old-{uuid.uuid4().hex[:8]}")
    if dossier.exists():
        os.replace(dossier, ancien)
    os.replace(temporaire, dossier)
    shutil.rmtree(ancien, ignore_errors=True)
    index.mtime = (dossier / "etat.json").stat().st_mtime_ns


def _charger(dossier: Path) -> Index | None:
    etat_chemin = dossier / "etat.json"
    try:
        etat = json.loads(etat_chemin.read_text())
        if etat.get("version") != VERSION:
            return None
        champs = {
            nom: bm25s.BM25.load(str(dossier / nom), show_progress=False, verbosity=0, load_vocab=True)
            for nom in etat["champs"]
        }
        documents = json.loads((dossier / "documents.json").read_text())
        vocab = json.loads((dossier / "vocabulaire.json").read_text())
        lexique = json.loads((dossier / "lexique.json").read_text())
        decoupe = json.loads((dossier / "passages.json").read_text())
        index_passages = None
        if (dossier / "passages").exists():
            index_passages = bm25s.BM25.load(
                str(dossier / "passages"), show_progress=False, verbosity=0, load_vocab=True
            )
        textes = Textes.lire(dossier / "passages.txt", np.array(decoupe["positions"], dtype=np.int64))
        mtime = etat_chemin.stat().st_mtime_ns
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("Index des fiches illisible dans %s (%s) : il sera reconstruit.", dossier, exc)
        return None
    index = Index(
        dossier=dossier,
        empreinte=etat["empreinte"],
        champs=champs,
        documents=documents,
        df=vocab["df"],
        vocabulaire={m: tuple(v) for m, v in vocab["mots"].items()},
        lexique=[tuple(e) for e in lexique],
        passages=index_passages,
        passage_debut=np.array(decoupe["debut"], dtype=np.int64),
        passage_ancres=decoupe["ancres"],
        passage_titres=decoupe["titres"],
        passage_textes=textes,
        mtime=mtime,
    )
    _matrices(index)
    index.preparer()
    from guichet.connaissances import semantique

    index.semantique = semantique.charger(index)
    return index


def index_courant() -> Index:
    """L'index à jour : celui de la mémoire s'il est encore frais, sinon celui du disque, sinon reconstruit."""
    dossier = dossier_index()
    with _verrou:
        index = _index_charges.get(str(dossier))
    maintenant = time.monotonic()
    if index is not None and maintenant - index.verifie_le < DELAI_VERIFICATION:
        return index
    empreinte = empreinte_base()
    if index is not None and index.empreinte == empreinte:
        index.verifie_le = maintenant
        try:
            mtime = (dossier / "etat.json").stat().st_mtime_ns
        except OSError:
            mtime = index.mtime
        if mtime == index.mtime:
            return index
    disque = _charger(dossier)
    if disque is not None and disque.empreinte == empreinte:
        disque.verifie_le = maintenant
        with _verrou:
            _index_charges[str(dossier)] = disque
        return disque
    return construire()


def oublier():
    """Vide le cache du processus (tests)."""
    with _verrou:
        _index_charges.clear()


# La question --------------------------------------------------------------------------------------


@dataclass
class Groupe:
    """Un terme de la question et ses variantes : racine, développement d'un sigle, correction."""

    libelle: str
    poids: dict  # racine → poids
    alternatives: list  # listes de racines : le groupe est satisfait si l'une est entièrement présente
    nature: str = "mot"  # mot, sigle, correction


@dataclass
class Question:
    texte: str
    groupes: list
    sigles: list = field(default_factory=list)  # [(sigle, développement)]
    corrections: list = field(default_factory=list)  # [(mot saisi, mot retenu)]
    inconnus: list = field(default_factory=list)
    expressions: list = field(default_factory=list)  # [(expression lue, équivalents)]
    retires: list = field(default_factory=list)  # tournures de remplissage retirées

    @property
    def racines(self) -> set:
        return {r for g in self.groupes for r in g.poids}


def _correction(index: Index, mot: str) -> str | None:
    """Le mot du vocabulaire le plus proche (distance 1 jusqu'à 6 lettres, 2 au-delà), le plus fréquent à égalité."""
    if len(mot) < 4 or not mot.isalpha():
        return None
    distance = 1 if len(mot) <= 6 else 2
    candidats = []
    for longueur in range(len(mot) - distance, len(mot) + distance + 1):
        candidats.extend(index.par_longueur.get(longueur, ()))
    if not candidats:
        return None
    trouves = process.extract(mot, candidats, scorer=Levenshtein.distance, score_cutoff=distance, limit=20)
    if not trouves:
        return None
    meilleur = min(trouves, key=lambda t: (t[1], -index.vocabulaire[t[0]][1]))
    return meilleur[0]


def _est_sigle_tape(original: str) -> bool:
    """Un mot écrit en capitales, court (« CEAM », « SIAO ») : un sigle, même s'il est inconnu du lexique."""
    return original.isalpha() and original.isupper() and 2 <= len(original) <= 6


def analyser(index: Index, texte: str) -> Question:
    """La question en groupes de racines : sigles et expressions du lexique d'abord (les plus longs d'abord),
    tournures de remplissage retirées, puis les mots pleins, corrigés s'ils sont inconnus de l'index — jamais
    un sigle connu du lexique ni un mot tapé en capitales."""
    originaux = MOT_ORIGINAL.findall(texte or "")
    bruts = []  # (mot original, mot normalisé)
    for o in originaux:
        for m in MOT.findall(normaliser(o)):
            bruts.append((o, m))
    normalises = [m for _, m in bruts]
    racines_question = racines(normalises)
    question = Question(texte=texte, groupes=[])
    pris = [False] * len(bruts)
    # 1. Le lexique : sigles (mot pour mot), expressions (par racines), les plus longs d'abord. Seules les
    # entrées dont le premier mot (ou sa racine) est dans la question sont essayées, dans l'ordre du lexique trié.
    essais = {}
    for i, (mot, racine) in enumerate(zip(normalises, racines_question, strict=True)):
        for tete in {mot, racine}:
            for entree in index.lexique_par_tete.get(tete, ()):
                essais[(entree.rang, i)] = entree
    for (_, i), entree in sorted(essais.items(), key=lambda e: e[0]):
        cle, brut, casse, alternatives, nature = (
            entree.cle,
            entree.brut,
            entree.casse,
            entree.alternatives,
            entree.nature,
        )
        n = len(cle)
        if i + n > len(bruts) or any(pris[i : i + n]):
            continue
        if nature == "sigle":
            if normalises[i : i + n] != cle:
                continue
            if casse and " ".join(o for o, _ in bruts[i : i + n]) != brut:
                continue
        elif racines_question[i : i + n] != entree.cle_racines and normalises[i : i + n] != cle:
            continue
        for j in range(i, i + n):
            pris[j] = True
        if nature == "remplissage":
            question.retires.append(" ".join(o for o, _ in bruts[i : i + n]))
            continue
        # Un mot courant ou d'argot n'est pas celui des fiches (« viré » n'est pas « virement ») : seuls ses
        # équivalents comptent ; un sigle ou un nom compte aussi pour lui-même.
        racine_terme = [r for m, r in zip(cle, entree.cle_racines or racines(cle), strict=True) if not est_vide(m)]
        if nature == "courant":
            racine_terme = []
        poids = {r: 1.0 for r in racine_terme}
        poids_alt = POIDS_EXPANSION if nature == "sigle" else POIDS_EQUIVALENT
        for alt in alternatives:
            for r in alt:
                poids.setdefault(r, poids_alt)
        question.groupes.append(Groupe(brut, poids, ([racine_terme] if racine_terme else []) + alternatives, nature))
        developpement = " ; ".join(" ".join(a) for a in alternatives)
        if nature == "sigle":
            question.sigles.append((brut, developpement))
        else:
            question.expressions.append((" ".join(o for o, _ in bruts[i : i + n]), entree.lisible))
    # 2. Les autres mots pleins, corrigés s'ils sont inconnus de l'index.
    vus = {r for g in question.groupes for r in g.poids}
    for (original, mot), racine, deja in zip(bruts, racines_question, pris, strict=True):
        if deja or est_vide(mot):
            continue
        if racine in vus:
            continue
        if racine in index.racines_connues:
            question.groupes.append(Groupe(original, {racine: 1.0}, [[racine]]))
            vus.add(racine)
            continue
        if mot in index.sigles_connus or _est_sigle_tape(original):
            question.inconnus.append(original)
            continue
        corrige = _correction(index, mot)
        if corrige is None:
            question.inconnus.append(original)
            continue
        racine_corrigee = index.vocabulaire[corrige][0]
        if racine_corrigee in vus:
            continue
        question.groupes.append(
            Groupe(original, {racine_corrigee: POIDS_CORRECTION}, [[racine_corrigee]], "correction")
        )
        question.corrections.append((original, corrige))
        vus.add(racine_corrigee)
    return question


# Classement ---------------------------------------------------------------------------------------


@dataclass
class Resultat:
    fiche: object  # guichet.connaissances.models.Fiche
    score: float
    extrait: SafeString
    tous_les_termes: bool = True
    rang_lexical: int | None = None
    rang_semantique: int | None = None
    ancre: str = ""  # le passage qui répond (guichet.connaissances.passages), "" : le début de la fiche
    titre_passage: str = ""

    @property
    def url(self) -> str:
        """La page de la fiche, ouverte au passage qui répond (onglet choisi, accordéon déplié)."""
        if not self.ancre:
            return self.fiche.get_absolute_url()
        return f"{self.fiche.get_absolute_url()}?passage={self.ancre}#{self.ancre}"


@dataclass
class Reponse:
    question: str
    resultats: list
    mode: str = "lexical"
    tous_les_termes: bool = True  # faux si l'on est passé à « n'importe quel terme »
    sigles: list = field(default_factory=list)
    corrections: list = field(default_factory=list)
    inconnus: list = field(default_factory=list)
    expressions: list = field(default_factory=list)
    retires: list = field(default_factory=list)
    total: int = 0
    avertissement: str = ""
    information: str = ""  # mode automatique sans plongements : pourquoi la recherche est lexicale
    duree_ms: float = 0.0


def _colonne(bm, racine: str):
    """(documents, scores) d'une racine dans un index bm25s : sa colonne de la matrice creuse des scores
    précalculés (ce que fait `get_scores`, sans tableau dense ni conversions par appel) ; None si absente."""
    ident = bm.vocab_dict.get(racine)
    if ident is None:
        return None
    debut, fin = bm.scores["indptr"][ident], bm.scores["indptr"][ident + 1]
    return bm.scores["indices"][debut:fin], bm.scores["data"][debut:fin]


def _scores(index: Index, question: Question):
    """Pour chaque fiche : score BM25 pondéré par champ plus celui de son meilleur passage, et nombre de groupes
    satisfaits ; pour chaque passage, son score (le passage à montrer sous le résultat).

    Une racine d'un groupe ne compte que dans les fiches où l'une des variantes qui la contiennent est présente
    (aux deux tiers : « carte d'identité » pour « carte nationale d'identité ») : le « première » de « tarif de
    première nécessité » ne fait pas remonter une « première demande de passeport »."""
    n = index.taille
    total = np.zeros(n, dtype=np.float32)
    couverture = np.zeros(n, dtype=np.int16)
    nombre_passages = len(index.passage_ancres)
    scores_passages = np.zeros(nombre_passages, dtype=np.float32)
    cache = {}

    def scores_de(racine):
        if racine not in cache:
            s = np.zeros(n, dtype=np.float32)
            for nom, bm in index.champs.items():
                colonne = _colonne(bm, racine)
                if colonne is not None:
                    s[colonne[0]] += CHAMPS[nom] * colonne[1]
            cache[racine] = s
        return cache[racine]

    comptees = set()
    for groupe in question.groupes:
        satisfait = np.zeros(n, dtype=bool)
        masques = {}
        for alternative in groupe.alternatives:
            presents = np.zeros(n, dtype=np.int16)
            for racine in alternative:
                presents += scores_de(racine) > 0
            ok = presents >= math.ceil(2 * len(alternative) / 3)
            satisfait |= ok
            for racine in alternative:
                masques[racine] = masques[racine] | ok if racine in masques else ok
        couverture += satisfait
        for racine, poids in groupe.poids.items():
            if racine in comptees:
                continue
            comptees.add(racine)
            masque = masques.get(racine)
            if masque is None:
                continue
            total += poids * np.where(masque, scores_de(racine), 0)
            colonne = _colonne(index.passages, racine) if index.passages is not None else None
            if colonne is not None:
                lignes, valeurs = colonne
                gardes = masque[index.passage_fiche[lignes]]
                scores_passages[lignes[gardes]] += poids * valeurs[gardes]
    if nombre_passages and POIDS_PASSAGE:
        # Chaque fiche a au moins un passage (son texte entier à défaut) : reduceat sur des tranches non vides.
        total += POIDS_PASSAGE * np.maximum.reduceat(scores_passages, index.passage_debut[:-1])
    return total, couverture, scores_passages


def _masque(index: Index, operateur=None, theme=None, types=None):
    masque = np.ones(index.taille, dtype=bool)
    if operateur:
        code = getattr(operateur, "code", operateur)
        masque &= np.fromiter((code in ops for ops in index.operateurs), dtype=bool, count=index.taille)
    if theme:
        ident = getattr(theme, "identifiant", theme)
        masque &= np.fromiter((ident in t for t in index.themes), dtype=bool, count=index.taille)
    if types:
        masque &= np.fromiter((d["type"] in types for d in index.documents), dtype=bool, count=index.taille)
    return masque


def classer_lexical(index: Index, question: Question, masque, strategie="douce"):
    """Les rangs des fiches (indices) qui ont au moins un terme de la question (jamais zéro résultat tant
    qu'un mot est connu), les fiches qui ont tous les mots favorisées.

    strategie :
    - « douce » (par défaut) : score BM25 × (part des termes présents)^0,5 — une fiche qui a tous les mots
      garde son score, une fiche qui n'en a que la moitié perd 30 % ;
    - « couverture » : le plus de termes d'abord, puis le score ;
    - « et-puis-ou » : tous les termes d'abord, puis n'importe lequel ;
    - « bm25 » : le score seul.
    bench/recherche.py compare les quatre (la stricte « tous les mots d'abord » classe moins bien : les mots
    de la langue parlée, « refaire », « toucher », pèsent alors autant que le sujet de la question)."""
    vide = np.zeros(0, dtype=np.float32)
    if not question.groupes:
        return np.array([], dtype=np.int64), np.zeros(0), np.zeros(0, dtype=bool), vide
    total, couverture, scores_passages = _scores(index, question)
    candidats = np.nonzero((total > 0) & masque)[0]
    if candidats.size == 0:
        return candidats, total, np.zeros(index.taille, dtype=bool), scores_passages
    complets = couverture == len(question.groupes)
    if strategie == "bm25":
        ordre = candidats[np.argsort(-total[candidats], kind="stable")]
    elif strategie == "douce":
        part = couverture[candidats] / len(question.groupes)
        ordre = candidats[np.argsort(-total[candidats] * part**EXPOSANT_COUVERTURE, kind="stable")]
    elif strategie == "et-puis-ou":
        ordre = candidats[np.lexsort((-total[candidats], ~complets[candidats]))]
    else:
        ordre = candidats[np.lexsort((-total[candidats], -couverture[candidats]))]
    return ordre, total, complets, scores_passages


def chercher(
    texte: str,
    limite: int = 10,
    operateur=None,
    theme=None,
    types=None,
    mode: str = "lexical",
    strategie: str = "douce",
    extraits: bool = True,
    index: Index | None = None,
    decalage: int = 0,
) -> Reponse:
    """La recherche complète : analyse, classement, fiches et extraits surlignés des `limite` résultats montrés
    (à partir du rang `decalage` : les pages suivantes).

    mode : « lexical », « hybride » (avertit s'il est indisponible) ou « auto » (hybride dès que les plongements
    sont calculés, lexical avant, sans avertissement mais en le disant dans `information`)."""
    from guichet.connaissances import semantique
    from guichet.connaissances.models import Fiche

    debut = time.perf_counter()
    index = index or index_courant()
    question = analyser(index, texte)
    reponse = Reponse(
        question=texte,
        resultats=[],
        mode="lexical",
        sigles=question.sigles,
        corrections=question.corrections,
        inconnus=question.inconnus,
        expressions=question.expressions,
        retires=question.retires,
    )
    if index.taille == 0:
        reponse.duree_ms = (time.perf_counter() - debut) * 1000
        return reponse
    # Le vecteur de la question (hybride) se calcule dans un autre fil pendant le classement lexical.
    vecteur = semantique.vecteur_en_fond(index, texte) if mode in ("hybride", "auto") else None
    masque = _masque(index, operateur, theme, types)
    ordre, total, complets, scores_passages = classer_lexical(index, question, masque, strategie)
    reponse.total = int(ordre.size)
    reponse.tous_les_termes = bool(ordre.size and complets[ordre[0]])
    rangs_lexicaux = {int(i): r for r, i in enumerate(ordre[:NOMBRE_CANDIDATS_HYBRIDE])}
    rangs_semantiques = {}
    if mode in ("hybride", "auto"):
        fusion = semantique.fusionner(index, texte, ordre, masque, vecteur)
        if fusion is None:
            if mode == "hybride":
                reponse.avertissement = semantique.raison_indisponible(index)
            else:
                reponse.information = semantique.raison_indisponible(index, auto=True)
        else:
            ordre, rangs_semantiques = fusion
            reponse.mode = "hybride"
            reponse.total = max(reponse.total, int(ordre.size))
    retenus = [int(i) for i in ordre[decalage : decalage + limite]]
    pks = [index.documents[i]["pk"] for i in retenus]
    # Une requête pour les fiches montrées, sans leur contenu ni leur texte (les extraits viennent de l'index).
    champs = ["pk", "identifiant", "type", "nature", "titre", "audience", "date", "description", "introduction"]
    champs += ["ressources", "url", "numero_cerfa", "url_source"]
    fiches = Fiche.objects.only(*champs).in_bulk(pks)
    extracteur = Extracteur(question.racines, index) if extraits else None
    for i in retenus:
        fiche = fiches.get(index.documents[i]["pk"])
        if fiche is None:  # supprimée depuis la construction de l'index
            continue
        rang_l = rangs_lexicaux.get(i)
        if reponse.mode == "hybride":
            score = semantique.score_rrf(rang_l, rangs_semantiques.get(i))
        else:
            score = float(total[i])
        resultat = Resultat(
            fiche=fiche,
            score=round(score, 4),
            extrait=mark_safe(""),
            tous_les_termes=bool(complets[i]) if complets.size else False,
            rang_lexical=rang_l,
            rang_semantique=rangs_semantiques.get(i),
        )
        if extraits:
            resultat.extrait, resultat.ancre, resultat.titre_passage = extrait_du_passage(
                fiche, i, extracteur, index, scores_passages
            )
        reponse.resultats.append(resultat)
    reponse.duree_ms = (time.perf_counter() - debut) * 1000
    return reponse


# Extraits surlignés -------------------------------------------------------------------------------


def _poids_racine(index: Index, racine: str) -> float:
    return math.log(1 + index.taille / (1 + index.df.get(racine, 0)))


def surligner(texte: str, racines_question: set) -> SafeString:
    """Le texte échappé, les mots dont la racine est dans la question entourés de <mark>."""
    morceaux = []
    position = 0
    for m in MOT_ORIGINAL.finditer(texte):
        if racines_du_mot(m.group()) & racines_question:
            morceaux.append(html.escape(texte[position : m.start()]))
            morceaux.append(f"<mark>{html.escape(m.group())}</mark>")
            position = m.end()
    morceaux.append(html.escape(texte[position:]))
    return mark_safe("".join(morceaux))


class Extracteur:
    """Le meilleur morceau d'un texte pour une question : poids des racines et motif de repérage calculés une fois
    par question, pour les extraits de tous ses résultats."""

    def __init__(self, racines_question: set, index: Index):
        self.racines = racines_question
        self.poids = {r: _poids_racine(index, r) for r in racines_question if len(r) >= 2}
        motif = "|".join(re.escape(r) for r in sorted(self.poids, key=len, reverse=True))
        self.motif = re.compile(motif) if motif else None

    def meilleure_ligne(self, texte: str) -> str:
        """La ligne (paragraphe, titre de section, ligne de tableau) de `texte` qui porte le plus de poids de la
        question ; la première ligne si aucune n'en porte.

        Une passe d'expression régulière sur le texte normalisé repère les racines (approximation par
        sous-chaîne) ; les quelques lignes les mieux placées sont ensuite vérifiées mot à mot."""
        texte = texte.replace("\r", " ")
        lignes = texte.split("\n")
        premiere = next((ligne for ligne in lignes if ligne.strip()), "")
        normal = normaliser(texte)  # garde les sauts de ligne (et donc la numérotation des lignes)
        if self.motif is None or normal.count("\n") != len(lignes) - 1:
            return premiere
        poids = self.poids
        debuts = [0] + [m.end() for m in re.finditer("\n", normal)]
        par_ligne: dict[int, set] = {}
        for m in self.motif.finditer(normal):
            par_ligne.setdefault(bisect.bisect_right(debuts, m.start()) - 1, set()).add(m.group())
        approches = sorted(par_ligne, key=lambda i: (-sum(poids[r] for r in par_ligne[i]), i))[:4]
        meilleur, meilleur_score = premiere, 0.0
        for i in approches:
            ligne = lignes[i]
            presentes = {r for mot in MOT_ORIGINAL.findall(ligne) for r in racines_du_mot(mot) if r in poids}
            score = sum(poids[r] for r in presentes) - 0.002 * max(0, len(ligne) - 400)
            if score > meilleur_score:
                meilleur, meilleur_score = ligne, score
        return meilleur

    def extrait(self, texte: str) -> SafeString:
        """La meilleure ligne de `texte`, coupée autour du premier mot de la question et surlignée."""
        return surligner(_couper(self.meilleure_ligne(texte), self.racines), self.racines)


def _couper(texte: str, racines_question: set) -> str:
    if len(texte) <= LONGUEUR_EXTRAIT:
        return texte
    premier = None
    for m in MOT_ORIGINAL.finditer(texte):
        if racines_du_mot(m.group()) & racines_question:
            premier = m.start()
            break
    debut = 0 if premier is None or premier < LONGUEUR_EXTRAIT // 3 else premier - LONGUEUR_EXTRAIT // 3
    if debut:
        espace = texte.find(" ", debut)
        debut = espace + 1 if 0 <= espace < premier else debut
    fin = debut + LONGUEUR_EXTRAIT
    if fin < len(texte):
        espace = texte.rfind(" ", debut, fin)
        fin = espace if espace > debut else fin
    return ("… " if debut else "") + texte[debut:fin].strip() + (" …" if fin < len(texte) else "")


def extrait_du_passage(fiche, i: int, extracteur: Extracteur, index: Index, scores_passages) -> tuple:
    """(extrait surligné, ancre, titre du passage) : la meilleure ligne du passage de la fiche i qui a le mieux
    répondu (texte gardé par l'index : la fiche entière n'est pas relue) ; sa description et son introduction si
    aucun passage ne contient un mot de la question (la question répond alors au titre ou au résumé)."""
    a, b = int(index.passage_debut[i]), int(index.passage_debut[i + 1])
    if scores_passages.size and b > a:
        p = a + int(np.argmax(scores_passages[a:b]))
        if scores_passages[p] > 0:
            return extracteur.extrait(index.passage_textes[p]), index.passage_ancres[p], index.passage_titres[p]
    return extracteur.extrait(f"{fiche.description}\n{fiche.introduction}".strip()), "", ""
