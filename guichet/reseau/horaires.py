"""Horaires d'ouverture : lecture du texte libre publié et calculs sur une semaine type.

La liste nationale des France Services (données ouvertes de l'ANCT) donne une cellule de texte libre
par jour (h_lundi … h_samedi). Ce module la lit (`lire_jour`, `lire_semaine`), lit aussi une description
hebdomadaire libre (`lire_texte`), et calcule sur une semaine type (`Semaine`) : ouvert maintenant,
prochaine ouverture, heure de fermeture.

Règle d'or : ne jamais deviner en silence. Tout ce qui n'est pas compris, ou seulement deviné, est
rapporté dans `Lecture.non_lus`.

Règles de lecture d'une cellule (`lire_jour`) :

- vide, « NA », « NC », « Horaires non communiqués », « ? » : jour inconnu (None), rien à rapporter ;
- « Fermé », « FERME », « Fermé au public », un tiret seul : jour fermé (liste vide) ;
- sinon on cherche les créneaux « 9h-12h », « 09:00 - 12:00 », « de 9h à 12h30 », « 9H00-12H00 »,
  « 9h à midi », séparés par « / », « ; », « , », « et » ou rien du tout ; « sur RDV » juste après
  un créneau (ou juste avant, en tête : « Sur RDV : 14h-17h ») le marque sur rendez-vous ;
- ce qui reste entre les créneaux est ignoré s'il ne porte pas de sens (« Matin : », « et de »,
  « (journée continue) ») et rapporté sinon (« après-midi sur RDV », « (sauf 1er lundi du mois) ») ;
- un créneau fin avant début (« 14h-12h »), une heure impossible (« 25h », « 24h/24 », « minuit »),
  un créneau qui en chevauche un autre : rapportés, jamais corrigés ;
- les heures nues « 9-12 » ne sont acceptées que si elles ne peuvent être que des heures d'ouverture
  (de 7 à 22, début avant fin) et sont alors rapportées comme devinées : « 9-12 (deviné : 09:00-12:00) » ;
- une cellule où aucun créneau n'a pu être lu est inconnue (None) et rapportée en entier.

Règles de lecture d'une description hebdomadaire (`lire_texte`) : voir sa docstring.

Convention de calcul : `weekly_minutes` et `days_open` comptent tous les créneaux, y compris sur
rendez-vous (ce sont des heures de service) ; `Semaine.est_ouvert` et `prochaine_ouverture` ne
comptent que l'accueil sans rendez-vous (« ouvert maintenant » veut dire : on peut y passer).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from guichet.temps import PARIS, a_paris
from guichet.texte import sans_accents

JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
SEMAINE_ENTIERE = tuple(range(7))
HORIZON_JOURS = 14  # prochaine_ouverture ne regarde pas plus loin

_JOURS_OSM = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
_COMMENTAIRE_RDV_OSM = '"sur rendez-vous"'


# --- Types -----------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Intervalle:
    """Un créneau d'une journée, [debut, fin[ ; `sur_rdv` s'il est « sur rendez-vous »."""

    debut: datetime.time
    fin: datetime.time
    sur_rdv: bool = False

    @property
    def minutes(self) -> int:
        return _en_minutes(self.fin) - _en_minutes(self.debut)

    def contient(self, heure: datetime.time) -> bool:
        return self.debut <= heure < self.fin

    def chevauche(self, autre: "Intervalle") -> bool:
        return self.debut < autre.fin and autre.debut < self.fin

    def osm(self) -> str:
        return f"{self.debut:%H:%M}-{self.fin:%H:%M}"

    def to_json(self) -> dict:
        return {"debut": f"{self.debut:%H:%M}", "fin": f"{self.fin:%H:%M}", "sur_rdv": self.sur_rdv}

    def __str__(self) -> str:
        return self.osm() + (" (sur rendez-vous)" if self.sur_rdv else "")


class CreneauRdv(NamedTuple):
    """Un créneau sur rendez-vous, avec son jour (0 = lundi)."""

    jour: int
    intervalle: Intervalle

    def to_json(self) -> dict:
        return {
            "jour": JOURS[self.jour],
            "debut": f"{self.intervalle.debut:%H:%M}",
            "fin": f"{self.intervalle.fin:%H:%M}",
        }


@dataclass
class Lecture:
    """Le résultat d'une lecture.

    `jours` : jour (0 = lundi) -> créneaux ; [] = fermé ce jour-là ; jour absent = inconnu.
    `non_lus` : fragments non compris ou seulement devinés ; vide si tout a été lu.
    `portee` : les jours dont parle la lecture (toute la semaine, ou le seul jour d'une cellule lue
    par `guichet horaires --day`) ; les totaux et la chaîne OSM ne portent que sur eux.
    """

    jours: dict[int, list[Intervalle]]
    non_lus: list[str] = field(default_factory=list)
    portee: tuple[int, ...] = SEMAINE_ENTIERE

    @property
    def jours_inconnus(self) -> list[int]:
        return [jour for jour in sorted(self.portee) if jour not in self.jours]

    @property
    def weekly_minutes(self) -> int | None:
        """Minutes d'ouverture (rendez-vous compris) ; None si un jour de la portée est inconnu."""
        if self.jours_inconnus:
            return None
        return sum(intervalle.minutes for jour in self.portee for intervalle in self.jours[jour])

    @property
    def days_open(self) -> int:
        """Jours connus avec au moins un créneau (rendez-vous compris)."""
        return sum(1 for jour in self.portee if self.jours.get(jour))

    @property
    def by_appointment(self) -> list[CreneauRdv]:
        return [
            CreneauRdv(jour, intervalle)
            for jour in sorted(self.portee)
            for intervalle in self.jours.get(jour, [])
            if intervalle.sur_rdv
        ]

    def opening_hours(self) -> str:
        """La valeur OSM opening_hours ; "" si rien n'est connu.

        Les jours fermés sont omis (OSM les tient pour fermés), sauf si rien n'est ouvert ni inconnu :
        "off" pour toute la semaine, « Mo off » pour une portée partielle. Les créneaux sur rendez-vous
        sont des règles additionnelles (« , ») avec le commentaire "sur rendez-vous" (état implicite
        « unknown » selon la spécification : on ne peut pas y passer sans rendez-vous). Les jours
        inconnus sont dits « unknown ».
        """
        connus = {jour: self.jours[jour] for jour in sorted(self.portee) if jour in self.jours}
        if not connus:
            return ""
        libres = {jour: tuple(i for i in creneaux if not i.sur_rdv) for jour, creneaux in connus.items()}
        rdv = {jour: tuple(i for i in creneaux if i.sur_rdv) for jour, creneaux in connus.items()}
        regles = [f"{_osm_jours(jours)} {_osm_heures(heures)}" for jours, heures in _regrouper(libres)]
        regles_rdv = [
            f"{_osm_jours(jours)} {_osm_heures(heures)} {_COMMENTAIRE_RDV_OSM}" for jours, heures in _regrouper(rdv)
        ]
        inconnus = [f"{_osm_jours(self.jours_inconnus)} unknown"] if self.jours_inconnus else []
        if not regles and not regles_rdv and not inconnus:
            return "off" if set(self.portee) == set(SEMAINE_ENTIERE) else f"{_osm_jours(list(connus))} off"
        valeur = ", ".join(filter(None, ["; ".join(regles), *regles_rdv]))
        return "; ".join(filter(None, [valeur, *inconnus]))

    def to_json(self) -> dict:
        return {
            "opening_hours": self.opening_hours(),
            "weekly_minutes": self.weekly_minutes,
            "days_open": self.days_open,
            "unparsed": list(self.non_lus),
            "by_appointment": [creneau.to_json() for creneau in self.by_appointment],
            "jours": {
                JOURS[jour]: [i.to_json() for i in self.jours[jour]] if jour in self.jours else None
                for jour in sorted(self.portee)
            },
        }


