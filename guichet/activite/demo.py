"""Données de démonstration de l'application activite (appelées par `guichet demo`).

Six semaines d'accompagnements réalistes dans les structures de démonstration du département 01 :
la répartition nationale par opérateur (France Titres 19 %, CAF 16 %, Assurance Maladie 16 %,
Finances publiques 15 %, Assurance Retraite 14 %, le reste partagé), environ 80 % résolus sur place,
le canal selon la forme du lieu (arrêts du bus, permanences). Quelques milliers de lignes au plus.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from guichet.activite.models import Accompagnement, Autonomie, Canal, Duree, Resultat, TrancheAge, TypeAide
from guichet.activite.signaux import accompagnements_crees
from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.demarches.models import Demarche
from guichet.reseau.demo import DEPARTEMENT_DEMO, DOMAINE, PREFIXE
from guichet.reseau.models import Operateur, Structure

SEMAINES = 6
PAR_JOUR = 4  # accompagnements saisis par jour ouvré et par structure (le double dans celle du compte conseiller@)
PART_OPERATEURS = {
    "france-titres": 19,
    "caf": 16,
    "assurance-maladie": 16,
    "finances-publiques": 15,
    "assurance-retraite": 14,
    "france-travail": 8,
    "msa": 3,
    "la-poste": 2,
    "point-justice": 2,
    "france-renov": 2,
    "cheque-energie": 2,
    "urssaf": 1,
}
TYPES = {TypeAide.DEMARCHE_EN_LIGNE: 45, TypeAide.INFORMATION: 30, TypeAide.IMPRESSION: 15, TypeAide.RENDEZ_VOUS: 10}
RESULTATS = {
    Resultat.RESOLU: 79,
    Resultat.ORIENTE: 8,
    Resultat.RENDEZ_VOUS: 6,
    Resultat.BACK_OFFICE: 5,
    Resultat.NON_RESOLU: 2,
}
DUREES = {Duree.MOINS_15: 40, Duree.DE_15_A_30: 35, Duree.DE_30_A_60: 20, Duree.PLUS_60: 5}
CANAUX = {
    Structure.Forme.FIXE: {Canal.ACCUEIL: 85, Canal.TELEPHONE: 10, Canal.VISIO: 5},
    Structure.Forme.ITINERANTE: {Canal.ITINERANCE: 90, Canal.TELEPHONE: 10},
    Structure.Forme.MULTISITE: {Canal.PERMANENCE: 80, Canal.ACCUEIL: 15, Canal.TELEPHONE: 5},
}
AGES = {TrancheAge.MOINS_26: 15, TrancheAge.DE_26_A_59: 50, TrancheAge.DE_60_A_74: 22, TrancheAge.PLUS_75: 13}
AUTONOMIES = {Autonomie.AUTONOME: 25, Autonomie.PARTIELLE: 45, Autonomie.NON_AUTONOME: 30}


def _tirer(hasard, poids: dict):
    return hasard.choices(list(poids), weights=list(poids.values()))[0]


def nettoyer() -> int:
    """Supprime les accompagnements des structures de démonstration (avant de recréer le réseau)."""
    nombre, _ = Accompagnement.objects.filter(structure__matricule__startswith=PREFIXE).delete()
    return nombre


@transaction.atomic
def peupler(graine: int = 2026) -> dict[str, int]:
    """Crée les accompagnements de démonstration ; renvoie les comptes à afficher (libellé → nombre)."""
    nettoyer()
    hasard = random.Random(graine)
    structures = list(
        Structure.objects.filter(matricule__startswith=PREFIXE, commune__departement__code=DEPARTEMENT_DEMO)
        .prefetch_related("passages")
        .order_by("matricule")
    )
    if not structures:
        return {}
    agents = {}
    for structure_id, user_id in Habilitation.objects.filter(
        structure__in=structures, role__in=[Role.CONSEILLER, Role.GESTIONNAIRE]
    ).values_list("structure_id", "utilisateur_id"):
        agents.setdefault(structure_id, []).append(user_id)
    compte_conseiller = Utilisateur.objects.filter(email=f"conseiller@{DOMAINE}").first()
    structure_du_compte = (
        compte_conseiller.habilitations.filter(role=Role.CONSEILLER).values_list("structure_id", flat=True).first()
        if compte_conseiller
        else None
    )

    operateurs = {o.code: o for o in Operateur.objects.filter(code__in=PART_OPERATEURS)}
    part = {code: p for code, p in PART_OPERATEURS.items() if code in operateurs}
    demarches = {}
    for d in Demarche.objects.actives().filter(operateur__in=operateurs.values()).prefetch_related("evenements"):
        demarches.setdefault(d.operateur_id, []).append(d)
    for liste in demarches.values():
        liste.sort(key=lambda d: (d.ordre, d.libelle))

    maintenant = timezone.localtime()
    debut = (maintenant - timedelta(weeks=SEMAINES)).date()
    lignes = []
    for structure in structures:
        equipe = agents.get(structure.pk) or [None]
        passages = {}
        for p in structure.passages.all():
            passages.setdefault(p.jour, []).append(p)
        par_jour = PAR_JOUR * (2 if structure.pk == structure_du_compte else 1)
        canaux = CANAUX.get(structure.forme, CANAUX[Structure.Forme.FIXE])
        jour = debut
        while jour <= maintenant.date():
            if jour.weekday() < 5 and (structure.forme != Structure.Forme.ITINERANTE or jour.weekday() in passages):
                for _ in range(max(0, round(hasard.gauss(par_jour, 1.5)))):
                    le = timezone.make_aware(datetime.combine(jour, time(hasard.randint(9, 16), hasard.randint(0, 59))))
                    if le > maintenant:
                        continue
                    operateur = operateurs[_tirer(hasard, part)]
                    catalogue = demarches.get(operateur.pk, [])
                    # Les premières démarches du catalogue sont les plus demandées.
                    demarche = (
                        hasard.choices(catalogue, weights=[1 / (rang + 1) for rang in range(len(catalogue))])[0]
                        if catalogue and hasard.random() < 0.95
                        else None
                    )
                    evenements = list(demarche.evenements.all()) if demarche else []
                    canal = _tirer(hasard, canaux)
                    du_jour = passages.get(jour.weekday(), [])
                    lignes.append(
                        Accompagnement(
                            id=uuid.UUID(int=hasard.getrandbits(128), version=4),
                            structure=structure,
                            agent_id=hasard.choice(equipe),
                            le=le,
                            canal=canal,
                            passage=hasard.choice(du_jour)
                            if du_jour and canal in (Canal.ITINERANCE, Canal.PERMANENCE)
                            else None,
                            operateur=operateur,
                            demarche=demarche,
                            evenement=hasard.choice(evenements) if evenements and hasard.random() < 0.3 else None,
                            type_aide=_tirer(hasard, TYPES),
                            resultat=_tirer(hasard, RESULTATS),
                            duree=_tirer(hasard, DUREES),
                            tranche_age=_tirer(hasard, AGES) if hasard.random() < 0.7 else "",
                            premiere_visite=(hasard.random() < 0.35) if hasard.random() < 0.6 else None,
                            autonomie=_tirer(hasard, AUTONOMIES) if hasard.random() < 0.6 else "",
                            besoin_allophone=hasard.random() < 0.05,
                            besoin_handicap=hasard.random() < 0.04,
                        )
                    )
            jour += timedelta(days=1)
    Accompagnement.objects.bulk_create(lignes, batch_size=2000)
    # Les tableaux de bord lisent les agrégats : ils sont calculés tout de suite pour la démonstration.
    accompagnements_crees.send(sender=Accompagnement, immediat=True)
    return {"accompagnements": len(lignes)}
