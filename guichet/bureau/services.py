"""Ce que montre le bureau de l'agent : activité du jour, liens des opérateurs, annuaire des référents, guides.

Les droits viennent de `guichet.permissions` ; ce module ne fait que lire et ranger.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count

from guichet import permissions
from guichet.activite.models import Accompagnement
from guichet.bureau import permissions as permissions_bureau
from guichet.bureau.models import EtapeGuide, LienOperateur
from guichet.connaissances.models import Fiche
from guichet.demarches.models import EvenementDeVie
from guichet.temps import bornes_du_jour

URL_FICHE_SERVICE_PUBLIC = "https://www.service-public.fr/particuliers/vosdroits/{}"


@dataclass
class ActiviteStructure:
    structure: object
    total: int = 0
    les_miens: int = 0
    par_operateur: list = field(default_factory=list)  # [(nom de l'opérateur, nombre)], du plus fréquent au moins


def activite_du_jour(user, jour=None) -> list[ActiviteStructure]:
    """Les accompagnements du jour de chaque structure de l'agent, par opérateur, et les siens."""
    debut, fin = bornes_du_jour(jour)
    structures = list(permissions.structures_de_l_agent(user).order_by("nom"))
    du_jour = Accompagnement.objects.filter(structure__in=structures, le__gte=debut, le__lt=fin)
    resultats = {s.pk: ActiviteStructure(structure=s) for s in structures}
    lignes = (
        du_jour.values("structure_id", "operateur__nom")
        .annotate(n=Count("pk"))
        .order_by("structure_id", "-n", "operateur__nom")
    )
    for ligne in lignes:
        activite = resultats[ligne["structure_id"]]
        activite.par_operateur.append((ligne["operateur__nom"], ligne["n"]))
        activite.total += ligne["n"]
    for ligne in du_jour.filter(agent=user).values("structure_id").annotate(n=Count("pk")):
        resultats[ligne["structure_id"]].les_miens = ligne["n"]
    return list(resultats.values())


def liens_par_operateur(liens=None) -> list[tuple]:
    """[(opérateur, [liens])] dans l'ordre des opérateurs ; par défaut les liens actifs."""
    if liens is None:
        liens = LienOperateur.objects.actifs()
    liens = liens.select_related("operateur").order_by("operateur__ordre", "operateur__nom", "ordre", "libelle")
    return [(operateur, list(groupe)) for operateur, groupe in groupby(liens, key=lambda lien: lien.operateur)]


def annuaire_referents(user, departements=None) -> list[tuple]:
    """[(département, [(opérateur, [habilitations de référent ou de responsable])])] pour les départements
    que l'utilisateur peut consulter (`departements`, s'il est donné, restreint encore)."""
    habilitations = permissions_bureau.referents_visibles(user)
    if departements is not None:
        habilitations = habilitations.filter(departement__in=departements)
    habilitations = habilitations.select_related("utilisateur", "operateur", "departement").order_by(
        "departement__code",
        "operateur__ordre",
        "operateur__nom",
        "role",
        "utilisateur__last_name",
        "utilisateur__first_name",
        "utilisateur__email",
    )
    annuaire = []
    for departement, du_departement in groupby(habilitations, key=lambda h: h.departement):
        par_operateur = [(op, list(hs)) for op, hs in groupby(du_departement, key=lambda h: h.operateur)]
        annuaire.append((departement, par_operateur))
    return annuaire


def departements_des_structures(user):
    """Les départements des structures de l'agent : ceux de l'annuaire montré sur son bureau."""
    return (
        permissions.departements_visibles(user)
        .filter(communes__structures__in=permissions.structures_de_l_agent(user))
        .distinct()
    )


# Guides par événement de vie


def evenements_avec_guide():
    return EvenementDeVie.objects.filter(etapes_guide__isnull=False).distinct().order_by("ordre", "libelle")


@dataclass
class FicheGuide:
    identifiant: str
    titre: str
    url: str
    interne: bool  # vrai si la fiche est dans la base de connaissances


def etapes_du_guide(evenement) -> list[EtapeGuide]:
    """Les étapes dans l'ordre, chacune avec `fiches_resolues` : [FicheGuide] (titre et lien vers la fiche
    de la base de connaissances si elle est importée, sinon lien vers service-public.fr)."""
    etapes = list(
        EtapeGuide.objects.filter(evenement=evenement).select_related("operateur", "demarche").order_by("ordre")
    )
    identifiants = {identifiant for etape in etapes for identifiant in etape.fiches}
    connues = {fiche.identifiant: fiche for fiche in Fiche.objects.filter(identifiant__in=identifiants)}
    for etape in etapes:
        etape.fiches_resolues = []
        for identifiant in etape.fiches:
            fiche = connues.get(identifiant)
            if fiche is not None:
                etape.fiches_resolues.append(FicheGuide(identifiant, fiche.titre, fiche.get_absolute_url(), True))
            else:
                url = URL_FICHE_SERVICE_PUBLIC.format(identifiant)
                etape.fiches_resolues.append(FicheGuide(identifiant, "", url, False))
    return etapes
