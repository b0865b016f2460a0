"""Import de la liste nationale des France Services (open data ANCT, CSV ou GeoJSON).

Les fichiers réels sont imparfaits : chaque ligne est validée, ce qui peut être corrigé l'est avec un
avertissement, le reste est rejeté en nommant la ligne et le champ. Par défaut l'import est entier ou
n'est pas : une seule ligne rejetée et rien n'est écrit.

Le même outillage (lecture, `Rapport`, `Ligne`, résolution des communes, coordonnées, écriture) sert à
l'import du schéma des lieux de médiation numérique (`guichet.reseau.lmn`).
"""

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from guichet.reseau.horaires import lire_semaine
from guichet.reseau.models import Creneau, HistoriqueStatut, Jour, Structure
from guichet.territoires.models import CodePostal, Commune
from guichet.territoires.services import normaliser_nom
from guichet.texte import replier

NATIONAL = "national"
LMN = "lmn"
FORMATS = (NATIONAL, LMN)

VALEURS_VIDES = {"", "na", "n/a", "n.a.", "n.a", "-", "--", "null", "none", "nan", "#n/a", "?"}
JOURS = [jour.label for jour in Jour]  # lundi … dimanche, dans l'ordre des numéros
TAILLE_PAQUET = 500


class FichierIllisible(Exception):
    """Le fichier ne peut pas être lu du tout : rien n'est importé."""


# --- Le rapport ----------------------------------------------------------------------------------


@dataclass
class Rapport:
    """Ce que l'import a lu, écrit, rejeté et signalé. `row` : numéro de ligne du CSV (en-tête = 1)
    ou rang de l'objet (1 = le premier) pour le GeoJSON et le JSON ; `None` pour le fichier entier."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    unite: str = "ligne"
    ecrit: bool = False
    simulation: bool = False

    def rejeter(self, row, matricule, champ, erreur):
        self.rejected.append({"row": row, "matricule": matricule, "field": champ, "error": erreur})

    def signaler(self, row, matricule, champ, erreur):
        self.warnings.append({"row": row, "matricule": matricule, "field": champ, "error": erreur})

    @property
    def lignes_rejetees(self) -> list[int]:
        return sorted({r["row"] for r in self.rejected if r["row"] is not None})

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "warnings": self.warnings,
        }

    def _situer(self, entree) -> str:
        if entree["row"] is None:
            return f"fichier, colonne {entree['field']}"
        return f"{self.unite} {entree['row']}, champ {entree['field']}"

    def texte(self) -> str:
        """Le compte rendu en français, pour un humain."""
        lignes = [
            f"{self.rows} {self.unite}s dans le fichier : {self.created} structures créées, "
            f"{self.updated} mises à jour ; {len(self.lignes_rejetees)} {self.unite}s rejetées ; "
            f"{len(self.warnings)} avertissements."
        ]
        if self.simulation:
            lignes.append("Simulation (--dry-run) : rien n'a été enregistré ; les nombres sont ceux d'un import réel.")
        elif not self.ecrit and self.rejected:
            lignes.append(
                "Rien n'a été enregistré : corrigez les lignes rejetées, "
                "ou relancez avec --skip-invalid pour importer les lignes valides."
            )
        if self.rejected:
            lignes.append("")
            lignes.append("Rejets :")
            lignes += [f"  {self._situer(r)} : {r['error']}" for r in self.rejected]
        if self.warnings:
            lignes.append("")
            lignes.append("Avertissements :")
            lignes += [f"  {self._situer(a)} : {a['error']}" for a in self.warnings]
        return "\n".join(lignes)


# --- La lecture du fichier -----------------------------------------------------------------------


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
    if isinstance(donnees, dict) and donnees.get("type") == "FeatureCollection":
        lignes = []
        for rang, objet in enumerate(donnees.get("features") or [], start=1):
            proprietes = dict((objet or {}).get("properties") or {})
            geometrie = (objet or {}).get("geometry") or {}
            if geometrie.get("type") == "Point" and len(geometrie.get("coordinates") or []) >= 2:
                proprietes["__longitude__"], proprietes["__latitude__"] = geometrie["coordinates"][:2]
            lignes.append((rang, proprietes))
        return Source("geojson", _colonnes(lignes), lignes)
    if isinstance(donnees, list) and all(isinstance(o, dict) for o in donnees):
        lignes = list(enumerate(donnees, start=1))
        return Source("json", _colonnes(lignes), lignes)
    raise FichierIllisible(
        f"Le fichier {chemin.name} n'est ni une FeatureCollection GeoJSON ni une liste JSON de lieux."
    )


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


# --- La validation d'une ligne -------------------------------------------------------------------


class Colonnes:
    """Correspondance entre les champs attendus et les en-têtes réels du fichier (casse, `.`, `_`)."""

    def __init__(self, source: Source, attendus: dict[str, tuple[str, ...]], rapport: Rapport):
        self.entetes = {}  # champ attendu → en-tête du fichier
        alias = {cle_colonne(a): champ for champ, noms in attendus.items() for a in (champ, *noms)}
        self.noms = {champ: noms[0] if noms else champ for champ, noms in attendus.items()}
        for entete in source.colonnes:
            champ = alias.get(cle_colonne(entete))
            if champ is None:
                rapport.signaler(None, None, entete, "colonne inconnue, ignorée")
            elif champ not in self.entetes:
                self.entetes[champ] = entete

    def __contains__(self, champ):
        return champ in self.entetes

    def nom(self, champ) -> str:
        """Le nom du champ tel qu'il apparaît dans le fichier (pour les messages)."""
        return self.entetes.get(champ) or self.noms.get(champ, champ)


