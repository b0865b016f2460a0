"""La lecture d'un fichier de structures (CSV, GeoJSON ou liste JSON) : des lignes numérotées.

Rien n'est validé ici, sinon la forme du fichier : ce qui ne peut pas du tout être lu lève
`FichierIllisible` avec un message en français qui situe le défaut (ligne, élément).
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from guichet.texte import replier

NATIONAL = "national"
LMN = "lmn"
FORMATS = (NATIONAL, LMN)


class FichierIllisible(Exception):
    """Le fichier ne peut pas être lu du tout : rien n'est importé."""


def cle_colonne(nom: str) -> str:
    """Forme de comparaison d'un nom de colonne : minuscules, sans accents, `.`/espaces/tirets → `_`."""
    nom = replier(str(nom).replace("\ufeff", ""))
    return re.sub(r"[^a-z0-9]+", "_", nom).strip("_")


@dataclass
class Source:
    """Le contenu brut d'un fichier : les en-têtes dans l'ordre, et les lignes numérotées."""

    nature: str  # "csv", "geojson" ou "json"
    colonnes: list[str]
    lignes: list[tuple[int, dict]]
    avertissements: list[str] = field(default_factory=list)

    @property
    def unite(self) -> str:
        return "ligne" if self.nature == "csv" else "élément"


def lire_fichier(chemin) -> Source:
    chemin = Path(chemin)
    try:
        brut = chemin.read_bytes()
    except OSError as exc:
        raise FichierIllisible(f"Impossible de lire le fichier {chemin} : {exc.strerror or exc}.") from exc
    avertissements = []
    try:
        texte = brut.decode("utf-8-sig")
    except UnicodeDecodeError:
        texte = brut.decode("cp1252", errors="replace")
        avertissements.append("le fichier n'est pas en UTF-8 : lu comme Windows-1252 (cp1252), vérifiez les accents")
    debut = texte.lstrip()[:1]
    if debut in ("{", "["):
        source = _lire_json(texte, chemin)
    elif chemin.suffix.lower() in (".json", ".geojson"):
        raise FichierIllisible(f"Le fichier {chemin.name} n'est pas un JSON valide.")
    else:
        source = _lire_csv(texte, chemin)
    source.avertissements = avertissements + source.avertissements
    return source


def _lire_csv(texte: str, chemin: Path) -> Source:
    premiere = texte.split("\n", 1)[0]
    if "\x00" in texte or not premiere.strip():
        raise FichierIllisible(f"Le fichier {chemin.name} n'est ni un CSV ni un GeoJSON lisible.")
    delimiteur = max([";", ",", "\t"], key=premiere.count)
    if premiere.count(delimiteur) == 0:
        raise FichierIllisible(
            f"Le fichier {chemin.name} n'est ni un CSV (séparateur « ; » ou « , ») ni un GeoJSON lisible."
        )
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=delimiteur)
    try:
        colonnes = [c.strip() for c in next(lecteur)]
        lignes = []
        for numero, valeurs in enumerate(lecteur, start=2):
            if not any(v.strip() for v in valeurs):
                continue
            lignes.append((numero, dict(zip(colonnes, valeurs, strict=False))))
    except csv.Error as exc:
        raise FichierIllisible(f"Le fichier {chemin.name} n'est pas un CSV valide : {exc}.") from exc
    return Source("csv", colonnes, lignes)


def _lire_json(texte: str, chemin: Path) -> Source:
    try:
        donnees = json.loads(texte)
    except json.JSONDecodeError as exc:
        raise FichierIllisible(
            f"Le fichier {chemin.name} n'est pas un JSON valide : {exc.msg}, ligne {exc.lineno}."
        ) from exc
    except RecursionError as exc:
        raise FichierIllisible(
            f"Le fichier {chemin.name} imbrique trop de crochets ou d'accolades pour être un GeoJSON ou une "
            "liste de lieux : fichier refusé."
        ) from exc
    except ValueError as exc:  # un entier de milliers de chiffres, que Python refuse de convertir
        raise FichierIllisible(f"Le fichier {chemin.name} n'est pas un JSON lisible : nombre démesuré.") from exc
    if isinstance(donnees, dict) and donnees.get("type") == "FeatureCollection":
        return _lire_geojson(donnees, chemin)
    if isinstance(donnees, list):
        for rang, objet in enumerate(donnees, start=1):
            if not isinstance(objet, dict):
                raise FichierIllisible(
                    f"Le fichier {chemin.name} : l'élément {rang} de la liste n'est pas un objet JSON "
                    f"(trouvé : {_nature(objet)}) ; attendu un lieu {{« id », « nom », …}}."
                )
        lignes = list(enumerate(donnees, start=1))
        return Source("json", _colonnes(lignes), lignes)
    raise FichierIllisible(
        f"Le fichier {chemin.name} n'est ni une FeatureCollection GeoJSON ni une liste JSON de lieux."
    )