def _en_minutes(heure: datetime.time) -> int:
    return heure.hour * 60 + heure.minute


def _regrouper(par_jour: dict[int, tuple[Intervalle, ...]]) -> list[tuple[list[int], tuple[Intervalle, ...]]]:
    """Les jours aux créneaux identiques (non vides), dans l'ordre de leur premier jour."""
    groupes: dict[tuple[Intervalle, ...], list[int]] = {}
    for jour in sorted(par_jour):
        if par_jour[jour]:
            groupes.setdefault(par_jour[jour], []).append(jour)
    return [(jours, heures) for heures, jours in groupes.items()]


def _osm_jours(jours: list[int]) -> str:
    """[0, 1, 2, 3, 4] -> "Mo-Fr" ; [5, 6] -> "Sa,Su" (une plage à partir de trois jours qui se suivent)."""
    suites: list[list[int]] = []
    for jour in sorted(jours):
        if suites and jour == suites[-1][-1] + 1:
            suites[-1].append(jour)
        else:
            suites.append([jour])
    morceaux = []
    for suite in suites:
        if len(suite) >= 3:
            morceaux.append(f"{_JOURS_OSM[suite[0]]}-{_JOURS_OSM[suite[-1]]}")
        else:
            morceaux.extend(_JOURS_OSM[jour] for jour in suite)
    return ",".join(morceaux)


def _osm_heures(creneaux: tuple[Intervalle, ...]) -> str:
    return ",".join(intervalle.osm() for intervalle in sorted(creneaux))