class Ligne:
    """Une ligne en cours de validation : lit les cellules, consigne avertissements et erreurs."""

    def __init__(self, numero: int, cellules: dict, colonnes: Colonnes, rapport: Rapport):
        self.numero = numero
        self.cellules = cellules
        self.colonnes = colonnes
        self.rapport = rapport
        self.matricule = None
        self.invalide = False

    def brut(self, champ):
        entete = self.colonnes.entetes.get(champ)
        return None if entete is None else self.cellules.get(entete)

    def texte(self, champ) -> str | None:
        """La cellule nettoyée, ou None si elle est vide (`NA`, `N/A`, `-`…)."""
        valeur = self.brut(champ)
        if valeur is None:
            return None
        if isinstance(valeur, list):
            valeur = "|".join(str(v) for v in valeur)
        valeur = " ".join(str(valeur).split())
        return None if valeur.lower() in VALEURS_VIDES else valeur

    def texte_borne(self, champ, longueur: int) -> str | None:
        valeur = self.texte(champ)
        if valeur and len(valeur) > longueur:
            self.signaler(champ, f"texte de {len(valeur)} caractères tronqué à {longueur}")
            valeur = valeur[:longueur]
        return valeur

    def signaler(self, champ, message):
        self.rapport.signaler(self.numero, self.matricule, self.colonnes.nom(champ), message)

    def erreur(self, champ, message):
        self.invalide = True
        self.rapport.rejeter(self.numero, self.matricule, self.colonnes.nom(champ), message)


ABSENT = object()


@dataclass
class Fiche:
    """Une structure validée, prête à être écrite. `valeurs` ne contient que les champs fournis."""

    numero: int
    matricule: str
    valeurs: dict
    statut: str = Structure.Statut.LABELLISEE
    creneaux: list | None = None  # None : le fichier ne dit rien des horaires, on n'y touche pas
    horaires_source: dict | None = None
    structure_mere: object = ABSENT  # matricule de l'espace parent, None pour aucun, ABSENT : inchangé


# --- Les contrôles réutilisables -----------------------------------------------------------------


