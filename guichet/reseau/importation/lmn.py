"""Les colonnes du schéma des lieux de médiation numérique : un lieu → une `Fiche` (France Services seules)."""

import re
from datetime import time

from guichet.reseau.horaires import Intervalle, Lecture
from guichet.reseau.importation.lignes import (
    ABSENT,
    Fiche,
    Ligne,
    Referentiel,
    code_sur,
    creneaux_lus,
    lire_contacts,
    lire_matricule,
    lire_position,
)
from guichet.reseau.lmn import (
    CHAMPS_LMN,
    FIXE,
    FRANCE_SERVICES,
    ITINERANT,
    PORTEURS_PAR_TYPOLOGIE,
    SEPARATEUR,
)
from guichet.reseau.models import Structure

COLONNES_LMN = {champ: () for champ in CHAMPS_LMN}

_JOURS_OSM = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
_JOUR_OSM = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_PLAGE_OSM = r"\d{2}:\d{2}-\d{2}:\d{2}"
_REGLE_OSM = re.compile(
    rf"(?P<jours>{_JOUR_OSM}(?:-{_JOUR_OSM})?(?:,{_JOUR_OSM}(?:-{_JOUR_OSM})?)*)\s+"
    rf"(?P<heures>off|closed|unknown|{_PLAGE_OSM}(?:,{_PLAGE_OSM})*)"
    r'(?:\s+"(?P<commentaire>[^"]*)")?'
)
_SEPARATEURS_OSM = re.compile(r"[\s;,]*")


def lire_opening_hours(texte: str | None) -> Lecture:
    """Lit une valeur OSM opening_hours hebdomadaire (la forme qu'écrit `Lecture.opening_hours`).

    « ; » : une règle qui remplace celles des mêmes jours ; « , » : une règle qui s'ajoute. Un jour
    non nommé est fermé (règle OSM) ; « unknown » : inconnu ; un commentaire « sur rendez-vous » (ou
    « rdv ») marque les créneaux sur rendez-vous. Ce qui n'est pas compris est rapporté dans `non_lus`.
    """
    texte = (texte or "").strip()
    if not texte:
        return Lecture({}, [])
    if texte in ("off", "closed"):
        return Lecture({jour: [] for jour in range(7)}, [])
    jours: dict[int, list[Intervalle] | None] = {}
    non_lus, fin = [], 0
    for regle in _REGLE_OSM.finditer(texte):
        reste = texte[fin : regle.start()]
        if not _SEPARATEURS_OSM.fullmatch(reste):
            non_lus.append(reste.strip(" ;,"))
        additionnelle = reste.strip().startswith(",")
        fin = regle.end()
        concernes = _jours_osm(regle["jours"])
        heures = regle["heures"]
        if heures == "unknown":
            creneaux = None
        elif heures in ("off", "closed"):
            creneaux = []
        else:
            rdv = bool(re.search(r"rendez|rdv", regle["commentaire"] or "", re.IGNORECASE))
            creneaux = []
            for plage in heures.split(","):
                debut, _, fin_plage = plage.partition("-")
                try:
                    creneaux.append(Intervalle(_heure(debut), _heure(fin_plage), sur_rdv=rdv))
                except ValueError:
                    non_lus.append(plage)
        for jour in concernes:
            if additionnelle and jours.get(jour) is not None and creneaux is not None:
                jours[jour] = sorted(jours[jour] + creneaux)
            else:
                jours[jour] = creneaux
    if not _SEPARATEURS_OSM.fullmatch(texte[fin:]):
        non_lus.append(texte[fin:].strip(" ;,"))
    lus = {jour: jours.get(jour, []) for jour in range(7) if jours.get(jour, []) is not None}
    return Lecture(lus if jours else {}, non_lus)


def _heure(texte):
    heures, minutes = (int(x) for x in texte.split(":"))
    return time(heures, minutes)


def _jours_osm(texte: str) -> list[int]:
    jours = []
    for morceau in texte.split(","):
        de, _, a = morceau.partition("-")
        i, j = _JOURS_OSM.index(de), _JOURS_OSM.index(a or de)
        jours += [k % 7 for k in range(i, j + 1 if j >= i else j + 8)]
    return jours


def _liste(ligne: Ligne, champ) -> list[str]:
    texte = ligne.texte(champ)
    return [v.strip() for v in texte.split(SEPARATEUR) if v.strip()] if texte else []


def valider_ligne_lmn(ligne: Ligne, referentiel: Referentiel, cellules: dict) -> Fiche | None:
    """Un lieu au schéma → une `Fiche` ; None s'il est rejeté ou n'est pas une France Services."""
    valeurs = {}
    matricule = lire_matricule(ligne, "id", "identifiant (id)", precision=", c'est le matricule")
    if FRANCE_SERVICES not in _liste(ligne, "dispositif_programmes_nationaux"):
        if not ligne.invalide:
            ligne.signaler("dispositif_programmes_nationaux", "lieu hors du dispositif France Services, ignoré")
        return None
    nom = ligne.texte_borne("nom", 255)
    if not nom:
        ligne.erreur("nom", "nom absent")
    valeurs["nom"] = nom

    commune = referentiel.resoudre(ligne, champ_insee="code_insee", champ_cp="code_postal", champ_nom="commune")
    valeurs["commune"] = commune
    cp = code_sur(ligne.texte("code_postal"))
    if cp and not re.fullmatch(r"\d{5}", cp):
        ligne.signaler("code_postal", f"code postal « {cp} » invalide, ignoré")
    elif "code_postal" in ligne.colonnes:
        valeurs["code_postal"] = cp or ""
    for champ in ("adresse", "complement_adresse"):
        if champ in ligne.colonnes:
            valeurs[champ] = ligne.texte_borne(champ, 255) or ""
    if not valeurs.get("adresse"):
        ligne.signaler("adresse", "adresse absente (champ obligatoire du schéma)")

    position = lire_position(ligne, commune, "latitude", "longitude")
    if position:
        valeurs["latitude"], valeurs["longitude"], valeurs["position_approchee"] = position
    lire_contacts(ligne, valeurs, champ_email="courriels")

    if "itinerance" in ligne.colonnes:
        itinerances = _liste(ligne, "itinerance")
        if set(itinerances) - {ITINERANT, FIXE}:
            ligne.signaler("itinerance", f"valeur « {ligne.texte('itinerance')} » non admise (Itinérant, Fixe)")
        valeurs["forme"] = Structure.Forme.ITINERANTE if ITINERANT in itinerances else Structure.Forme.FIXE
    if "typologie" in ligne.colonnes:
        porteurs = [PORTEURS_PAR_TYPOLOGIE[t] for t in _liste(ligne, "typologie") if t in PORTEURS_PAR_TYPOLOGIE]
        valeurs["type_porteur"] = porteurs[0] if porteurs else Structure.TypePorteur.AUTRE

    structure_mere = ABSENT
    if "structure_parente" in ligne.colonnes:
        structure_mere = ligne.texte("structure_parente")
        valeurs["format"] = Structure.Format.ANTENNE if structure_mere else Structure.Format.ESPACE

    creneaux, horaires_source = None, None
    if "horaires" in ligne.colonnes and ligne.texte("horaires"):
        horaires_source = {"opening_hours": ligne.texte("horaires")}
        creneaux = creneaux_lus(ligne, lire_opening_hours(ligne.texte("horaires")), {}, "horaires")

    if ligne.invalide:
        return None
    return Fiche(
        ligne.numero,
        matricule,
        valeurs,
        creneaux=creneaux,
        horaires_source=horaires_source,
        structure_mere=structure_mere,
    )
