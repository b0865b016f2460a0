"""Le schéma national des lieux de médiation numérique (ANCT) et l'export des structures.

L'import au schéma est dans `guichet.reseau.importation.lmn`.

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

from django.utils import timezone

from guichet import tableurs
from guichet.reseau.horaires import Lecture
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