# Emprises (lat_min, lat_max, lon_min, lon_max) de la France métropolitaine et des outre-mer.
EMPRISES_FRANCE = [
    (41.2, 51.3, -5.5, 9.8),  # métropole et Corse
    (15.8, 18.2, -63.3, -60.8),  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    (14.3, 15.0, -61.3, -60.7),  # Martinique
    (2.0, 6.0, -54.8, -51.5),  # Guyane
    (-21.5, -20.8, 55.1, 56.0),  # La Réunion
    (-13.1, -12.5, 44.9, 45.4),  # Mayotte
    (46.7, 47.2, -56.5, -56.0),  # Saint-Pierre-et-Miquelon
    (-23.0, -19.5, 163.5, 168.3),  # Nouvelle-Calédonie
    (-28.0, -7.0, -155.0, -134.0),  # Polynésie française
    (-14.5, -13.1, -178.3, -176.0),  # Wallis-et-Futuna
]


def en_france(lat: float, lon: float) -> bool:
    return any(a <= lat <= b and c <= lon <= d for a, b, c, d in EMPRISES_FRANCE)


def lire_nombre(texte) -> float | None:
    if texte is None:
        return None
    try:
        return float(str(texte).replace(",", ".").replace(" ", ""))
    except ValueError:
        return None


def lire_position(ligne: Ligne, commune, champ_lat, champ_lon, lat=None, lon=None):
    """(latitude, longitude, approchée) ; à défaut de coordonnées utilisables, le point de la commune."""
    lat = lire_nombre(ligne.texte(champ_lat) if lat is None else lat)
    lon = lire_nombre(ligne.texte(champ_lon) if lon is None else lon)
    if lat is not None and lon is not None:
        if en_france(lat, lon):
            return lat, lon, False
        if en_france(lon, lat):
            ligne.signaler(champ_lat, f"latitude et longitude inversées ({lat}, {lon}) : remises dans l'ordre")
            return lon, lat, False
        motif = f"coordonnées ({lat}, {lon}) hors de France"
    elif ligne.texte(champ_lat) or ligne.texte(champ_lon):
        motif = f"coordonnées illisibles ({ligne.texte(champ_lat)}, {ligne.texte(champ_lon)})"
    else:
        motif = "coordonnées absentes"
    if commune is None:
        return None
    if commune.latitude is None or commune.longitude is None:
        ligne.erreur(champ_lat, f"{motif}, et la commune {commune.nom} n'a pas de point de référence")
        return None
    ligne.signaler(champ_lat, f"{motif} : point de la commune {commune.nom} utilisé (position approchée)")
    return commune.latitude, commune.longitude, True


def lire_courriel(ligne: Ligne, champ, valeur=ABSENT) -> str | None:
    """Le premier courriel valide ; les autres sont signalés et écartés. None si rien d'utilisable."""
    valeur = ligne.texte(champ) if valeur is ABSENT else valeur
    if not valeur:
        return None
    retenu = None
    for candidat in re.split(r"[;,|\s]+", valeur):
        candidat = candidat.strip().strip("<>").removeprefix("mailto:")
        if not candidat:
            continue
        try:
            validate_email(candidat)
        except ValidationError:
            ligne.signaler(champ, f"courriel « {candidat} » invalide, ignoré")
            continue
        if retenu is None and len(candidat) <= 254:
            retenu = candidat.lower()
        else:
            ligne.signaler(champ, f"courriel supplémentaire « {candidat} » ignoré (un seul est conservé)")
    return retenu


def lire_telephone(ligne: Ligne, champ) -> str | None:
    valeur = ligne.texte(champ)
    if not valeur:
        return None
    chiffres = re.sub(r"[^\d+]", "", valeur)
    if re.fullmatch(r"\+33\d{9}", chiffres):
        chiffres = "0" + chiffres[3:]
    if re.fullmatch(r"[1-9]\d{8}", chiffres):
        ligne.signaler(champ, f"téléphone « {valeur} » à 9 chiffres : zéro initial rétabli")
        chiffres = "0" + chiffres
    if re.fullmatch(r"0\d{9}", chiffres):
        return " ".join(chiffres[i : i + 2] for i in range(0, 10, 2))
    if len(valeur) > 30 or not re.search(r"\d{4}", chiffres):
        ligne.signaler(champ, f"téléphone « {valeur} » illisible, ignoré")
        return None
    return valeur


