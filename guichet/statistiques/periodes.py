"""Les périodes d'un tableau de bord : un mois, un trimestre, une année ou des dates choisies."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MOIS_COURTS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
# Au-delà, la courbe d'évolution est tracée par mois plutôt que par jour.
JOURS_MAX_PAR_JOUR = 62


def decaler_mois(jour: date, mois: int) -> date:
    """Le premier du mois décalé de `mois` mois."""
    index = jour.year * 12 + jour.month - 1 + mois
    return date(index // 12, index % 12 + 1, 1)


def fin_du_mois(jour: date) -> date:
    return decaler_mois(jour, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Periode:
    nature: str  # "mois", "trimestre", "annee" ou "dates"
    debut: date
    fin: date  # incluse

    @classmethod
    def mois(cls, annee: int, mois: int):
        debut = date(annee, mois, 1)
        return cls("mois", debut, fin_du_mois(debut))

    @classmethod
    def trimestre(cls, annee: int, trimestre: int):
        debut = date(annee, 3 * (trimestre - 1) + 1, 1)
        return cls("trimestre", debut, fin_du_mois(decaler_mois(debut, 2)))

    @classmethod
    def annee(cls, annee: int):
        return cls("annee", date(annee, 1, 1), date(annee, 12, 31))

    @classmethod
    def dates(cls, debut: date, fin: date):
        return cls("dates", debut, fin)

    @property
    def jours(self) -> int:
        return (self.fin - self.debut).days + 1

    @property
    def grain(self) -> str:
        """« jour » ou « mois » : le pas de la courbe d'évolution."""
        return "jour" if self.jours <= JOURS_MAX_PAR_JOUR else "mois"

    def tronquee(self, aujourd_hui: date) -> "Periode":
        """La période arrêtée à aujourd'hui (un mois en cours s'arrête à ce jour)."""
        if self.fin <= aujourd_hui or self.debut > aujourd_hui:
            return self
        return replace(self, fin=aujourd_hui)

    def precedente(self) -> "Periode":
        """La période de même nature juste avant, de même longueur au plus (un mois en cours se
        compare au début du mois précédent, une année en cours aux mêmes dates l'an passé)."""
        if self.nature == "dates":
            return replace(self, debut=self.debut - timedelta(days=self.jours), fin=self.debut - timedelta(days=1))
        pas = {"mois": 1, "trimestre": 3, "annee": 12}[self.nature]
        debut = decaler_mois(self.debut, -pas)
        fin = min(debut + (self.fin - self.debut), self.debut - timedelta(days=1))
        return replace(self, debut=debut, fin=fin)

    @property
    def fin_naturelle(self) -> date:
        if self.nature == "dates":
            return self.fin
        pas = {"mois": 1, "trimestre": 3, "annee": 12}[self.nature]
        return decaler_mois(self.debut, pas) - timedelta(days=1)

    @property
    def libelle(self) -> str:
        if self.nature == "mois":
            texte = f"{MOIS[self.debut.month - 1]} {self.debut.year}"
        elif self.nature == "trimestre":
            numero = (self.debut.month - 1) // 3 + 1
            texte = f"{numero}{'er' if numero == 1 else 'e'} trimestre {self.debut.year}"
        elif self.nature == "annee":
            texte = f"année {self.debut.year}"
        else:
            return f"du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"
        if self.fin < self.fin_naturelle:
            texte += f" (jusqu'au {self.fin:%d/%m/%Y})"
        return texte

    def mois_couverts(self) -> list[date]:
        """Les premiers jours des mois que touche la période."""
        resultat, mois = [], self.debut.replace(day=1)
        while mois <= self.fin:
            resultat.append(mois)
            mois = decaler_mois(mois, 1)
        return resultat

    def decoupage(self):
        """(mois entiers, jours isolés) : les mois entièrement compris dans la période, lus dans les
        agrégats mensuels, et les plages de jours restantes (début et fin de période), lues dans les
        agrégats du jour."""
        entiers = [m for m in self.mois_couverts() if m >= self.debut and fin_du_mois(m) <= self.fin]
        if not entiers:
            return [], [(self.debut, self.fin)]
        plages = []
        if self.debut < entiers[0]:
            plages.append((self.debut, entiers[0] - timedelta(days=1)))
        fin_entiers = fin_du_mois(entiers[-1])
        if fin_entiers < self.fin:
            plages.append((fin_entiers + timedelta(days=1), self.fin))
        return entiers, plages

    def etiquettes(self) -> list[tuple[date, str]]:
        """Les pas de la courbe d'évolution : (clé, libellé court)."""
        if self.grain == "jour":
            return [
                (self.debut + timedelta(days=i), f"{self.debut + timedelta(days=i):%d/%m}") for i in range(self.jours)
            ]
        return [(m, f"{MOIS_COURTS[m.month - 1]} {m.year}") for m in self.mois_couverts()]
