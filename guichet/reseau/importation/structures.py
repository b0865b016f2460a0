"""L'import des structures : lire le fichier, valider chaque ligne au format reconnu, écrire.

Les fichiers réels sont imparfaits : chaque ligne est validée, ce qui peut être corrigé l'est avec un
avertissement, le reste est rejeté en nommant la ligne et le champ. Par défaut l'import est entier ou
n'est pas : une seule ligne rejetée et rien n'est écrit.
"""

from guichet.reseau.importation.ecriture import enregistrer
from guichet.reseau.importation.lecture import LMN, NATIONAL, FichierIllisible, detecter_format, lire_fichier
from guichet.reseau.importation.lignes import Colonnes, Ligne, Referentiel, controler_contours
from guichet.reseau.importation.lmn import COLONNES_LMN, valider_ligne_lmn
from guichet.reseau.importation.national import COLONNES_NATIONALES, valider_ligne_nationale
from guichet.reseau.importation.rapport import RapportImport

VALIDATEURS = {NATIONAL: (COLONNES_NATIONALES, valider_ligne_nationale), LMN: (COLONNES_LMN, valider_ligne_lmn)}
COMMENTAIRES = {
    NATIONAL: "Import de la liste nationale des France Services",
    LMN: "Import au schéma des lieux de médiation numérique",
}


def importer(chemin, *, format=None, ecrire=False, enregistrer_valides=False) -> RapportImport:
    """Lit, valide et (avec `ecrire`, et sauf rejet sans `enregistrer_valides`) écrit les structures.

    `format` : « national » (liste ANCT), « lmn » (schéma des lieux de médiation numérique) ou None
    pour le reconnaître aux colonnes. Sans `ecrire`, les nombres sont ceux d'un import réel.
    """
    source = lire_fichier(chemin)
    format = format or detecter_format(source)
    rapport = RapportImport(unite=source.unite, simulation=not ecrire)
    for message in source.avertissements:
        rapport.signaler(None, None, "encodage", message)
    attendus, valider = VALIDATEURS[format]
    colonnes = Colonnes(source, attendus, rapport)
    if format == NATIONAL and "matricule" not in colonnes:
        raise FichierIllisible("Colonne MATRICULE absente : ce n'est pas la liste nationale des France Services.")
    if format == LMN and "id" not in colonnes:
        raise FichierIllisible("Colonne « id » absente : ce n'est pas un export au schéma des lieux de médiation.")

    referentiel = Referentiel()
    paires, vus = [], {}
    for numero, cellules in source.lignes:
        rapport.lignes += 1
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
            paires.append((ligne, fiche))
    controler_contours(paires)
    fiches = [fiche for ligne, fiche in paires if not ligne.invalide]

    if rapport.rejets and not enregistrer_valides:
        rapport.echec = f"{len(rapport.lignes_rejetees)} {rapport.unite}s rejetées : aucune structure enregistrée."
        return rapport
    enregistrer(fiches, rapport, ecrire=ecrire, commentaire=COMMENTAIRES[format])
    return rapport
