"""Ce que la couverture compare : les origines (les communes, au point de leur mairie, pesées par leur
population) et les destinations (les lieux où l'on trouve une France services), lues du registre.

Destinations :

- chaque structure labellisée fixe (espace ou antenne), à son adresse ; une structure itinérante ou
  multisite sans aucun passage enregistré compte aussi à son adresse (comme sur la carte publique) ;
- chaque arrêt du bus et chaque permanence, à son point (ou à la mairie de sa commune), avec ses
  horaires de la semaine : un arrêt hebdomadaire n'est pas un guichet ouvert tous les jours, la page le dit ;
- variante « sites fixes seulement » : les structures fixes, sans arrêts ni permanences.

Les tableaux sont des `numpy` : les moteurs travaillent sur eux en bloc.
"""

from dataclasses import dataclass, field

import numpy as np

from guichet.reseau.models import Passage, Structure
from guichet.territoires.models import Commune

STRUCTURE, ARRET, PERMANENCE, HYPOTHESE = "structure", "arret", "permanence", "hypothese"
LIBELLES_TYPES = {
    STRUCTURE: "Site fixe ou antenne",
    ARRET: "Arrêt du bus",
    PERMANENCE: "Permanence",
    HYPOTHESE: "Lieu hypothétique",
}


@dataclass
class Origines:
    """Les communes (ou des carreaux de population) : un point et une population chacune."""

    codes: np.ndarray  # code INSEE (chaînes)
    noms: np.ndarray
    departements: np.ndarray  # code du département
    population: np.ndarray  # int64
    lat: np.ndarray
    lon: np.ndarray

    def __len__(self):
        return len(self.codes)

    def sous_ensemble(self, masque) -> "Origines":
        return Origines(
            *(getattr(self, n)[masque] for n in ("codes", "noms", "departements", "population", "lat", "lon"))
        )


@dataclass
class Destination:
    cle: str  # « S:matricule » ou « P:id du premier passage » ; stable d'un calcul à l'autre
    matricule: str
    nom: str
    type: str
    lat: float
    lon: float
    departement: str
    commune: str = ""
    horaires: list[str] = field(default_factory=list)  # arrêts et permanences : « mercredi 9 h–12 h »

    def en_dict(self) -> dict:
        return {
            "cle": self.cle,
            "matricule": self.matricule,
            "nom": self.nom,
            "type": self.type,
            "type_libelle": LIBELLES_TYPES[self.type],
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "departement": self.departement,
            "commune": self.commune,
            "horaires": self.horaires,
        }


@dataclass
class Destinations:
    liste: list[Destination]
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def depuis(cls, liste) -> "Destinations":
        return cls(
            liste=list(liste),
            lat=np.array([d.lat for d in liste], dtype=float),
            lon=np.array([d.lon for d in liste], dtype=float),
        )

    def __len__(self):
        return len(self.liste)

    def sans(self, indices) -> "Destinations":
        retires = set(int(i) for i in indices)
        return Destinations.depuis([d for i, d in enumerate(self.liste) if i not in retires])


def lire_origines(departements=None) -> Origines:
    """Les communes qui ont un point (la mairie), éventuellement de certains départements (codes)."""
    communes = Commune.objects.exclude(latitude=None).exclude(longitude=None)
    if departements:
        communes = communes.filter(departement__code__in=list(departements))
    lignes = list(
        communes.order_by("code").values_list("code", "nom", "departement__code", "population", "latitude", "longitude")
    )
    if not lignes:
        vide = np.array([], dtype=object)
        return Origines(vide, vide, vide, np.array([], dtype=np.int64), np.array([]), np.array([]))
    codes, noms, deps, pops, lats, lons = zip(*lignes, strict=True)
    return Origines(
        codes=np.array(codes, dtype=object),
        noms=np.array(noms, dtype=object),
        departements=np.array(deps, dtype=object),
        population=np.array(pops, dtype=np.int64),
        lat=np.array(lats, dtype=float),
        lon=np.array(lons, dtype=float),
    )


def _heure(t) -> str:
    return f"{t.hour} h" if not t.minute else f"{t.hour} h {t.minute:02d}"


def lire_destinations(fixes_seulement=False) -> Destinations:
    """Les lieux ouverts au public du registre (structures labellisées) : sites, arrêts, permanences.

    Des tuples (`values_list`), pas des objets : des milliers de lignes lues à chaque changement du registre."""
    structures = Structure.objects.ouvertes_au_public()
    avec_passages = set(
        Passage.objects.filter(structure__in=structures).values_list("structure_id", flat=True).distinct()
    )
    liste = []
    for pk, matricule, nom, forme, lat, lon, departement, commune in structures.order_by("matricule").values_list(
        "pk", "matricule", "nom", "forme", "latitude", "longitude", "commune__departement__code", "commune__nom"
    ):
        fixe = forme == Structure.Forme.FIXE
        if fixe or (not fixes_seulement and pk not in avec_passages):
            liste.append(
                Destination(
                    cle=f"S:{matricule}",
                    matricule=matricule,
                    nom=nom,
                    type=STRUCTURE,
                    lat=lat,
                    lon=lon,
                    departement=departement,
                    commune=commune,
                )
            )
    if not fixes_seulement:
        passages = (
            Passage.objects.filter(structure__in=structures.exclude(forme=Structure.Forme.FIXE))
            .order_by("structure__matricule", "commune__code", "lieu", "jour", "debut")
            .values_list(
                "pk",
                "structure_id",
                "structure__matricule",
                "structure__nom",
                "structure__forme",
                "commune_id",
                "commune__nom",
                "commune__departement__code",
                "commune__latitude",
                "commune__longitude",
                "lieu",
                "latitude",
                "longitude",
                "jour",
                "debut",
                "fin",
            )
        )
        jours = dict(Passage._meta.get_field("jour").flatchoices)
        groupes: dict[tuple, Destination] = {}
        for (
            pk,
            structure_id,
            matricule,
            nom,
            forme,
            commune_id,
            commune,
            departement,
            commune_lat,
            commune_lon,
            lieu,
            lat,
            lon,
            jour,
            debut,
            fin,
        ) in passages:
            lat = lat if lat is not None else commune_lat
            lon = lon if lon is not None else commune_lon
            if lat is None or lon is None:
                continue
            cle = (structure_id, commune_id, lieu, round(lat, 5), round(lon, 5))
            if cle not in groupes:
                groupes[cle] = Destination(
                    cle=f"P:{pk}",
                    matricule=matricule,
                    nom=f"{nom} — {commune}, {lieu}",
                    type=ARRET if forme == Structure.Forme.ITINERANTE else PERMANENCE,
                    lat=lat,
                    lon=lon,
                    departement=departement,
                    commune=commune,
                )
                liste.append(groupes[cle])
            groupes[cle].horaires.append(f"{jours.get(jour, jour)} {_heure(debut)}–{_heure(fin)}")
    return Destinations.depuis(liste)
