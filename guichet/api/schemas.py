from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from guichet.activite.models import DELAI_CORRECTION
from guichet.activite.regles import TOLERANCE_FUTUR, VALEURS
from guichet.reseau.models import Structure


class FiltreProximite(Schema):
    near: str = Field(..., description="Point de recherche « LAT,LON » en WGS 84, par exemple 45.26,1.77")
    limit: int = Field(10, ge=1, le=100, description="Nombre de structures (1 à 100)")


class Passage(Schema):
    commune: str
    code_insee: str
    lieu: str
    jour: str
    debut: str
    fin: str


class StructureProche(Schema):
    matricule: str
    nom: str
    forme: str
    adresse: str
    code_postal: str
    commune: str
    code_insee: str
    latitude: float
    longitude: float
    distance_km: float | None = None
    ouvert_maintenant: bool | None = Field(None, description="null quand les horaires ne sont pas connus")
    prochaine_ouverture: datetime | None = None
    opening_hours: str = Field("", description="Horaires au format OpenStreetMap opening_hours")
    url: str

    @classmethod
    def champs(cls, s: Structure, maintenant, **extra) -> dict:
        semaine = s.semaine()
        ouvert = semaine.est_ouvert(maintenant)
        return {
            "matricule": s.matricule,
            "nom": s.nom,
            "forme": s.forme,
            "adresse": s.adresse,
            "code_postal": s.code_postal,
            "commune": s.commune.nom,
            "code_insee": s.commune.code,
            "latitude": s.latitude,
            "longitude": s.longitude,
            "ouvert_maintenant": ouvert,
            "prochaine_ouverture": semaine.prochaine_ouverture(maintenant) if ouvert is False else None,
            "opening_hours": semaine.opening_hours(),
            "url": s.get_absolute_url(),
            **extra,
        }

    @classmethod
    def depuis(cls, s: Structure, maintenant, **extra):
        return cls(**cls.champs(s, maintenant, **extra))


class StructureDetail(StructureProche):
    statut: str
    format: str
    type_porteur: str
    nom_porteur: str
    email: str
    telephone: str
    date_labellisation: str | None
    operateurs: list[str]
    passages: list[Passage]
    equipements: dict[str, bool]

    @classmethod
    def depuis(cls, s: Structure, maintenant, **extra):
        return cls(
            **cls.champs(s, maintenant),
            statut=s.statut,
            format=s.format,
            type_porteur=s.type_porteur,
            nom_porteur=s.nom_porteur,
            email=s.email,
            telephone=s.telephone,
            date_labellisation=s.date_labellisation.isoformat() if s.date_labellisation else None,
            operateurs=[o.nom for o in s.operateurs.all()],
            passages=[
                Passage(
                    commune=p.commune.nom,
                    code_insee=p.commune.code,
                    lieu=p.lieu,
                    jour=p.get_jour_display(),
                    debut=p.debut.strftime("%H:%M"),
                    fin=p.fin.strftime("%H:%M"),
                )
                for p in s.passages.all()
            ],
            equipements={
                "poste_libre_acces": s.poste_libre_acces,
                "poste_webcam": s.poste_webcam,
                "espace_confidentiel": s.espace_confidentiel,
                "accessible_pmr": s.accessible_pmr,
            },
        )


# Accompagnements : les valeurs permises viennent des règles de l'activité (une seule définition).


def _choix(champ: str):
    return Literal[VALEURS[champ]]


class AccompagnementEntree(Schema):
    """Un accompagnement, par codes. Seuls `id`, `operateur`, `type_aide`, `resultat` et `duree` sont obligatoires."""

    id: str = Field(
        ..., description="UUID créé par le client : un même id envoyé deux fois n'est enregistré qu'une fois"
    )
    structure: str | int | None = Field(
        None, description="Matricule (« FS-01-001 ») ou identifiant ; facultatif si l'agent n'a qu'une structure"
    )
    le: datetime | None = Field(
        None,
        description=f"Date et heure (ISO 8601) ; par défaut l'heure de réception. Au plus "
        f"{int(TOLERANCE_FUTUR.total_seconds() // 60)} minutes dans le futur (dérive des horloges), au plus "
        f"{DELAI_CORRECTION.days} jours dans le passé (le délai de correction).",
    )
    canal: _choix("canal") | None = Field("accueil", description="Par défaut : accueil")
    operateur: str = Field(..., description="Code de l'opérateur : caf, france-titres, finances-publiques…")
    demarche: str | None = Field(None, description="Code de la démarche dans le catalogue de l'opérateur")
    evenement: str | None = Field(None, description="Code de l'événement de vie : demenagement, naissance…")
    type_aide: _choix("type_aide")
    resultat: _choix("resultat")
    duree: _choix("duree")
    tranche_age: _choix("tranche_age") | None = None
    premiere_visite: bool | None = None
    autonomie: _choix("autonomie") | None = None
    besoin_allophone: bool = False
    besoin_handicap: bool = False


class LigneEnregistree(Schema):
    index: int
    id: str
    statut: str = Field(..., description="« cree » ou « deja_present »")


class ReponseLot(Schema):
    crees: int
    deja_presents: int
    resultats: list[LigneEnregistree]


class ErreurChamp(Schema):
    index: int | None = Field(None, description="Rang de l'accompagnement dans la liste (0 pour un objet seul)")
    champ: str
    message: str


class ReponseErreurs(Schema):
    detail: str
    erreurs: list[ErreurChamp]
