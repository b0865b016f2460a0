"""Le montant dû à une structure pour une année : des règles pures, sans base de données.

- Le forfait de l'année est dû au prorata des jours où la structure est labellisée dans l'année civile
  (365 ou 366 jours). Les jours se lisent dans l'historique des statuts : un changement daté du jour J vaut
  à partir de J ; « labellisée » ouvre une période, « suspendue », « label retiré », « fermée » ou « en
  projet » la closent. Deux changements du même jour : le dernier enregistré l'emporte.
- Une structure itinérante (bus) reçoit en plus, l'année de sa première labellisation, l'aide de première
  année du barème (un montant fixe, pas au prorata).
- Le calcul est exact (fractions) et arrondi au centime une seule fois, au demi-centime supérieur. La
  répartition entre sources se fait ensuite au plus fort reste : la somme des parts est le montant arrondi.
"""

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

LABELLISEE = "labellisee"
CENTIME = Decimal("0.01")


@dataclass(frozen=True)
class Changement:
    date: date
    statut: str


def jours_dans_l_annee(annee: int) -> int:
    return 366 if calendar.isleap(annee) else 365


def changements_avec_labellisation(changements: Iterable[Changement], date_labellisation: date | None):
    """L'historique, complété par la date de labellisation de la fiche si aucun changement ne dit
    « labellisée » (structures importées sans historique)."""
    changements = list(changements)
    if date_labellisation and not any(c.statut == LABELLISEE for c in changements):
        changements.insert(0, Changement(date_labellisation, LABELLISEE))
    return changements


def jours_labellises(changements: Iterable[Changement], annee: int) -> int:
    """Les jours de l'année civile où la structure est labellisée. `changements` : dans l'ordre où ils ont
    eu lieu (date, puis enregistrement)."""
    debut, fin = date(annee, 1, 1), date(annee, 12, 31)
    labellisee, curseur, jours = False, debut, 0
    for changement in sorted(changements, key=lambda c: c.date):  # tri stable : l'ordre d'enregistrement reste
        if changement.date <= debut:
            labellisee = changement.statut == LABELLISEE
            continue
        if changement.date > fin:
            break
        if labellisee:
            jours += (changement.date - curseur).days
        curseur, labellisee = changement.date, changement.statut == LABELLISEE
    if labellisee:
        jours += (fin - curseur).days + 1
    return jours


def premiere_labellisation(changements: Iterable[Changement]) -> date | None:
    dates = [c.date for c in changements if c.statut == LABELLISEE]
    return min(dates) if dates else None


def arrondi_au_centime(valeur: Fraction) -> Decimal:
    """Arrondi au centime, le demi-centime vers le haut (montants positifs)."""
    centimes = math.floor(valeur * 100 + Fraction(1, 2))
    return (Decimal(centimes) / 100).quantize(CENTIME)


def forfait_au_prorata(forfait: Decimal, jours: int, annee: int) -> Decimal:
    """forfait × jours / jours de l'année, exact puis arrondi au centime une fois."""
    return arrondi_au_centime(Fraction(forfait) * jours / jours_dans_l_annee(annee))


def repartir(montant: Decimal, parts: dict) -> dict:
    """Répartit `montant` entre des clés au prorata de `parts` ({clé: poids}), au centime, au plus fort
    reste : la somme des montants répartis est exactement `montant`."""
    total = sum(parts.values())
    if not parts or not total:
        return {}
    centimes = int((montant * 100).to_integral_value())
    exactes = {cle: Fraction(centimes) * Fraction(poids) / Fraction(total) for cle, poids in parts.items()}
    entieres = {cle: int(valeur) for cle, valeur in exactes.items()}
    restes = sorted(exactes, key=lambda cle: (-(exactes[cle] - entieres[cle]), str(cle)))
    for cle in restes[: centimes - sum(entieres.values())]:
        entieres[cle] += 1
    return {cle: (Decimal(c) / 100).quantize(CENTIME) for cle, c in entieres.items()}


@dataclass(frozen=True)
class Du:
    """Ce qui est dû à une structure pour une année."""

    jours: int
    jours_annee: int
    forfait: Decimal  # au prorata
    aide_bus: Decimal
    par_source: dict  # {identifiant de source: montant}, forfait et aide du bus compris

    @property
    def total(self) -> Decimal:
        return self.forfait + self.aide_bus


def du_pour(
    changements, annee: int, *, forfait: Decimal, parts: dict, itinerante=False, aide_bus=Decimal("0"), source_bus=None
) -> Du:
    """Le dû d'une structure : `changements` déjà complétés (`changements_avec_labellisation`), `parts` :
    {identifiant de source: part du forfait}."""
    changements = list(changements)
    jours = jours_labellises(changements, annee)
    montant = forfait_au_prorata(forfait, jours, annee)
    par_source = repartir(montant, parts)
    aide = Decimal("0.00")
    premiere = premiere_labellisation(changements)
    if itinerante and jours and aide_bus and premiere is not None and premiere.year == annee:
        aide = Decimal(aide_bus).quantize(CENTIME)
        par_source[source_bus] = par_source.get(source_bus, Decimal("0.00")) + aide
    return Du(jours, jours_dans_l_annee(annee), montant, aide, par_source)


def euros(montant: Decimal) -> str:
    """« 15 123,29 € » : espace fine insécable des milliers, virgule décimale."""
    signe = "-" if montant < 0 else ""
    entier, decimales = f"{abs(montant):.2f}".split(".")
    groupes = f"{int(entier):,}".replace(",", "\u202f")
    return f"{signe}{groupes},{decimales}\u00a0€"
