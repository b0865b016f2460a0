"""L'annuaire public : les structures labellisées et leurs passages, gardés en mémoire dans chaque processus.

La page « Trouver une France services » est la plus demandée du site. Plutôt que cinq requêtes par
page (boîte de recherche, structures, créneaux, exceptions, passages), chaque processus garde une copie
des structures ouvertes au public, horaires compris, rangées par latitude. Elle est rechargée :

- dès qu'une structure, un créneau, une exception ou un passage est enregistré ou supprimé dans ce
  processus (signaux) ;
- au plus tard DUREE_DE_VIE secondes après son chargement, pour voir les changements faits par les
  autres processus (import, autre worker gunicorn). Une information publique a donc au plus une minute
  de retard, ce qui est sans conséquence pour des horaires et des adresses.

Quelques milliers de structures tiennent dans quelques mégaoctets.
"""

import bisect
import itertools
import math
import threading
import time
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

from guichet.reseau.models import Creneau, ExceptionHoraire, Passage, Structure

DUREE_DE_VIE = 60  # secondes


@dataclass
class Annuaire:
    structures: list = field(default_factory=list)  # triées par latitude
    latitudes: list = field(default_factory=list)  # latitudes des structures, dans le même ordre
    passages: list = field(default_factory=list)  # (latitude, longitude, passage)
    charge_le: float = 0.0
    generation: int = 0  # change à chaque chargement : entre dans les clés de cache des résultats

    def structures_dans(self, lat_min, lat_max, lon_min, lon_max):
        """Les structures dont le point est dans la boîte (bornes comprises)."""
        debut = bisect.bisect_left(self.latitudes, lat_min)
        fin = bisect.bisect_right(self.latitudes, lat_max)
        return [s for s in self.structures[debut:fin] if lon_min <= s.longitude <= lon_max]


_annuaire: Annuaire | None = None
_generations = itertools.count(1)
_verrou = threading.Lock()


def _charger() -> Annuaire:
    structures = sorted(
        Structure.objects.ouvertes_au_public()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("commune")
        .defer("commune__contour", "commune__mairie_adresse")
        .prefetch_related("creneaux", "exceptions"),
        key=lambda s: s.latitude,
    )
    for s in structures:
        # Lus une fois au chargement, pas à chaque page.
        s.horaires = s.semaine()
        s.url = s.get_absolute_url()
    passages = []
    for p in (
        Passage.objects.filter(structure__statut=Structure.Statut.LABELLISEE)
        .select_related("structure", "commune")
        .defer("commune__contour", "commune__mairie_adresse")
    ):
        lat, lon = p.latitude or p.commune.latitude, p.longitude or p.commune.longitude
        if lat is not None and lon is not None:
            p.structure.url = p.structure.get_absolute_url()
            passages.append((lat, lon, p))
    return Annuaire(structures, [s.latitude for s in structures], passages, time.monotonic(), next(_generations))


def annuaire() -> Annuaire:
    """L'annuaire de ce processus, rechargé s'il a plus de DUREE_DE_VIE secondes ou a été invalidé."""
    global _annuaire
    courant = _annuaire
    if courant is None or time.monotonic() - courant.charge_le > DUREE_DE_VIE:
        with _verrou:
            courant = _annuaire
            if courant is None or time.monotonic() - courant.charge_le > DUREE_DE_VIE:
                courant = _annuaire = _charger()
    return courant


def invalider(**kwargs):
    """Oublie l'annuaire : la prochaine recherche le recharge."""
    global _annuaire
    _annuaire = None


for _modele in (Structure, Creneau, ExceptionHoraire, Passage):
    post_save.connect(invalider, sender=_modele, dispatch_uid=f"annuaire-{_modele.__name__}-save")
    post_delete.connect(invalider, sender=_modele, dispatch_uid=f"annuaire-{_modele.__name__}-delete")


def boite(lat, lon, demi_cote_km):
    """La boîte (lat_min, lat_max, lon_min, lon_max) de demi-côté `demi_cote_km` autour du point."""
    dlat = demi_cote_km / 111.2
    dlon = demi_cote_km / max(111.2 * math.cos(math.radians(lat)), 1e-6)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
