"""L'annuaire public : les structures labellisées et leurs passages, gardés en mémoire dans chaque processus.

La page « Trouver une France services » est la plus demandée du site. Plutôt que cinq requêtes par
page (boîte de recherche, structures, créneaux, exceptions, passages), chaque processus garde une copie
des structures ouvertes au public, horaires compris, et de leurs points rangés par latitude : l'adresse
d'une structure fixe ; les arrêts d'un bus ou les lieux de permanence d'une structure multisite (on ne les
trouve pas à l'adresse de leur porteur, où ils ne reçoivent personne). Elle est rechargée :

- dès qu'une structure, un créneau, une exception ou un passage est enregistré ou supprimé dans ce
  processus (signaux) ;
- au plus tard DUREE_DE_VIE secondes après son chargement, pour voir les changements faits par les
  autres processus (import, autre worker gunicorn). Une information publique a donc au plus une minute
  de retard, ce qui est sans conséquence pour des horaires et des adresses.

Quelques milliers de structures tiennent dans quelques mégaoctets.
"""

import bisect
import hashlib
import math
import threading
import time
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

from guichet.reseau.horaires import Intervalle, Semaine
from guichet.reseau.models import Creneau, ExceptionHoraire, Passage, Structure

DUREE_DE_VIE = 60  # secondes


@dataclass(frozen=True)
class Point:
    """Où l'on trouve une structure : son adresse, ou l'un de ses arrêts ou lieux de permanence."""

    latitude: float
    longitude: float
    structure: Structure
    passage: Passage | None = None


@dataclass
class Annuaire:
    points: list = field(default_factory=list)  # triés par latitude
    latitudes: list = field(default_factory=list)  # latitudes des points, dans le même ordre
    passages: list = field(default_factory=list)  # (latitude, longitude, passage)
    charge_le: float = 0.0
    # L'empreinte du contenu : ne change que si les données publiques ont changé. Elle entre dans les clés
    # de cache des pages, qui survivent ainsi aux rechargements périodiques sans changement.
    empreinte: str = ""

    def points_dans(self, lat_min, lat_max, lon_min, lon_max):
        """Les points dans la boîte (bornes comprises)."""
        debut = bisect.bisect_left(self.latitudes, lat_min)
        fin = bisect.bisect_right(self.latitudes, lat_max)
        return [p for p in self.points[debut:fin] if lon_min <= p.longitude <= lon_max]


_annuaire: Annuaire | None = None
_verrou = threading.Lock()


def _charger() -> Annuaire:
    structures = {
        s.pk: s
        for s in Structure.objects.ouvertes_au_public()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("commune")
        .defer("commune__contour", "commune__mairie_adresse")
        .prefetch_related("creneaux", "exceptions")
    }
    for s in structures.values():
        # Lus une fois au chargement, pas à chaque page.
        s.url = s.get_absolute_url()
        s.arrets = []
    passages = []
    for p in (
        Passage.objects.filter(structure_id__in=structures)
        .select_related("commune")
        .defer("commune__contour", "commune__mairie_adresse")
        .order_by("jour", "debut", "pk")
    ):
        p.structure = structures[p.structure_id]
        lat, lon = p.latitude or p.commune.latitude, p.longitude or p.commune.longitude
        if lat is not None and lon is not None:
            p.point = (lat, lon)
            passages.append((lat, lon, p))
            p.structure.arrets.append(p)
    points = []
    for s in structures.values():
        s.itinerante_ou_multisite = s.forme != Structure.Forme.FIXE and bool(s.arrets)
        s.horaires = semaine_des_arrets(s) if s.itinerante_ou_multisite else s.semaine()
        if s.itinerante_ou_multisite:
            points.extend(Point(*p.point, s, p) for p in s.arrets)
        else:
            points.append(Point(s.latitude, s.longitude, s))
    points.sort(key=lambda p: (p.latitude, p.structure.pk))
    return Annuaire(points, [p.latitude for p in points], passages, time.monotonic(), _empreinte(structures.values()))


def semaine_des_arrets(structure) -> Semaine:
    """Les horaires d'un bus ou d'une structure multisite : ceux de ses arrêts ou permanences, tous lieux
    confondus (il est « ouvert » quand il reçoit quelque part), avec ses exceptions (congés, fériés)."""
    jours = {}
    for p in structure.arrets:
        jours.setdefault(p.jour, []).append(Intervalle(p.debut, p.fin))
    return Semaine(jours={j: sorted(jours.get(j, [])) for j in range(7)}, exceptions=list(structure.exceptions.all()))


def _empreinte(structures) -> str:
    """Ce que montrent les pages publiques de l'annuaire, résumé : change dès qu'une donnée montrée change."""
    sha = hashlib.sha256()
    for s in sorted(structures, key=lambda s: s.pk):
        contenu = (
            s.pk,
            s.modifie_le.isoformat() if s.modifie_le else "",
            [(c.jour, c.debut, c.fin, c.sur_rdv) for c in s.creneaux.all()],
            [(e.date_debut, e.date_fin, e.ferme, e.debut, e.fin, e.motif) for e in s.exceptions.all()],
            [(p.pk, p.commune_id, p.lieu, p.point, p.jour, p.debut, p.fin) for p in s.arrets],
        )
        sha.update(repr(contenu).encode())
    return sha.hexdigest()[:16]


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