# --- Le texte, normalisé et « plié » pour la recherche ---------------------------------------------

# Tous les tirets (‐ ‑ ‒ – — ― − ﹘ ﹣ －) deviennent « - ».
_TIRETS = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
# Toutes les espaces (insécables, fines, tabulations, retours à la ligne) deviennent une espace simple.
_ESPACES = re.compile(r"[\s\u200b]+")


def _plier_caractere(caractere: str) -> str:
    """Minuscule sans accent, en gardant un caractère pour un caractère (les positions restent justes)."""
    minuscule = caractere.lower()
    if len(minuscule) != 1:
        return caractere
    base = sans_accents(minuscule)
    return base if len(base) == 1 else minuscule


@dataclass(frozen=True)
class _Texte:
    """Un texte normalisé (`propre`, pour les rapports) et sa version pliée (`plie`, pour les motifs).

    Les deux ont la même longueur : une position trouvée dans l'un vaut pour l'autre.
    """

    propre: str
    plie: str

    @classmethod
    def de(cls, brut: str) -> "_Texte":
        propre = unicodedata.normalize("NFC", brut).replace("\u2019", "'")
        propre = _ESPACES.sub(" ", _TIRETS.sub("-", propre)).strip()
        return cls(propre, "".join(_plier_caractere(c) for c in propre))

    def __getitem__(self, tranche: slice) -> "_Texte":
        return _Texte(self.propre[tranche], self.plie[tranche])

    def rogner(self, bords: str) -> "_Texte":
        debut = len(self.plie) - len(self.plie.lstrip(bords))
        fin = len(self.plie.rstrip(bords))
        return self[debut:fin] if debut < fin else _Texte("", "")

    def masquer(self, etendues: list[tuple[int, int]]) -> "_Texte":
        """Remplace ces étendues par des espaces (pour qu'on ne les relise pas)."""
        propre, plie = list(self.propre), list(self.plie)
        for debut, fin in etendues:
            propre[debut:fin] = plie[debut:fin] = " " * (fin - debut)
        return _Texte("".join(propre), "".join(plie))


# --- Motifs (appliqués au texte plié : minuscules, sans accents, tirets « - ») --------------------

# Une heure écrite comme telle : « 9h », « 9 h », « 9h30 », « 9H00 », « 9 heures », « 09:00 », « midi ».
# Pas d'espace entre « h » et les minutes (dans « 12h 13h30 », « 12h 13 » n'est pas 12:13), sauf si « h »
# est entouré d'espaces et que les minutes ne sont pas suivies d'un « h » : « 13 h 30 » (liste nationale).
_HEURE_EXPLICITE = (
    r"\d{1,2}\sh\s\d{2}(?!\d|\s?(?:heures?|h)\b)"  # 13 h 30
    r"|\d{1,2}\s?(?:heures?|h)(?:\d{2})?(?!\d)"  # 9h, 9 h, 9h30, 9 heures
    r"|\d{1,2}:\d{2}(?!\d)"  # 09:00
    r"|(?<!apres-)(?<!apres )(?<!\w)midi\b"  # midi, mais pas l'après-midi
)
# Un nombre nu, « 9 » dans « 9-12 » ou « 9-12h » (pas « 1er », pas un bout de « 9h30 »).
_HEURE_NUE = r"\d{1,2}(?![\d:\w])"
_HEURE = rf"(?<![\d:])(?:{_HEURE_EXPLICITE}|{_HEURE_NUE})"
# Entre les deux heures d'un créneau : un tiret, « à », « au », « jusqu'à ».
_JUSQUA = r"\s*(?:-|\b(?:a|au|jusqu'a)\b)\s*"
# « sur RDV », « sur rendez-vous », « uniquement sur RDV », « (sur RDV) ».
_RDV = (
    r"\(?\s*(?:(?:uniquement|seulement)\s+)?"
    r"sur\s+(?:rdv|r\.d\.v\.?|rendez[\s-]?vous)"
    r"(?:\s+(?:uniquement|seulement))?\s*\)?"
)

