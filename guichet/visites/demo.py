"""Les visites mystères de démonstration (appelées par `guichet demo`, après le réseau).

Une campagne nationale close l'automne dernier (huit structures du département de démonstration
visitées, celle des comptes de démonstration comprise : son équipe en voit les résultats) et une
campagne départementale en cours, planifiée par la préfecture, confiée à l'auditeur de démonstration
(une visite saisie, deux à faire ; la structure n'en voit rien).
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.plans_d_action import services as plans
from guichet.plans_d_action.models import Origine, PlanDAction
from guichet.reseau.demo import DEPARTEMENT_DEMO, DOMAINE, PREFIXE
from guichet.reseau.models import Structure
from guichet.visites.models import SCENARIOS, CampagneVisites, Grille, Note, Visite

TITRE_CLOSE = "Visites mystères d'automne (démonstration)"
TITRE_EN_COURS = "Visites mystères de l'Ain (démonstration)"
APPRECIATIONS = [
    "Accueil souriant, réponse complète ; l'espace confidentiel n'a pas été proposé.",
    "Attente longue (une seule conseillère présente), mais démarche menée à son terme.",
    "Très bonne orientation vers la CAF avec prise de rendez-vous.",
]


def nettoyer() -> None:
    PlanDAction.objects.filter(origine=Origine.VISITE_MYSTERE, ouvert_par__email__endswith="@" + DOMAINE).delete()
    campagnes = CampagneVisites.objects.filter(titre__in=(TITRE_CLOSE, TITRE_EN_COURS))
    Visite.objects.filter(campagne__in=campagnes).delete()
    campagnes.delete()
    Visite.objects.filter(structure__matricule__startswith=PREFIXE).delete()


def _noter(hasard, visite, criteres, jour):
    visite.scenario = hasard.choice(SCENARIOS)[0]
    visite.realisee_le = jour
    visite.commentaire = hasard.choice(APPRECIATIONS)
    visite.save()
    Note.objects.bulk_create(
        Note(visite=visite, critere=c, valeur=hasard.choice([2, 3, 3, 4, 4]), commentaire="") for c in criteres
    )


@transaction.atomic
def peupler(graine: int = 2026) -> dict[str, int]:
    grille = Grille.objects.filter(code="2026").first()
    auditeur = Utilisateur.objects.filter(email=f"auditeur@{DOMAINE}").first()
    gestionnaire = Habilitation.objects.filter(
        utilisateur__email=f"gestionnaire@{DOMAINE}", role=Role.GESTIONNAIRE
    ).first()
    if grille is None or auditeur is None or gestionnaire is None:
        return {}
    nettoyer()
    hasard = random.Random(graine)
    jour = timezone.localdate()
    criteres = list(grille.criteres.all())
    structure_demo = gestionnaire.structure
    departement = structure_demo.commune.departement
    autres = list(
        Structure.objects.filter(matricule__startswith=PREFIXE, commune__departement__code=DEPARTEMENT_DEMO)
        .exclude(pk=structure_demo.pk)
        .order_by("matricule")[:10]
    )
    national = Utilisateur.objects.filter(email=f"national@{DOMAINE}").first()
    prefecture = Utilisateur.objects.filter(email=f"prefecture@{DOMAINE}").first()

    close = CampagneVisites.objects.create(
        titre=TITRE_CLOSE,
        grille=grille,
        debut=jour - timedelta(days=120),
        fin=jour - timedelta(days=60),
        creee_par=national,
        close_le=timezone.now() - timedelta(days=50),
    )
    for i, structure in enumerate([structure_demo, *autres[:7]]):
        prevue = close.debut + timedelta(days=5 + 6 * i)
        visite = Visite.objects.create(campagne=close, structure=structure, evaluateur=auditeur, prevue_le=prevue)
        _noter(hasard, visite, criteres, prevue)

    en_cours = CampagneVisites.objects.create(
        titre=TITRE_EN_COURS,
        grille=grille,
        departement=departement,
        debut=jour - timedelta(days=10),
        fin=jour + timedelta(days=40),
        creee_par=prefecture,
    )
    visites = [
        Visite.objects.create(campagne=en_cours, structure=s, evaluateur=auditeur, prevue_le=jour + timedelta(days=d))
        for s, d in zip([structure_demo, *(autres[7:] or autres)[:2]], (12, -3, 20), strict=False)
    ]
    if prefecture is not None:
        visite = close.visites.get(structure=structure_demo)
        plans.ouvrir_plan(
            titre=f"Visite mystère — {structure_demo.nom}",
            origine=Origine.VISITE_MYSTERE,
            departement=departement,
            auteur=prefecture,
            structure=structure_demo,
            source=visite,
            actions=[
                {
                    "libelle": "Proposer l'espace confidentiel à chaque rendez-vous",
                    "echeance": jour + timedelta(days=30),
                },
                {"libelle": "Afficher les horaires à l'entrée", "echeance": jour + timedelta(days=15)},
            ],
        )
    if len(visites) > 1:
        _noter(hasard, visites[1], criteres, jour - timedelta(days=3))
    return {"campagnes de visites mystères": 2, "visites mystères": close.visites.count() + len(visites)}