def lire_contacts(ligne: Ligne, valeurs: dict, champ_email: str, champ_telephone: str = "telephone") -> None:
    """Courriel et téléphone des colonnes présentes : une valeur illisible est signalée et la valeur
    enregistrée reste telle quelle ; une cellule vide efface la valeur."""
    for cle, champ, lire in (("email", champ_email, lire_courriel), ("telephone", champ_telephone, lire_telephone)):
        if champ in ligne.colonnes:
            lu = lire(ligne, champ)
            if lu or not ligne.texte(champ):
                valeurs[cle] = lu or ""


def lire_date(ligne: Ligne, champ) -> date | None:
    valeur = ligne.texte(champ)
    if not valeur:
        return None
    for forme in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y", "%Y/%m/%d"):
        try:
            return datetime.strptime(valeur[:10] if forme.startswith("%Y") else valeur, forme).date()
        except ValueError:
            continue
    ligne.signaler(champ, f"date « {valeur} » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ), ignorée")
    return None


def code_sur(valeur: str | None, longueur: int = 5) -> str | None:
    """Un code INSEE ou postal dont un tableur a mangé le zéro initial (« 1053 » → « 01053 »)."""
    if not valeur:
        return None
    valeur = valeur.replace(" ", "").upper()
    if valeur.endswith(".0"):
        valeur = valeur[:-2]
    if valeur.isdigit() and len(valeur) == longueur - 1:
        valeur = "0" + valeur
    return valeur


class Referentiel:
    """Les communes et codes postaux, chargés une fois en mémoire pour tout le fichier."""

    def __init__(self):
        communes = Commune.objects.only("id", "code", "nom", "nom_normalise", "latitude", "longitude")
        self.par_code = {c.code: c for c in communes}
        par_id = {c.pk: c for c in self.par_code.values()}
        self.par_cp = defaultdict(list)
        for code, commune_id in CodePostal.objects.values_list("code", "commune_id"):
            self.par_cp[code].append(par_id[commune_id])
        self.par_nom = defaultdict(list)
        for commune in self.par_code.values():
            self.par_nom[commune.nom_normalise].append(commune)

    def _par_cp_et_nom(self, cp, nom_normalise, departement):
        candidates = self.par_cp.get(cp, []) if cp else []
        if nom_normalise:
            homonymes = [c for c in candidates if c.nom_normalise == nom_normalise]
            if not homonymes and departement:
                homonymes = [c for c in self.par_nom.get(nom_normalise, []) if c.code.startswith(departement)]
            return homonymes[0] if len(homonymes) == 1 else None
        return candidates[0] if len(candidates) == 1 else None

    def resoudre(self, ligne: Ligne, *, champ_insee, champ_cp, champ_nom, insee=ABSENT, cp=None, nom=None):
        """La commune de la ligne : par son code INSEE, sinon par code postal et nom normalisé."""
        insee = code_sur(ligne.texte(champ_insee) if insee is ABSENT else insee)
        cp = cp or code_sur(ligne.texte(champ_cp))
        nom = nom or ligne.texte(champ_nom)
        nom_normalise = normaliser_nom(nom) if nom else None
        departement = (insee or cp or "")[:2] or None
        commune = self.par_code.get(insee) if insee else None
        if commune is not None:
            if nom_normalise and commune.nom_normalise != nom_normalise:
                autre = self._par_cp_et_nom(cp, nom_normalise, departement)
                if autre is not None and autre != commune:
                    ligne.signaler(
                        champ_insee,
                        f"code INSEE {insee} ({commune.nom}) incohérent avec « {nom} » {cp or ''} : "
                        f"commune {autre.nom} ({autre.code}) retenue".replace("  ", " "),
                    )
                    return autre
            return commune
        trouvee = self._par_cp_et_nom(cp, nom_normalise, departement)
        debut = f"code INSEE {insee} inconnu" if insee else "code INSEE absent"
        if trouvee is not None:
            ligne.signaler(
                champ_insee,
                f"{debut} : commune {trouvee.nom} ({trouvee.code}) retrouvée par code postal et nom",
            )
            return trouvee
        ligne.erreur(
            champ_insee,
            f"{debut}, et aucune commune « {nom or '?'} » de code postal {cp or '?'} : commune introuvable",
        )
        return None