# Un créneau, avec « sur RDV » devant (en tête : « Sur RDV : 14h-17h ») ou derrière (« 9h-12h sur RDV »).
# Précédé de « fermé » (« fermé de 12h à 14h »), c'est une fermeture : rapportée, pas lue comme ouverture.
_CRENEAU = re.compile(
    r"(?P<ferme>\bfermee?s?\s*:?\s*)?"
    rf"(?:(?P<rdv_avant>{_RDV})\s*:?\s*)?"
    rf"(?:\bde\s+)?(?P<debut>{_HEURE}){_JUSQUA}(?P<fin>{_HEURE})"
    rf"(?:\s*(?P<rdv_apres>{_RDV}))?"
)
# Une cellule de créneaux « début/fin » : « 8h30/12h - 13h30/17h ». La barre sépare d'habitude deux
# créneaux ; ici elle ne peut être qu'entre début et fin, mais c'est deviné (et rapporté comme tel).
_PAIRE_BARREE = rf"(?P<debut>{_HEURE_EXPLICITE})\s*/\s*(?P<fin>{_HEURE_EXPLICITE})"
_PAIRE_BARREE_RE = re.compile(_PAIRE_BARREE)
_SANS_NOMS = _PAIRE_BARREE.replace("?P<debut>", "?:").replace("?P<fin>", "?:")
_CELLULE_BARREE = re.compile(rf"{_SANS_NOMS}(?:\s*(?:-|\bet\b|[,;])?\s*{_SANS_NOMS})*")
# Les morceaux d'une heure explicite : « 9 », « 30 » dans « 9h30 » ou « 9:30 ».
_MORCEAUX_HEURE = re.compile(r"(?P<h>\d{1,2})\s?(?:heures?|h|:)?\s?(?P<m>\d{2})?")

# Une cellule qui dit « fermé » : « Fermé », « FERMÉE », « Fermé au public », « Espace fermé ce jour »,
# « Fermé toute la journée », « - », « -- ».
_FERME = re.compile(
    r"(?:(?:(?:l')?espace\s+|structure\s+)?fermee?s?"
    r"(?:\s+(?:au\s+public|ce\s+jour|toute\s+la\s+journee|(?:le\s+|la\s+)?journee))?"
    r"|fermeture|-+)\s*[.!]?"
)
# Une cellule qui dit « on ne sait pas » : « NA », « N/A », « NC », « Horaires non communiqués », « ? ».
_INCONNU = re.compile(
    r"(?:n\.?\s?a\.?|n/a|n\.?\s?c\.?|(?:horaires?\s+)?non\s+(?:communique|renseigne|connu|precise)e?s?"
    r"|inconnue?s?|\?+)\s*\.?"
)
# Ce qui peut entourer des créneaux sans en changer le sens : « Matin : », « et de », « (journée continue) ».
_NEUTRE = re.compile(
    r"\b(?:l'|le\s+|la\s+)?(?:matin(?:ee)?|apres[\s-]?midi)\b"
    r"|\b(?:journee\s+continue|non[\s-]?stop|sans\s+interruption|en\s+continu)\b"
    r"|\b(?:et|de|puis|ouvert|ouverture|accueil|horaires?)\b"
)
# La ponctuation qui sépare les créneaux ou les entoure.
_PONCTUATION = re.compile(r"[\s/;,:.()\[\]+&|*-]*")
_BORDS = " /;,:.-+&|*"
_BORDS_MENTION = " /;,:.+&|*"  # sans le tiret : « Samedi : - » veut dire fermé

# Heures nues acceptées (en devinant) : de 7h à 22h, début avant fin. « 1-5 » peut être « 13h-17h ».
_HEURES_NUES_PLAUSIBLES = range(7, 23)


# --- Lecture d'une cellule --------------------------------------------------------------------------


def lire_jour(texte: str | None) -> tuple[list[Intervalle] | None, list[str]]:
    """Lit la cellule d'un jour : (créneaux, fragments non lus) ; créneaux None = inconnu, [] = fermé."""
    if texte is None:
        return None, []
    return _lire_horaires(_Texte.de(str(texte)))


def _lire_horaires(texte: _Texte) -> tuple[list[Intervalle] | None, list[str]]:
    if not texte.plie or _INCONNU.fullmatch(texte.plie):
        return None, []
    if _FERME.fullmatch(texte.plie):
        return [], []
    return _lire_creneaux(texte)


def _lire_creneaux(texte: _Texte) -> tuple[list[Intervalle] | None, list[str]]:
    """Cherche les créneaux ; rapporte ce qui reste entre eux s'il porte du sens."""
    barree = _lire_cellule_barree(texte)
    if barree is not None:
        return barree
    lus: list[tuple[Intervalle, str]] = []
    non_lus: list[str] = []
    fin_precedente = 0
    for trouve in _CRENEAU.finditer(texte.plie):
        non_lus.extend(_reste_non_neutre(texte[fin_precedente : trouve.start()]))
        fragment = texte.propre[trouve.start() : trouve.end()]
        sur_rdv = bool(trouve["rdv_avant"] or trouve["rdv_apres"])
        intervalle, devine = _creneau(trouve["debut"], trouve["fin"], sur_rdv)
        if intervalle is None or trouve["ferme"]:
            non_lus.append(fragment)
        else:
            lus.append((intervalle, fragment))
            if devine:
                non_lus.append(f"{fragment} (deviné : {intervalle.osm()})")
        fin_precedente = trouve.end()
    non_lus.extend(_reste_non_neutre(texte[fin_precedente:]))
    creneaux = _sans_chevauchement(lus, non_lus)
    if not creneaux:
        return None, non_lus or [texte.propre]
    return creneaux, non_lus


