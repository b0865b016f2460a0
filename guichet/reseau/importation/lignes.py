"""La validation d'une ligne, commune aux deux formats (liste nationale, lieux de médiation numérique).

`Ligne` lit les cellules et consigne avertissements (corrigé, signalé) et erreurs (ligne rejetée) ;
les fonctions `lire_*` sont les contrôles réutilisables d'un champ ; `Referentiel` résout les communes.
"""

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from guichet.reseau.importation.lecture import Source, cle_colonne
from guichet.reseau.importation.rapport import RapportImport
from guichet.reseau.models import Jour, Structure
from guichet.territoires.geometrie import SIGNE_LONGITUDE, contour_de, distance_au_contour_km, verifier_point
from guichet.territoires.models import CodePostal, Commune
from guichet.territoires.services import normaliser_nom

VALEURS_VIDES = {"", "na", "n/a", "n.a.", "n.a", "-", "--", "null", "none", "nan", "#n/a", "?"}
JOURS = [jour.label for jour in Jour]  # lundi … dimanche, dans l'ordre des numéros


class Colonnes:
    """Correspondance entre les champs attendus et les en-têtes réels du fichier (casse, `.`, `_`)."""

    def __init__(self, source: Source, attendus: dict[str, tuple[str, ...]], rapport: RapportImport):
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

    def __init__(self, numero: int, cellules: dict, colonnes: Colonnes, rapport: RapportImport):
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
    """Un nombre fini écrit à la française ou non (« 46,2 », « 46.2 ») ; None s'il est illisible, NaN ou infini."""
    if texte is None:
        return None
    try:
        nombre = float(str(texte).replace(",", ".").replace(" ", ""))
    except ValueError:
        return None
    return nombre if math.isfinite(nombre) else None


def _coordonnee_ecrite(ligne: Ligne, champ, valeur) -> str | None:
    """La coordonnée telle qu'écrite, None si elle est absente (« NaN » n'est pas une absence ici)."""
    valeur = ligne.brut(champ) if valeur is None else valeur
    if valeur is None:
        return None
    texte = " ".join(str(valeur).split())
    return None if texte.lower() in VALEURS_VIDES - {"nan"} else texte


def lire_position(ligne: Ligne, commune, champ_lat, champ_lon, lat=None, lon=None):
    """(latitude, longitude, approchée), ou None.

    Coordonnées absentes : le point de la commune, signalé (position approchée). Coordonnées données
    mais fausses (illisibles, NaN, infinies, hors des bornes, hors de France, une seule des deux) :
    erreur, la ligne est rejetée ; une position inventée à la place d'une position fausse cacherait
    l'erreur au lieu de la faire corriger. Latitude et longitude inversées, ou longitude au signe perdu
    qui sort de France : remises dans l'ordre ou rétablie, signalé (le contour de la commune confirme).
    """
    texte_lat = _coordonnee_ecrite(ligne, champ_lat, lat)
    texte_lon = _coordonnee_ecrite(ligne, champ_lon, lon)
    if texte_lat is None and texte_lon is None:
        if commune is None:
            return None
        if commune.latitude is None or commune.longitude is None:
            ligne.erreur(champ_lat, f"coordonnées absentes, et la commune {commune.nom} n'a pas de point de référence")
            return None
        ligne.signaler(
            champ_lat, f"coordonnées absentes : point de la commune {commune.nom} utilisé (position approchée)"
        )
        return commune.latitude, commune.longitude, True
    ecrites = f"({texte_lat or 'vide'}, {texte_lon or 'vide'})"
    if texte_lat is None or texte_lon is None:
        manquante = champ_lat if texte_lat is None else champ_lon
        ligne.erreur(manquante, f"coordonnées incomplètes {ecrites} : donnez latitude et longitude, ou aucune des deux")
        return None
    lat, lon = lire_nombre(texte_lat), lire_nombre(texte_lon)
    if lat is None or lon is None:
        fausse = champ_lat if lat is None else champ_lon
        ligne.erreur(fausse, f"coordonnées impossibles {ecrites} : nombres attendus (ex. 46.2052 ; 5.2255)")
        return None
    if not (abs(lat) <= 90 and abs(lon) <= 180) and not (abs(lon) <= 90 and abs(lat) <= 180):
        ligne.erreur(
            champ_lat, f"coordonnées impossibles {ecrites} : latitude entre -90 et 90, longitude entre -180 et 180"
        )
        return None
    if en_france(lat, lon):
        return lat, lon, False
    if en_france(lon, lat):
        ligne.signaler(champ_lat, f"latitude et longitude inversées ({lat}, {lon}) : remises dans l'ordre")
        return lon, lat, False
    if en_france(lat, -lon):  # le contour de la commune confirme ensuite (controler_contours)
        ligne.signaler(champ_lon, f"longitude {lon} hors de France, {-lon} en France : signe rétabli")
        return lat, -lon, False
    ligne.erreur(
        champ_lat,
        f"coordonnées ({lat}, {lon}) hors de France : corrigez-les, ou videz-les pour retenir le point de la commune",
    )
    return None


def controler_contours(paires: list[tuple[Ligne, "Fiche"]], taille_paquet: int = 500) -> None:
    """Le point donné d'une structure doit tomber dans le contour de sa commune, ou tout près.

    La règle est celle des territoires (`verifier_point`, même tolérance). Longitude au signe perdu :
    rétablie et signalée, comme une inversion latitude/longitude. Point ailleurs : erreur, la ligne est
    rejetée (un point d'une autre commune placerait la structure au mauvais endroit sur la carte).
    Les contours ne sont lus que pour les communes concernées, par paquets.
    """
    a_controler = [
        (ligne, fiche)
        for ligne, fiche in paires
        if fiche.valeurs.get("commune") is not None
        and fiche.valeurs.get("latitude") is not None
        and not fiche.valeurs.get("position_approchee")
    ]
    ids = sorted({fiche.valeurs["commune"].pk for _, fiche in a_controler})
    contours = {}
    for i in range(0, len(ids), taille_paquet):
        contours.update(Commune.objects.filter(pk__in=ids[i : i + taille_paquet]).values_list("pk", "contour"))
    for ligne, fiche in a_controler:
        commune = fiche.valeurs["commune"]
        contour = contour_de(contours.get(commune.pk))
        lat, lon = fiche.valeurs["latitude"], fiche.valeurs["longitude"]
        verifie = verifier_point(contour, lat, lon)
        if verifie is None or not verifie.corrige:
            continue
        if verifie.correction == SIGNE_LONGITUDE:
            ligne.signaler(
                "longitude",
                f"longitude {lon} hors de la commune {commune.nom}, {verifie.longitude} dedans : signe rétabli",
            )
            fiche.valeurs["longitude"] = verifie.longitude
            continue
        distance = distance_au_contour_km(contour, lat, lon)
        ligne.erreur(
            "latitude",
            f"point ({lat}, {lon}) à {distance:.1f} km de la commune {commune.nom} ({commune.code}), hors de son "
            "contour : corrigez-le, ou videz-le pour retenir le point de la commune",
        )


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


def lire_matricule(ligne: Ligne, champ: str, libelle: str, precision: str = "") -> str:
    """Le matricule de la ligne (noté sur la ligne pour le rapport) ; absent ou trop long : erreur."""
    matricule = ligne.texte(champ)
    ligne.matricule = matricule
    if not matricule:
        ligne.erreur(champ, f"{libelle} absent")
    elif len(matricule) > 40:
        ligne.erreur(champ, f"{libelle} de {len(matricule)} caractères (40 au plus{precision})")
    return matricule