def creneaux_lus(ligne: Ligne, lecture, champs: dict[str, str], defaut: str) -> list | None:
    """Les créneaux (jour, début, fin, sur_rdv) d'une `Lecture` d'horaires ; None si aucun jour n'est connu.

    Chaque fragment non compris (ou seulement deviné) devient un avertissement qui nomme le champ de
    son jour (`champs` : « mardi » → « h_mardi ») quand la lecture le préfixe du jour, sinon `defaut`.
    """
    for fragment in lecture.non_lus:
        jour, separateur, _ = fragment.partition(" : ")
        champ = champs.get(jour, defaut) if separateur else defaut
        ligne.signaler(champ, f"horaires non compris ou seulement devinés : « {fragment} »")
    if not lecture.jours:
        return None
    creneaux = []
    for jour, intervalles in sorted(lecture.jours.items()):
        for intervalle in intervalles:
            if not (isinstance(intervalle.debut, time) and intervalle.debut < intervalle.fin):
                ligne.signaler(champs.get(JOURS[jour], defaut), f"créneau {intervalle} incohérent, ignoré")
                continue
            creneaux.append((jour, intervalle.debut, intervalle.fin, bool(intervalle.sur_rdv)))
    return creneaux


# --- La liste nationale --------------------------------------------------------------------------

COLONNES_NATIONALES = {
    "matricule": ("MATRICULE",),
    "departement": ("DEPARTEMENT", "dep", "code_departement"),
    "nom": ("lib_france_services", "lib_fs", "nom_france_services"),
    "adresse": ("ADRESSE",),
    "complement_adresse": ("COMPLEMENT.D.ADRESSE", "complement_adresse", "complement_d_adresse"),
    "code_postal": ("code_postal", "cp"),
    "lib_com": ("lib_com", "commune", "libelle_commune"),
    "insee_com": ("insee_com", "code_insee", "insee"),
    "latitude": ("LATITUDE", "lat"),
    "longitude": ("LONGITUDE", "lon", "lng"),
    "email": ("CONTACT.MAIL", "mail", "email", "courriel"),
    "telephone": ("TELEPHONE", "tel"),
    "type_porteur": ("TYPE.STRUCTURE.PORTEUSE", "type_porteur"),
    "nom_porteur": ("STRUCTURE.PORTEUSE", "porteur"),
    **{f"h_{jour}": (f"h_{jour}",) for jour in JOURS},
    "itinerance": ("ITINERANCE",),
    "format_fs": ("FORMAT_FS", "format"),
    "labellisation": ("Labellisation", "date_labellisation"),
}

TYPES_PORTEURS = {
    "collectivite territoriale": Structure.TypePorteur.COLLECTIVITE,
    "collectivite": Structure.TypePorteur.COLLECTIVITE,
    "commune": Structure.TypePorteur.COLLECTIVITE,
    "mairie": Structure.TypePorteur.COLLECTIVITE,
    "epci": Structure.TypePorteur.COLLECTIVITE,
    "communaute de communes": Structure.TypePorteur.COLLECTIVITE,
    "communaute d agglomeration": Structure.TypePorteur.COLLECTIVITE,
    "departement": Structure.TypePorteur.COLLECTIVITE,
    "conseil departemental": Structure.TypePorteur.COLLECTIVITE,
    "region": Structure.TypePorteur.COLLECTIVITE,
    "ccas": Structure.TypePorteur.COLLECTIVITE,
    "cias": Structure.TypePorteur.COLLECTIVITE,
    "la poste": Structure.TypePorteur.LA_POSTE,
    "groupe la poste": Structure.TypePorteur.LA_POSTE,
    "association": Structure.TypePorteur.ASSOCIATION,
    "etat sous prefecture": Structure.TypePorteur.ETAT,
    "etat": Structure.TypePorteur.ETAT,
    "sous prefecture": Structure.TypePorteur.ETAT,
    "prefecture": Structure.TypePorteur.ETAT,
    "msa": Structure.TypePorteur.MSA,
}