def _lire_cellule_barree(texte: _Texte) -> tuple[list[Intervalle], list[str]] | None:
    """« 8h30/12h - 13h30/17h » -> créneaux rapportés comme devinés ; None si ce n'est pas cette forme."""
    if not _CELLULE_BARREE.fullmatch(texte.plie):
        return None
    creneaux = [_creneau(paire["debut"], paire["fin"])[0] for paire in _PAIRE_BARREE_RE.finditer(texte.plie)]
    if None in creneaux or any(a.chevauche(b) for a, b in zip(creneaux, creneaux[1:], strict=False)):
        return None
    lu = ", ".join(intervalle.osm() for intervalle in creneaux)
    return creneaux, [f"{texte.propre} (deviné : {lu})"]


def _creneau(debut: str, fin: str, sur_rdv: bool = False) -> tuple[Intervalle | None, bool]:
    """Le créneau lu (None s'il est impossible) et s'il a fallu le deviner (heures nues « 9-12 »)."""
    devine = debut.isdigit() and fin.isdigit()
    if devine and not (int(debut) in _HEURES_NUES_PLAUSIBLES and int(fin) in _HEURES_NUES_PLAUSIBLES):
        return None, False
    heure_debut, heure_fin = _heure(debut), _heure(fin)
    if heure_debut is None or heure_fin is None or heure_debut >= heure_fin:
        return None, False
    return Intervalle(heure_debut, heure_fin, sur_rdv=sur_rdv), devine


def _heure(jeton: str) -> datetime.time | None:
    """« 9h30 » -> 09:30 ; None pour une heure impossible (« 25h », « 24h », « 9h75 »)."""
    if jeton == "midi":
        return datetime.time(12)
    morceaux = _MORCEAUX_HEURE.fullmatch(jeton)
    heures, minutes = int(morceaux["h"]), int(morceaux["m"] or 0)
    if heures > 23 or minutes > 59:
        return None
    return datetime.time(heures, minutes)


def _sans_chevauchement(lus: list[tuple[Intervalle, str]], non_lus: list[str]) -> list[Intervalle]:
    """Les créneaux triés ; un créneau qui en chevauche un autre déjà gardé est rapporté, pas gardé."""
    gardes: list[Intervalle] = []
    for intervalle, fragment in sorted(lus):
        if gardes and gardes[-1].chevauche(intervalle):
            non_lus.append(fragment)
        else:
            gardes.append(intervalle)
    return gardes


def _est_neutre(texte: _Texte) -> bool:
    return bool(_PONCTUATION.fullmatch(_NEUTRE.sub(" ", texte.plie)))


def _reste_non_neutre(reste: _Texte) -> list[str]:
    """[le reste, sans ses séparateurs de bord] s'il porte du sens, [] sinon."""
    if _est_neutre(reste):
        return []
    return [reste.rogner(_BORDS).propre]


# --- Lecture d'une semaine --------------------------------------------------------------------------


def lire_semaine(cellules: dict[str, str | None]) -> Lecture:
    """Lit les cellules « lundi » … « dimanche » (clé absente, None, vide ou « NA » : jour inconnu).

    Les fragments non lus sont préfixés du jour : « lundi : (sauf 1er lundi du mois) ».
    """
    jours: dict[int, list[Intervalle]] = {}
    non_lus: list[str] = []
    for index, nom in enumerate(JOURS):
        creneaux, non_lus_du_jour = lire_jour(cellules.get(nom))
        if creneaux is not None:
            jours[index] = creneaux
        non_lus.extend(f"{nom} : {fragment}" for fragment in non_lus_du_jour)
    return Lecture(jours, non_lus)


# --- Lecture d'un texte libre hebdomadaire ----------------------------------------------------------

