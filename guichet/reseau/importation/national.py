"""Les colonnes de la liste nationale des France Services (open data ANCT) : une ligne → une `Fiche`."""

import re

from guichet.reseau.horaires import lire_semaine
from guichet.reseau.importation.lignes import (
    JOURS,
    Fiche,
    Ligne,
    Referentiel,
    code_sur,
    creneaux_lus,
    lire_contacts,
    lire_date,
    lire_matricule,
    lire_position,
)
from guichet.reseau.models import Structure
from guichet.territoires.services import normaliser_nom

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
