"""Le tableau de qualité du back-office, par opérateur × département, mesuré sur les demandes.

Pour une période [debut, fin] (jours inclus, heure de Paris) :

- demandes reçues : adressées à l'opérateur dans la période, à l'envoi ou par réorientation vers lui ;
- réorientations : « pas le bon interlocuteur » répondues en son nom dans la période ; la part
  réorientée les rapporte aux demandes reçues ;
- délai de première réponse (médiane, 90e centile), en heures ouvrées (`echeances.heures_ouvrees_entre`),
  sur les demandes qu'il détient (routées vers lui dans la période, non réorientées ensuite) et auxquelles
  il a répondu ;
- part répondue dans le délai de son engagement de réponse en vigueur à la réception (72 heures
  ouvrées aujourd'hui ; voir `demandes.models.EngagementDeReponse`) : parmi ses demandes dont l'issue
  est connue (répondues, ou sans réponse et échéance passée) ;
- utilité : parts de « oui », « non », « je ne sais pas » parmi ses demandes clôturées avec un avis.

Chaque chiffre est accompagné de l'effectif sur lequel il porte. Les centiles sont calculés en Python
(interpolation linéaire entre les rangs, comme le « type 7 » de R et la valeur par défaut de numpy),
donc identiques sous SQLite et PostgreSQL. Les données personnelles ne sont jamais lues.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from guichet.demandes import echeances
from guichet.demandes.models import Demande, Message, Nature, Utilite
from guichet.reseau.models import Operateur
from guichet.temps import bornes
from guichet.territoires.models import Departement


def centile(valeurs: list[float], q: float) -> float | None:
    """Le centile q (0 à 1) par interpolation linéaire entre les rangs ; None pour une liste vide."""
    if not valeurs:
        return None
    tri = sorted(valeurs)
    position = (len(tri) - 1) * q
    bas, haut = math.floor(position), math.ceil(position)
    return tri[bas] + (tri[haut] - tri[bas]) * (position - bas)


def _part(numerateur: int, denominateur: int) -> float | None:
    return None if not denominateur else 100 * numerateur / denominateur


@dataclass
class Mesures:
    """Les chiffres d'un couple opérateur × département (ou d'un ensemble, pour le total)."""

    operateur: Operateur | None = None
    departement: Departement | None = None
    recues: int = 0
    reorientations: int = 0
    detenues: int = 0
    delais: list = field(default_factory=list)  # heures ouvrées jusqu'à la première réponse
    a_temps: int = 0  # répondues en 72 heures ouvrées au plus
    issue_connue: int = 0  # répondues, ou sans réponse et échéance passée
    en_cours: int = 0  # sans réponse, échéance pas encore passée
    utilite: Counter = field(default_factory=Counter)

    def ajouter(self, autre: "Mesures"):
        self.recues += autre.recues
        self.reorientations += autre.reorientations
        self.detenues += autre.detenues
        self.delais.extend(autre.delais)
        self.a_temps += autre.a_temps
        self.issue_connue += autre.issue_connue
        self.en_cours += autre.en_cours
        self.utilite.update(autre.utilite)

    @property
    def repondues(self) -> int:
        return len(self.delais)

    @property
    def mediane(self) -> float | None:
        return centile(self.delais, 0.5)

    @property
    def centile_90(self) -> float | None:
        return centile(self.delais, 0.9)

    @property
    def part_72h(self) -> float | None:
        return _part(self.a_temps, self.issue_connue)

    @property
    def part_reorientee(self) -> float | None:
        return _part(self.reorientations, self.recues)

    @property
    def avis(self) -> int:
        return sum(self.utilite.values())

    @property
    def parts_utilite(self) -> dict[str, float | None]:
        return {u: _part(self.utilite[u], self.avis) for u in Utilite.values}


@dataclass
class Tableau:
    debut: date
    fin: date
    maintenant: datetime
    lignes: list
    total: Mesures


def _q(perimetre, champ_operateur: str, champ_departement: str) -> Q:
    if perimetre.tout:
        return Q()
    q = Q(**{f"{champ_departement}__in": perimetre.departements}) if perimetre.departements else Q(pk__in=[])
    for operateur_id, departement_id in sorted(perimetre.paires):
        q |= Q(**{champ_operateur: operateur_id, champ_departement: departement_id})
    return q


def _filtre(champ_operateur, champ_departement, operateur_id, departement_id) -> Q:
    q = Q()
    if operateur_id:
        q &= Q(**{champ_operateur: operateur_id})
    if departement_id:
        q &= Q(**{champ_departement: departement_id})
    return q


def calculer(perimetre, debut: date, fin: date, operateur_id=None, departement_id=None, maintenant=None) -> Tableau:
    """Le tableau de la période pour le périmètre (`permissions_qualite.perimetre_qualite`), filtré au besoin."""
    maintenant = maintenant or timezone.now()
    de, a = bornes(debut, fin)
    mesures: dict[tuple[int, int], Mesures] = {}

    def ligne(operateur_id, departement_id) -> Mesures:
        return mesures.setdefault((operateur_id, departement_id), Mesures())

    # Reçues à l'envoi.
    envois = (
        Demande.objects.filter(_q(perimetre, "operateur_initial_id", "departement_id"))
        .filter(_filtre("operateur_initial_id", "departement_id", operateur_id, departement_id))
        .filter(envoyee_le__gte=de, envoyee_le__lt=a)
        .values_list("operateur_initial_id", "departement_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for op, dep, n in envois:
        ligne(op, dep).recues += n

    # Reçues par réorientation, et réorientations faites.
    reorientations = Message.objects.filter(nature=Nature.PAS_LE_BON_INTERLOCUTEUR, cree_le__gte=de, cree_le__lt=a)
    entrantes = (
        reorientations.filter(_q(perimetre, "operateur_cible_id", "demande__departement_id"))
        .filter(_filtre("operateur_cible_id", "demande__departement_id", operateur_id, departement_id))
        .values_list("operateur_cible_id", "demande__departement_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for op, dep, n in entrantes:
        ligne(op, dep).recues += n
    sortantes = (
        reorientations.filter(operateur_id__isnull=False)
        .filter(_q(perimetre, "operateur_id", "demande__departement_id"))
        .filter(_filtre("operateur_id", "demande__departement_id", operateur_id, departement_id))
        .values_list("operateur_id", "demande__departement_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for op, dep, n in sortantes:
        ligne(op, dep).reorientations += n

    # Détenues : délai de première réponse, respect des 72 heures, utilité.
    detenues = (
        Demande.objects.filter(_q(perimetre, "operateur_id", "departement_id"))
        .filter(_filtre("operateur_id", "departement_id", operateur_id, departement_id))
        .filter(routee_le__gte=de, routee_le__lt=a)
        .values_list(
            "operateur_id",
            "departement_id",
            "departement__code",
            "routee_le",
            "premiere_reponse_le",
            "echeance_le",
            "cloturee_le",
            "utile",
        )
        .order_by()
    )
    for op, dep, code, routee_le, reponse_le, echeance_le, cloturee_le, utile in detenues.iterator(chunk_size=2000):
        m = ligne(op, dep)
        m.detenues += 1
        if reponse_le is not None:
            duree = echeances.heures_ouvrees_entre(routee_le, reponse_le, code)
            m.delais.append(duree.total_seconds() / 3600)
            m.issue_connue += 1
            # L'engagement en vigueur quand la demande a été adressée à l'opérateur (son échéance).
            m.a_temps += reponse_le <= echeance_le
        elif maintenant >= echeance_le:
            m.issue_connue += 1
        else:
            m.en_cours += 1
        if cloturee_le is not None and utile in Utilite.values:
            m.utilite[utile] += 1

    operateurs = Operateur.objects.in_bulk({op for op, _ in mesures})
    departements = Departement.objects.in_bulk({dep for _, dep in mesures})
    total = Mesures()
    for (op, dep), m in mesures.items():
        m.operateur, m.departement = operateurs[op], departements[dep]
        total.ajouter(m)
    lignes = sorted(mesures.values(), key=lambda m: (m.departement.code, m.operateur.nom.lower(), m.operateur.pk))
    return Tableau(debut=debut, fin=fin, maintenant=maintenant, lignes=lignes, total=total)