# Un jour : « lundi », « lundis », « Lun », « lun. ».
_JOUR = (
    r"\b(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?\b"  # lundi, lundis
    r"|(?:lun|mar|mer|jeu|ven|sam|dim)\b\.?)"  # lun, lun.
)
# Un jour en deux lettres (« Lu », « Ve »), seulement dans une plage « Lu-Ve » : seul, « me », « je »,
# « sa » sont des mots courants.
_JOUR_COURT = r"\b(?:lu|ma|me|je|ve|sa|di)\b\.?"
# Une plage de jours : « du lundi au vendredi », « lundi-vendredi », « Lun-Ven », « de lundi à jeudi »,
# « Lu-Ve ».
_PLAGE = (
    rf"(?:\b(?:du|de)\s+)?(?P<de>{_JOUR})\s*(?:-|\b(?:au|a)\b)\s*(?P<a>{_JOUR})"
    rf"|(?P<de_court>{_JOUR_COURT})\s*-\s*(?P<a_court>{_JOUR_COURT})"
)
# Un élément de liste : une plage ou un jour, avec son article (« le samedi », « les lundis »).
_ELEMENT = rf"(?:\b(?:le|les)\s+)?(?:{_PLAGE}|(?P<seul>{_JOUR}))"
_ELEMENT_RE = re.compile(_ELEMENT)
# Des jours : « Lundi, mardi et jeudi », « du lundi au mercredi et le vendredi », « lundi/mardi ».
_NOMS_JOURS = re.sub(r"\?P<\w+>", "?:", _ELEMENT)
_DES_JOURS = rf"{_NOMS_JOURS}(?:\s*(?:[,/&+]|\bet\b)?\s*{_NOMS_JOURS})*"
_DES_JOURS_RE = re.compile(_DES_JOURS)
# Une fermeture qui précède les jours : « Fermé le samedi », « sauf le mercredi », « fermé samedi et
# dimanche » ; pas « sauf le mercredi après-midi » ni « sauf le mercredi de 14h à 17h » (rapportés).
_FERMETURE_JOURS = re.compile(
    rf"\b(?:fermee?s?|fermeture|sauf)\s+(?P<jours>(?>{_DES_JOURS}))"
    rf"(?!\s*(?:l'|le\s+)?(?:matin|apres[\s-]?midi)|\s*(?:de\s+|a\s+)?\d)"
)
# Un jour du mois, pas de la semaine : « 1er lundi », « 2e mardi », « dernier vendredi ».
_JOUR_DU_MOIS = re.compile(
    rf"\b(?:\d{{1,2}}\s?(?:er|re|e|eme)|premiere?|deuxieme|troisieme|quatrieme|derniere?)\s+{_JOUR}"
)


@dataclass(frozen=True)
class _Apport:
    """Ce qu'une mention du texte dit d'un jour : ses créneaux ([] = fermé)."""

    creneaux: tuple[Intervalle, ...]
    precis: bool  # la mention ne nomme que ce jour (« mercredi : … »), pas une plage ou une liste
    source: str


def lire_texte(texte: str | None) -> Lecture:
    """Lit une description hebdomadaire libre.

    « Du lundi au vendredi de 9h à 12h et de 14h à 17h », « Lundi, mardi, jeudi : 9h-12h / 14h-17h ;
    mercredi : 9h-12h », « Lun-Ven 8h30-12h », « Fermé le samedi », « 9h-12h du lundi au vendredi ».

    Règles choisies :

    - Les heures suivent les jours ; si le texte commence par des heures, elles précèdent les jours.
    - « Fermé le samedi », « sauf le mercredi », « samedi : fermé » ferment ces jours.
    - Une mention qui ne nomme qu'un jour l'emporte sur une plage ou une liste qui le comprend :
      « du lundi au vendredi 9h-17h, mercredi 9h-12h » donne 9h-12h le mercredi ; « … sauf le mercredi »
      le ferme. Deux mentions de même rang s'ajoutent (« lundi matin 9h-12h, lundi après-midi 14h-17h ») ;
      si elles se contredisent (fermé et ouvert, créneaux qui se chevauchent), le jour est inconnu et
      c'est rapporté.
    - Les jours jamais nommés sont fermés si le texte a été lu en entier (aucun fragment non lu) et
      donne au moins un jour ouvert : il énumère alors les jours d'ouverture (« Lun-Ven 8h30-12h » :
      samedi et dimanche fermés). Sinon ils restent inconnus.
    - Sans aucun jour nommé : « Fermé » ferme toute la semaine, « Horaires non communiqués » la laisse
      inconnue, et des heures seules (« 9h-12h ») ne sont attribuées à aucun jour (rapportées).
    """
    if texte is None:
        return Lecture({}, [])
    lu = _Texte.de(str(texte))
    if not lu.plie or _INCONNU.fullmatch(lu.plie):
        return Lecture({}, [])
    if _FERME.fullmatch(lu.plie):
        return Lecture({jour: [] for jour in SEMAINE_ENTIERE}, [])
    apports, nommes, non_lus = _lire_mentions(lu)
    jours = _resoudre(apports, non_lus)
    if not non_lus and any(jours.values()):
        jours.update({jour: [] for jour in SEMAINE_ENTIERE if jour not in nommes})
    return Lecture(dict(sorted(jours.items())), non_lus)


