"""Les mesures comptées pour chaque agrégat : le nombre d'accompagnements et, à côté, une colonne
par modalité (résultat, canal, type d'aide, durée, profil). Une seule définition sert à la fois
au calcul des agrégats (en SQL, un COUNT filtré par colonne), à la lecture directe des
accompagnements et à l'affichage.

Les noms des colonnes sont dérivés des choix de `guichet.activite.models` : ajouter un choix ajoute
une colonne (et une migration).
"""

from dataclasses import dataclass

from django.db.models import Q

from guichet.activite.models import Autonomie, Canal, Duree, Resultat, TrancheAge, TypeAide


@dataclass(frozen=True)
class Mesure:
    nom: str
    libelle: str
    condition: Q


@dataclass(frozen=True)
class Groupe:
    """Des mesures qui se lisent ensemble. `partition` : chaque accompagnement tombe dans une et une
    seule d'entre elles, ou dans le reste « non renseigné » (= nombre − somme) si `reste` est donné."""

    code: str
    libelle: str
    mesures: tuple
    partition: bool = True
    reste: str = ""


def _groupe(code, libelle, prefixe, champ, choix, reste=""):
    mesures = tuple(Mesure(f"{prefixe}_{valeur}", texte, Q(**{champ: valeur})) for valeur, texte in choix.choices)
    return Groupe(code, libelle, mesures, reste=reste)


NOMBRE = "nombre"
RESOLU = "resultat_resolu"

GROUPES = (
    _groupe("resultat", "Résultat", "resultat", "resultat", Resultat),
    _groupe("canal", "Canal", "canal", "canal", Canal),
    _groupe("type_aide", "Type d'aide", "aide", "type_aide", TypeAide),
    _groupe("duree", "Durée", "duree", "duree", Duree),
    _groupe("tranche_age", "Tranche d'âge", "age", "tranche_age", TrancheAge, reste="Non renseignée"),
    Groupe(
        "premiere_visite",
        "Première visite",
        (
            Mesure("premiere_visite_oui", "Première visite", Q(premiere_visite=True)),
            Mesure("premiere_visite_non", "Déjà venu", Q(premiere_visite=False)),
        ),
        reste="Non renseigné",
    ),
    _groupe("autonomie", "Autonomie numérique", "autonomie", "autonomie", Autonomie, reste="Non renseignée"),
    Groupe(
        "besoins",
        "Besoins particuliers",
        (
            Mesure("besoin_allophone", "Usager allophone", Q(besoin_allophone=True)),
            Mesure("besoin_handicap", "Usager en situation de handicap", Q(besoin_handicap=True)),
        ),
        partition=False,
    ),
)

GROUPES_PAR_CODE = {g.code: g for g in GROUPES}
# Toutes les colonnes comptées, dans l'ordre : le nombre d'abord.
NOMS = (NOMBRE,) + tuple(m.nom for g in GROUPES for m in g.mesures)
CONDITIONS = {NOMBRE: None} | {m.nom: m.condition for g in GROUPES for m in g.mesures}
LIBELLES = {NOMBRE: "Accompagnements"} | {m.nom: m.libelle for g in GROUPES for m in g.mesures}
# Les colonnes des agrégats par démarche et par structure : le nombre et les résolus sur place.
NOMS_COURTS = (NOMBRE, RESOLU)


def ajouter(cumul: dict, autre: dict) -> dict:
    for nom, valeur in autre.items():
        if nom in cumul:
            cumul[nom] += valeur or 0
    return cumul