def _lire_geojson(donnees: dict, chemin: Path) -> Source:
    """Les propriétés de chaque « Feature », et la position de sa géométrie si c'est un point."""
    objets = donnees.get("features")
    if objets is None:
        objets = []
    if not isinstance(objets, list):
        raise FichierIllisible(
            f"Le fichier {chemin.name} : « features » doit être une liste d'objets GeoJSON "
            f"(trouvé : {_nature(objets)})."
        )
    lignes = []
    for rang, objet in enumerate(objets, start=1):
        if not isinstance(objet, dict):
            raise FichierIllisible(
                f"Le fichier {chemin.name} : l'élément {rang} de « features » n'est pas un objet GeoJSON "
                f"(trouvé : {_nature(objet)})."
            )
        proprietes = objet.get("properties")
        if proprietes is not None and not isinstance(proprietes, dict):
            raise FichierIllisible(
                f"Le fichier {chemin.name} : élément {rang} de « features », « properties » doit être un objet "
                f"(trouvé : {_nature(proprietes)})."
            )
        proprietes = dict(proprietes or {})
        geometrie = objet.get("geometry")
        if geometrie is not None and not isinstance(geometrie, dict):
            raise FichierIllisible(
                f"Le fichier {chemin.name} : élément {rang} de « features », « geometry » doit être un objet "
                f"(trouvé : {_nature(geometrie)})."
            )
        geometrie = geometrie or {}
        coordonnees = geometrie.get("coordinates")
        if geometrie.get("type") == "Point" and coordonnees is not None:
            if not isinstance(coordonnees, list) or len(coordonnees) < 2:
                raise FichierIllisible(
                    f"Le fichier {chemin.name} : élément {rang} de « features », les coordonnées d'un point "
                    f"sont une liste [longitude, latitude] (trouvé : {_nature(coordonnees)})."
                )
            proprietes["__longitude__"], proprietes["__latitude__"] = (_scalaire(v) for v in coordonnees[:2])
        lignes.append((rang, proprietes))
    return Source("geojson", _colonnes(lignes), lignes)


def _scalaire(valeur) -> str | None:
    """Une coordonnée telle qu'écrite (texte), pour que la validation la juge comme une cellule de CSV."""
    if valeur is None:
        return None
    if isinstance(valeur, bool) or not isinstance(valeur, (int, float, str)):
        return json.dumps(valeur, ensure_ascii=False)[:40]
    return str(valeur)


def _nature(valeur) -> str:
    if isinstance(valeur, bool):
        return "booléen"
    if isinstance(valeur, (int, float)):
        return f"nombre {valeur}"
    if isinstance(valeur, str):
        return f"texte « {valeur[:30]} »"
    if isinstance(valeur, list):
        return "liste"
    if isinstance(valeur, dict):
        return "objet"
    return "null"


def _colonnes(lignes) -> list[str]:
    vues = {}
    for _, proprietes in lignes:
        for cle in proprietes:
            if not cle.startswith("__"):
                vues.setdefault(cle, None)
    return list(vues)


def detecter_format(source: Source) -> str:
    cles = {cle_colonne(c) for c in source.colonnes}
    if "matricule" in cles:
        return NATIONAL
    if {"id", "nom"} <= cles and cles & {"pivot", "date_maj", "code_insee", "services", "commune"}:
        return LMN
    raise FichierIllisible(
        "Colonne MATRICULE absente : ce fichier n'est ni la liste nationale des France Services "
        "ni un export au schéma des lieux de médiation numérique."
    )