def _lire_mentions(lu: _Texte) -> tuple[dict[int, list[_Apport]], set[int], list[str]]:
    """Découpe le texte en mentions « jours + horaires » : (apports par jour, jours nommés, non lus)."""
    apports: dict[int, list[_Apport]] = {}
    nommes: set[int] = set()
    non_lus: list[str] = []

    def ajouter(jours: list[int], creneaux: list[Intervalle], source: str) -> None:
        for jour in jours:
            apports.setdefault(jour, []).append(_Apport(tuple(creneaux), len(set(jours)) == 1, source))

    fermetures = list(_FERMETURE_JOURS.finditer(lu.plie))
    for fermeture in fermetures:
        jours = _jours_nommes(fermeture["jours"])
        nommes.update(jours)
        ajouter(jours, [], lu.propre[fermeture.start() : fermeture.end()])
    reste = lu.masquer([fermeture.span() for fermeture in fermetures])

    for nom, horaires in _mentions(reste, non_lus):
        jours = _jours_nommes(nom.plie)
        nommes.update(jours)
        horaires = horaires.rogner(_BORDS_MENTION)
        if not horaires.plie:
            non_lus.append(nom.propre)  # des jours nommés sans horaires
            continue
        creneaux, non_lus_mention = _lire_horaires_mention(horaires)
        if creneaux is None and non_lus_mention:
            non_lus.append(f"{nom.propre} {horaires.propre}")  # rien de lu : toute la mention
        else:
            non_lus.extend(non_lus_mention)
        if creneaux is not None:
            ajouter(jours, creneaux, f"{nom.propre} {horaires.propre}")
    return apports, nommes, non_lus


def _lire_horaires_mention(horaires: _Texte) -> tuple[list[Intervalle] | None, list[str]]:
    """Les horaires qui suivent (ou précèdent) des jours : « : 9h-12h ; », « : fermé. », « : - »."""
    if _FERME.fullmatch(horaires.plie):
        return [], []
    return _lire_horaires(horaires.rogner(_BORDS))


def _mentions(texte: _Texte, non_lus: list[str]) -> list[tuple[_Texte, _Texte]]:
    """Les couples (jours nommés, horaires) ; rapporte ce qui traîne hors des mentions."""
    du_mois = [trouve.span() for trouve in _JOUR_DU_MOIS.finditer(texte.plie)]
    noms = [
        trouve
        for trouve in _DES_JOURS_RE.finditer(texte.plie)
        if not any(debut <= trouve.start() < fin for debut, fin in du_mois)
    ]
    if not noms:
        non_lus.extend(_reste_non_neutre(texte))
        return []
    bornes = [0] + [n.start() for n in noms] + [len(texte.plie)]
    heures_devant = bool(_CRENEAU.search(texte.plie, 0, noms[0].start()))
    if heures_devant:  # « 9h-12h du lundi au vendredi » : les heures avant les jours
        horaires = [texte[noms[k - 1].end() if k else 0 : nom.start()] for k, nom in enumerate(noms)]
        non_lus.extend(_reste_non_neutre(texte[noms[-1].end() :]))
    else:  # « du lundi au vendredi 9h-12h » : les heures après les jours
        horaires = [texte[nom.end() : bornes[k + 2]] for k, nom in enumerate(noms)]
        non_lus.extend(_reste_non_neutre(texte[: noms[0].start()]))
    return [(texte[nom.start() : nom.end()], heures) for nom, heures in zip(noms, horaires, strict=True)]


def _jours_nommes(texte_plie: str) -> list[int]:
    """« du lundi au mercredi et le vendredi » -> [0, 1, 2, 4] ; « samedi au lundi » -> [5, 6, 0]."""
    jours: list[int] = []
    for element in _ELEMENT_RE.finditer(texte_plie):
        if element["seul"]:
            jours.append(_index_jour(element["seul"]))
        else:
            de = _index_jour(element["de"] or element["de_court"])
            a = _index_jour(element["a"] or element["a_court"])
            jours.extend(jour % 7 for jour in range(de, a + 1 if a >= de else a + 8))
    return list(dict.fromkeys(jours))


def _index_jour(nom: str) -> int:
    """« vendredi », « ven. », « ve » -> 4 (les deux premières lettres suffisent à distinguer les jours)."""
    return [jour[:2] for jour in JOURS].index(nom[:2])