OUI = {"oui", "o", "1", "true", "vrai", "yes", "x"}
NON = {"non", "n", "0", "false", "faux", "no"}


def lire_matricule(ligne: Ligne, champ: str, libelle: str, precision: str = "") -> str:
    """Le matricule de la ligne (noté sur la ligne pour le rapport) ; absent ou trop long : erreur."""
    matricule = ligne.texte(champ)
    ligne.matricule = matricule
    if not matricule:
        ligne.erreur(champ, f"{libelle} absent")
    elif len(matricule) > 40:
        ligne.erreur(champ, f"{libelle} de {len(matricule)} caractères (40 au plus{precision})")
    return matricule


def _cle_libre(texte: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", normaliser_nom(texte)).split())


def valider_ligne_nationale(ligne: Ligne, referentiel: Referentiel, cellules_geo: dict) -> Fiche | None:
    valeurs = {}
    matricule = lire_matricule(ligne, "matricule", "matricule")
    nom = ligne.texte_borne("nom", 255)
    if not nom:
        ligne.erreur("nom", "nom de la France Services absent")
    valeurs["nom"] = nom

    commune = referentiel.resoudre(ligne, champ_insee="insee_com", champ_cp="code_postal", champ_nom="lib_com")
    valeurs["commune"] = commune
    if "code_postal" in ligne.colonnes:
        cp = code_sur(ligne.texte("code_postal"))
        if cp and not re.fullmatch(r"\d{5}", cp):
            ligne.signaler("code_postal", f"code postal « {cp} » invalide, ignoré")
        else:
            valeurs["code_postal"] = cp or ""
    for champ in ("adresse", "complement_adresse", "nom_porteur"):
        if champ in ligne.colonnes:
            valeurs[champ] = ligne.texte_borne(champ, 255) or ""

    position = lire_position(
        ligne,
        commune,
        "latitude",
        "longitude",
        lat=cellules_geo.get("__latitude__"),
        lon=cellules_geo.get("__longitude__"),
    )
    if position:
        valeurs["latitude"], valeurs["longitude"], valeurs["position_approchee"] = position

    lire_contacts(ligne, valeurs, champ_email="email")

    if "type_porteur" in ligne.colonnes:
        type_texte = ligne.texte("type_porteur")
        type_porteur = TYPES_PORTEURS.get(_cle_libre(type_texte)) if type_texte else None
        if type_texte and type_porteur is None:
            ligne.signaler("type_porteur", f"type de structure porteuse « {type_texte} » inconnu : « autre » retenu")
        valeurs["type_porteur"] = type_porteur or Structure.TypePorteur.AUTRE

    if "itinerance" in ligne.colonnes:
        itinerance = (ligne.texte("itinerance") or "non").lower()
        if itinerance not in OUI | NON:
            ligne.signaler("itinerance", f"valeur « {itinerance} » non comprise (attendu Oui ou Non) : fixe retenu")
        valeurs["forme"] = Structure.Forme.ITINERANTE if itinerance in OUI else Structure.Forme.FIXE

    if "format_fs" in ligne.colonnes:
        format_texte = ligne.texte("format_fs")
        cle = _cle_libre(format_texte or "")
        if cle.startswith("antenne"):
            valeurs["format"] = Structure.Format.ANTENNE
        else:
            if format_texte and not cle.startswith("espace"):
                ligne.signaler("format_fs", f"format « {format_texte} » inconnu : « Espace labellisé » retenu")
            valeurs["format"] = Structure.Format.ESPACE

    date_labellisation = lire_date(ligne, "labellisation")
    if date_labellisation:
        valeurs["date_labellisation"] = date_labellisation

    # Les cellules d'horaires vont brutes au lecteur d'horaires : « - » y veut dire « fermé ».
    champs_horaires = {jour: f"h_{jour}" for jour in JOURS if f"h_{jour}" in ligne.colonnes}
    cellules = {jour: str(ligne.brut(champ) or "").strip() or None for jour, champ in champs_horaires.items()}
    horaires_source = {jour: texte for jour, texte in cellules.items() if texte} or None
    creneaux = None
    if horaires_source:
        creneaux = creneaux_lus(ligne, lire_semaine(cellules), champs_horaires, "horaires")

    if ligne.invalide:
        return None
    return Fiche(ligne.numero, matricule, valeurs, creneaux=creneaux, horaires_source=horaires_source)


# --- L'import ------------------------------------------------------------------------------------


def importer(chemin, *, format=None, dry_run=False, skip_invalid=False) -> Rapport:
    """Lit, valide et (sauf rejet sans `skip_invalid`, ou `dry_run`) écrit les structures du fichier.

    `format` : « national » (liste ANCT), « lmn » (schéma des lieux de médiation numérique) ou None
    pour le reconnaître aux colonnes.
    """
    source = lire_fichier(chemin)
    format = format or detecter_format(source)
    rapport = Rapport()
    rapport.unite = source.unite
    rapport.simulation = dry_run
    for message in source.avertissements:
        rapport.signaler(None, None, "encodage", message)
    if format == LMN:
        from guichet.reseau.lmn import COLONNES_LMN, valider_ligne_lmn

        attendus, valider = COLONNES_LMN, valider_ligne_lmn
    else:
        attendus, valider = COLONNES_NATIONALES, valider_ligne_nationale
    colonnes = Colonnes(source, attendus, rapport)
    if format == NATIONAL and "matricule" not in colonnes:
        raise FichierIllisible("Colonne MATRICULE absente : ce n'est pas la liste nationale des France Services.")
    if format == LMN and "id" not in colonnes:
        raise FichierIllisible("Colonne « id » absente : ce n'est pas un export au schéma des lieux de médiation.")

    referentiel = Referentiel()
    fiches, vus = [], {}
    for numero, cellules in source.lignes:
        rapport.rows += 1
        ligne = Ligne(numero, cellules, colonnes, rapport)
        fiche = valider(ligne, referentiel, cellules)
        if ligne.matricule in vus:
            ligne.erreur(
                "matricule" if format == NATIONAL else "id",
                f"matricule {ligne.matricule} en double : déjà présent {source.unite} {vus[ligne.matricule]}",
            )
            fiche = None
        elif ligne.matricule:
            vus[ligne.matricule] = numero
        if fiche is not None:
            fiches.append(fiche)

    if rapport.rejected and not skip_invalid:
        return rapport
    enregistrer(fiches, rapport, dry_run=dry_run, commentaire=_commentaire(format))
    return rapport


def _commentaire(format):
    if format == LMN:
        return "Import au schéma des lieux de médiation numérique"
    return "Import de la liste nationale des France Services"


def _paquets(elements, taille=TAILLE_PAQUET):
    elements = list(elements)
    for i in range(0, len(elements), taille):
        yield elements[i : i + taille]


def enregistrer(fiches: list[Fiche], rapport: Rapport, *, dry_run=False, commentaire=""):
    """Crée ou met à jour (par matricule) les structures validées, en une transaction."""
    existantes = {}
    for paquet in _paquets(f.matricule for f in fiches):
        existantes.update({s.matricule: s for s in Structure.objects.filter(matricule__in=paquet)})
    meres = {f.structure_mere for f in fiches if f.structure_mere not in (ABSENT, None)}
    connues = {f.matricule for f in fiches} | set(existantes)
    for paquet in _paquets(meres - connues):
        connues |= set(Structure.objects.filter(matricule__in=paquet).values_list("matricule", flat=True))
    for fiche in fiches:
        if fiche.structure_mere not in (ABSENT, None) and fiche.structure_mere not in connues:
            rapport.signaler(
                fiche.numero,
                fiche.matricule,
                "structure_parente",
                f"structure parente {fiche.structure_mere} inconnue",
            )
            fiche.structure_mere = None

    rapport.created = sum(1 for f in fiches if f.matricule not in existantes)
    rapport.updated = len(fiches) - rapport.created
    if dry_run:
        return
    with transaction.atomic():
        _ecrire(fiches, existantes, commentaire)
    rapport.ecrit = True


def _ecrire(fiches, existantes, commentaire):
    maintenant = timezone.now()
    aujourd_hui = timezone.localdate()
    nouvelles, modifiees, changements_statut, champs_modifies = [], [], [], set()
    for fiche in fiches:
        structure = existantes.get(fiche.matricule)
        valeurs = dict(fiche.valeurs)
        if fiche.horaires_source is not None:
            valeurs["horaires_source"] = fiche.horaires_source
        if structure is None:
            structure = Structure(matricule=fiche.matricule, statut=fiche.statut, **valeurs)
            nouvelles.append((fiche, structure))
            continue
        if valeurs.get("forme") == Structure.Forme.FIXE and structure.forme == Structure.Forme.MULTISITE:
            del valeurs["forme"]  # la liste nationale ne connaît pas les permanences multisites
        modifiee = False
        for nom, valeur in valeurs.items():
            attribut = "commune_id" if nom == "commune" else nom
            valeur = valeur.pk if nom == "commune" else valeur
            if getattr(structure, attribut) != valeur:
                setattr(structure, attribut, valeur)
                champs_modifies.add(nom)
                modifiee = True
        if modifiee:
            structure.modifie_le = maintenant
            modifiees.append(structure)
        if structure.statut != fiche.statut:
            changements_statut.append((fiche, structure))

    Structure.objects.bulk_create([s for _, s in nouvelles], batch_size=TAILLE_PAQUET)
    if modifiees:
        champs = sorted(champs_modifies | {"modifie_le"})
        Structure.objects.bulk_update(modifiees, champs, batch_size=TAILLE_PAQUET)
    HistoriqueStatut.objects.bulk_create(
        [
            HistoriqueStatut(
                structure=s,
                statut=s.statut,
                date=s.date_labellisation or aujourd_hui,
                commentaire=commentaire,
            )
            for _, s in nouvelles
        ],
        batch_size=TAILLE_PAQUET,
    )
    for fiche, structure in changements_statut:
        structure.changer_statut(
            fiche.statut, date=fiche.valeurs.get("date_labellisation") or aujourd_hui, commentaire=commentaire
        )

    structures = {f.matricule: s for f, s in nouvelles} | existantes
    _ecrire_meres(fiches, structures)
    _ecrire_creneaux(fiches, structures)


def _ecrire_meres(fiches, structures):
    avec_mere = [f for f in fiches if f.structure_mere is not ABSENT]
    if not avec_mere:
        return
    ids = {}
    matricules = {f.structure_mere for f in avec_mere if f.structure_mere} - set(structures)
    for paquet in _paquets(matricules):
        ids.update(dict(Structure.objects.filter(matricule__in=paquet).values_list("matricule", "pk")))
    ids.update({m: s.pk for m, s in structures.items()})
    a_changer = []
    for fiche in avec_mere:
        structure = structures[fiche.matricule]
        mere_id = ids.get(fiche.structure_mere) if fiche.structure_mere else None
        if structure.structure_mere_id != mere_id:
            structure.structure_mere_id = mere_id
            a_changer.append(structure)
    Structure.objects.bulk_update(a_changer, ["structure_mere"], batch_size=TAILLE_PAQUET)


def _ecrire_creneaux(fiches, structures):
    avec_horaires = [f for f in fiches if f.creneaux is not None]
    ids = [structures[f.matricule].pk for f in avec_horaires]
    for paquet in _paquets(ids):
        Creneau.objects.filter(structure_id__in=paquet).delete()
    Creneau.objects.bulk_create(
        [
            Creneau(structure=structures[f.matricule], jour=jour, debut=debut, fin=fin, sur_rdv=sur_rdv)
            for f in avec_horaires
            for jour, debut, fin, sur_rdv in f.creneaux
        ],
        batch_size=TAILLE_PAQUET,
    )
