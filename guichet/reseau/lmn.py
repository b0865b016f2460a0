"""Le schéma national des lieux de médiation numérique (ANCT) : export et import des structures.

Référence : le paquet npm `@gouvfr-anct/lieux-de-mediation-numerique` 2.3.0 (lu, pas installé) :
- les champs et ceux qui sont obligatoires : `lib/esm/transfer/schema-lieux-de-mediation-numerique/
  schema-lieux-de-mediation-numerique.d.ts` (type `SchemaLieuMediationNumerique`) ;
- leur ordre et les listes jointes par « | » : `…/to-schema-lieux-de-mediation-numerique-fields.js` ;
  la relecture (`listFromString` : `split('|')`) : `…/from-schema-lieux-de-mediation-numerique-fields.js` ;
- les valeurs admises et les formats : `lib/esm/models/*/` (dispositif-programme-national, service,
  typologie, itinerance, modalite-acces, frais-a-charge, contact (téléphone), courriel, adresse, pivot).
La forme CSV est celle du type : une colonne par champ, les listes en chaîne « a|b ».
"""

import json
import re
from datetime import time

from django.utils import timezone

from guichet import tableurs
from guichet.reseau.horaires import Intervalle, Lecture
from guichet.reseau.import_national import (
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
from guichet.reseau.models import Structure
from guichet.territoires.services import normaliser_nom

# Dans l'ordre où le paquet les écrit (toSchemaLieuMediationNumerique).
CHAMPS_LMN = [
    "id",
    "nom",
    "pivot",
    "services",
    "typologie",
    "structure_parente",
    "commune",
    "code_postal",
    "adresse",
    "code_insee",
    "complement_adresse",
    "latitude",
    "longitude",
    "telephone",
    "courriels",
    "site_web",
    "presentation_resume",
    "presentation_detail",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "itinerance",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "horaires",
    "prise_rdv",
    "source",
    "date_maj",
]
CHAMPS_OBLIGATOIRES = ["id", "nom", "pivot", "commune", "code_postal", "adresse", "date_maj"]
COLONNES_LMN = {champ: () for champ in CHAMPS_LMN}
SEPARATEUR = "|"

# Le pivot est un SIRET (14 caractères) ou un RNA ; faute de SIRET connu, la convention des
# producteurs est quatorze zéros (accepté par `isSiret` du paquet, qui ne teste que la longueur).
PIVOT_INCONNU = "00000000000000"
FRANCE_SERVICES = "France Services"  # DispositifProgrammeNational.FranceServices
TYPOLOGIE_FRANCE_SERVICES = "RFS"  # Typologie.RFS : réseau France Services
ITINERANT, FIXE = "Itinérant", "Fixe"  # Itinerance
SERVICES = [
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
]
SERVICE_POSTE_LIBRE = "Accès internet et matériel informatique"
MODALITES_ACCOMPAGNEMENT = ["Accompagnement individuel"]
FRAIS = ["Gratuit"]
SE_PRESENTER, TELEPHONER, CONTACTER_PAR_MAIL = "Se présenter", "Téléphoner", "Contacter par mail"

TYPOLOGIES_PORTEURS = {
    Structure.TypePorteur.LA_POSTE: "LA_POSTE",
    Structure.TypePorteur.ASSOCIATION: "ASSO",
    Structure.TypePorteur.ETAT: "PREF",
    Structure.TypePorteur.MSA: "MSA",
}
PORTEURS_PAR_TYPOLOGIE = {
    **{typologie: porteur for porteur, typologie in TYPOLOGIES_PORTEURS.items()},
    **dict.fromkeys(["MUNI", "EPCI", "CC", "CD", "REG", "CCAS", "CIAS"], Structure.TypePorteur.COLLECTIVITE),
}

# Copiées du paquet : models/contact/contact.js et models/courriel/courriel.js.
TELEPHONE_REG_EXP = re.compile(
    r"^(?:(?:\+|00)(?:33|262|269|508|590|594|596|681|687|689)[\s.-]{0,3}(?:\(0\)[\s.-]{0,3})?|0)"
    r"(?:(?:[1-9](?:[\s.-]?\d{2}){4}|\d{2}(?:[\s.-]\d{3}){2})|\d{6}|\s\d{3}(?:\s\d{2}){3})$"
)
COURRIEL_REG_EXP = re.compile(
    r"^(?:[a-zA-Z0-9_][a-zA-Z0-9.!#$%&'*+\\=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])+(?:;|$))+$"
)


# --- Export --------------------------------------------------------------------------------------


def _typologie_porteur(structure) -> str | None:
    if structure.type_porteur != Structure.TypePorteur.COLLECTIVITE:
        return TYPOLOGIES_PORTEURS.get(structure.type_porteur)
    porteur = normaliser_nom(structure.nom_porteur)
    if re.search(r"\b(communaute|agglomeration|metropole|epci|syndicat|pays|pole)\b", porteur):
        return "EPCI"
    if re.search(r"\bdepartement(al)?\b", porteur):
        return "CD"
    if re.search(r"\bregion(al)?\b", porteur):
        return "REG"
    return "MUNI"


def _telephone(telephone: str) -> str | None:
    for forme in (telephone, re.sub(r"[\s.-]", "", telephone)):
        if forme and TELEPHONE_REG_EXP.match(forme):
            return forme
    return None


def opening_hours(structure) -> str:
    """Les créneaux de la structure en valeur OSM opening_hours ("" si inconnus)."""
    jours = structure.semaine().jours
    return Lecture(jours=jours, non_lus=[]).opening_hours() if jours else ""


def exporter_lmn(structures, *, source="guichet") -> list[dict]:
    """Les structures au schéma des lieux de médiation numérique : une liste d'objets JSON.

    Comme le paquet, un champ facultatif sans valeur est omis. Pour éviter une requête par structure,
    passez un QuerySet avec select_related("commune", "structure_mere") et
    prefetch_related("creneaux", "exceptions", "commune__codes_postaux").
    """
    lieux = []
    for structure in structures:
        code_postal = structure.code_postal or next((cp.code for cp in structure.commune.codes_postaux.all()), "")
        telephone = _telephone(structure.telephone) if structure.telephone else None
        courriel = structure.email if structure.email and COURRIEL_REG_EXP.match(structure.email) else None
        services = SERVICES + ([SERVICE_POSTE_LIBRE] if structure.poste_libre_acces else [])
        modalites = [SE_PRESENTER] + ([TELEPHONER] if telephone else []) + ([CONTACTER_PAR_MAIL] if courriel else [])
        typologies = [TYPOLOGIE_FRANCE_SERVICES, _typologie_porteur(structure)]
        lieu = {
            "id": structure.matricule,
            "nom": structure.nom,
            "pivot": PIVOT_INCONNU,
            "services": SEPARATEUR.join(services),
            "typologie": SEPARATEUR.join(filter(None, typologies)),
            "structure_parente": structure.structure_mere.matricule if structure.structure_mere_id else None,
            "commune": structure.commune.nom,
            "code_postal": code_postal,
            "adresse": structure.adresse,
            "code_insee": structure.commune.code,
            "complement_adresse": structure.complement_adresse or None,
            "latitude": structure.latitude,
            "longitude": structure.longitude,
            "telephone": telephone,
            "courriels": courriel,
            "frais_a_charge": SEPARATEUR.join(FRAIS),
            "itinerance": ITINERANT if structure.forme == Structure.Forme.ITINERANTE else FIXE,
            "modalites_acces": SEPARATEUR.join(modalites),
            "modalites_accompagnement": SEPARATEUR.join(MODALITES_ACCOMPAGNEMENT),
            "dispositif_programmes_nationaux": FRANCE_SERVICES,
            "horaires": opening_hours(structure) or None,
            "source": source,
            "date_maj": timezone.localdate(structure.modifie_le).isoformat(),
        }
        lieux.append(
            {
                champ: lieu[champ]
                for champ in CHAMPS_LMN
                if champ in CHAMPS_OBLIGATOIRES or lieu.get(champ) not in (None, "")
            }
        )
    return lieux


def ecarts(lieu: dict) -> list[str]:
    """Les champs obligatoires du schéma vides dans ce lieu (pour prévenir à l'export)."""
    return [
        f"{lieu.get('id')} : champ obligatoire « {champ} » vide" for champ in CHAMPS_OBLIGATOIRES if not lieu.get(champ)
    ]


def ecrire_json(lieux: list[dict], flux):
    flux.write(json.dumps(lieux, ensure_ascii=False, indent=2) + "\n")


def ecrire_csv(lieux: list[dict], flux):
    """Une colonne par champ du schéma, dans l'ordre du paquet ; les listes restent jointes par « | »."""
    ecrivain = tableurs.EcrivainCsvDict(flux, fieldnames=CHAMPS_LMN, lineterminator="\n")
    ecrivain.writeheader()
    for lieu in lieux:
        ecrivain.writerow({champ: lieu.get(champ, "") for champ in CHAMPS_LMN})


# --- Import --------------------------------------------------------------------------------------

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