def _resoudre(apports: dict[int, list[_Apport]], non_lus: list[str]) -> dict[int, list[Intervalle]]:
    """Les créneaux de chaque jour selon ses mentions (voir les règles de `lire_texte`)."""
    jours: dict[int, list[Intervalle]] = {}
    for jour, mentions in apports.items():
        retenues = [mention for mention in mentions if mention.precis] or mentions
        sources = " / ".join(dict.fromkeys(f"« {mention.source} »" for mention in retenues))
        fermee = any(not mention.creneaux for mention in retenues)
        creneaux = sorted({intervalle for mention in retenues for intervalle in mention.creneaux})
        if fermee and creneaux:
            non_lus.append(f"{JOURS[jour]} : indications contradictoires ({sources})")
        elif any(a.chevauche(b) for a, b in zip(creneaux, creneaux[1:], strict=False)):
            non_lus.append(f"{JOURS[jour]} : créneaux qui se chevauchent ({sources})")
        else:
            jours[jour] = creneaux
    return jours


# --- Calculs sur une semaine type -------------------------------------------------------------------


@dataclass
class Semaine:
    """Les horaires hebdomadaires d'une structure et ses exceptions datées.

    `jours` : jour (0 = lundi) -> créneaux ; {} si les horaires sont inconnus.
    `exceptions` : objets avec date_debut, date_fin, ferme, debut, fin, motif. Une exception `ferme`
    ferme les jours date_debut..date_fin ; sinon, avec debut et fin, elle remplace les horaires de ces
    jours par ce créneau (plusieurs exceptions du même jour s'ajoutent) ; sans debut ni fin, elle ne
    change rien. Les exceptions valent même si les horaires hebdomadaires sont inconnus.

    Les moments naïfs sont des heures de Paris ; les moments avec fuseau sont convertis. Les créneaux sur
    rendez-vous ne comptent pas comme « ouvert » (on ne peut pas y passer sans rendez-vous).
    """

    jours: dict[int, list[Intervalle]]
    exceptions: list = field(default_factory=list)

    def horaires_du(self, date: datetime.date) -> list[Intervalle] | None:
        """Les créneaux de cette date, exceptions comprises ; None si inconnus."""
        du_jour = [e for e in self.exceptions if e.date_debut <= date <= e.date_fin]
        if any(e.ferme for e in du_jour):
            return []
        speciaux = sorted(
            Intervalle(e.debut, e.fin) for e in du_jour if e.debut is not None and e.fin is not None and e.debut < e.fin
        )
        if speciaux:
            return speciaux
        return self.jours.get(date.weekday())

    def opening_hours(self) -> str:
        """Les horaires hebdomadaires au format OSM opening_hours ("" s'ils sont inconnus)."""
        return Lecture(jours=self.jours).opening_hours() if self.jours else ""

    def est_ouvert(self, moment: datetime.datetime) -> bool | None:
        """Ouvert sans rendez-vous à ce moment ? None si les horaires du jour sont inconnus."""
        local = a_paris(moment)
        libres = self._libres(local.date())
        if libres is None:
            return None
        return any(intervalle.contient(local.time()) for intervalle in libres)

    def prochaine_ouverture(self, moment: datetime.datetime) -> datetime.datetime | None:
        """Si c'est fermé à ce moment, le prochain début de créneau sans rendez-vous (heure de Paris).

        None si c'est ouvert, si rien n'ouvre dans les 14 jours, ou si un jour à traverser est inconnu.
        """
        local = a_paris(moment)
        instant = local.astimezone(datetime.UTC)
        for decalage in range(HORIZON_JOURS + 1):
            date = local.date() + datetime.timedelta(days=decalage)
            libres = self._libres(date)
            if libres is None:
                return None
            if decalage == 0 and any(intervalle.contient(local.time()) for intervalle in libres):
                return None
            for intervalle in libres:
                debut = _localiser(date, intervalle.debut)
                if debut.astimezone(datetime.UTC) > instant:
                    return debut
        return None

    def fermeture(self, moment: datetime.datetime) -> datetime.datetime | None:
        """Si c'est ouvert à ce moment, l'heure de fermeture (créneaux qui se touchent fusionnés)."""
        local = a_paris(moment)
        libres = self._libres(local.date()) or []
        courant = next((i for i in libres if i.contient(local.time())), None)
        if courant is None:
            return None
        fin = courant.fin
        for intervalle in libres:
            if intervalle.debut <= fin < intervalle.fin:
                fin = intervalle.fin
        return _localiser(local.date(), fin)

    def _libres(self, date: datetime.date) -> list[Intervalle] | None:
        """Les créneaux sans rendez-vous de cette date, triés ; None si inconnus."""
        horaires = self.horaires_du(date)
        return None if horaires is None else sorted(i for i in horaires if not i.sur_rdv)


def _localiser(date: datetime.date, heure: datetime.time) -> datetime.datetime:
    """Date et heure de Paris ; une heure qui n'existe pas (passage à l'heure d'été) avance d'une heure."""
    moment = datetime.datetime.combine(date, heure, tzinfo=PARIS)
    return moment.astimezone(datetime.UTC).astimezone(PARIS)
