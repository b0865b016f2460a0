"""Les enquêtes de démonstration (appelées par `guichet demo`, après le réseau).

Une enquête des usagers close (l'an passé) avec ses réponses dans toutes les structures de démonstration
(environ 9 sur 10 satisfaits, comme les bornes du réseau), une enquête des usagers ouverte (son affiche et
son QR code), un baromètre des conseillers ouvert, et les notes des structures au back-office des
opérateurs nationaux dans les derniers mois (visibles à côté du tableau de qualité du back-office).
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from guichet.comptes.models import Utilisateur
from guichet.enquetes import services
from guichet.enquetes.masquage import masquer_texte
from guichet.enquetes.models import Campagne, EvaluationOperateur, Nature, Public, Question, Reponse, Valeur
from guichet.plans_d_action import services as plans
from guichet.plans_d_action.models import Origine, PlanDAction
from guichet.reseau.demo import DEPARTEMENT_DEMO, DOMAINE, PREFIXE
from guichet.reseau.models import Operateur, Structure
from guichet.territoires.models import Departement

TITRE_CLOSE = "Enquête annuelle des usagers (démonstration, close)"
TITRE_OUVERTE = "Votre avis sur votre France services (démonstration)"
TITRE_AGENTS = "Baromètre des conseillers (démonstration)"
TITRES = (TITRE_CLOSE, TITRE_OUVERTE, TITRE_AGENTS)

COMMENTAIRES = [
    "Très bon accueil, on m'a aidée pour ma déclaration.",
    "Un peu d'attente mais la conseillère a pris le temps.",
    "Merci, ma demande de carte grise est faite. Rappelez-moi au 06 12 34 56 78 si besoin.",
    "Il manque un deuxième ordinateur.",
    "Horaires à élargir le samedi.",
]
COMMENTAIRES_OPERATEURS = [
    "Ligne dédiée souvent saturée le lundi.",
    "Réponses rapides par Administration +.",
    "Le référent a changé trois fois cette année.",
    "",
    "",
]


def nettoyer() -> None:
    PlanDAction.objects.filter(
        origine__in=[Origine.ENQUETE, Origine.EVALUATION_OPERATEUR], ouvert_par__email__endswith="@" + DOMAINE
    ).delete()
    Campagne.objects.filter(titre__in=TITRES).delete()
    EvaluationOperateur.objects.filter(structure__matricule__startswith=PREFIXE).delete()


def _questions(campagne, agents=False):
    sujet = "votre travail de conseiller" if agents else "l'accueil reçu"
    return [
        Question.objects.create(
            campagne=campagne, ordre=1, libelle=f"Êtes-vous satisfait de {sujet} ?", nature=Nature.ECHELLE
        ),
        Question.objects.create(
            campagne=campagne,
            ordre=2,
            libelle="Votre démarche a-t-elle abouti ?" if not agents else "Les opérateurs vous répondent-ils à temps ?",
            nature=Nature.CHOIX,
            choix=["Oui", "En partie", "Non"],
        ),
        Question.objects.create(
            campagne=campagne, ordre=3, libelle="Un mot pour nous aider à progresser ?", nature=Nature.TEXTE
        ),
    ]


def _note(hasard) -> int:
    return hasard.choices([5, 4, 3, 2, 1], weights=[58, 34, 5, 2, 1])[0]


def _repondre(hasard, campagne, questions, structures, par_structure, jours):
    reponses, valeurs = [], []
    echelle, choix, texte = questions
    for structure in structures:
        for _ in range(hasard.randint(*par_structure)):
            reponse = Reponse(campagne=campagne, structure=structure, le=hasard.choice(jours))
            reponses.append(reponse)
            note = _note(hasard)
            valeurs.append(Valeur(reponse=reponse, question=echelle, note=note))
            issue = "Oui" if note >= 4 else hasard.choice(["En partie", "Non"])
            valeurs.append(Valeur(reponse=reponse, question=choix, choix=issue))
            if hasard.random() < 0.15:
                valeurs.append(
                    Valeur(reponse=reponse, question=texte, texte=masquer_texte(hasard.choice(COMMENTAIRES)))
                )
    Reponse.objects.bulk_create(reponses, batch_size=2000)
    Valeur.objects.bulk_create(valeurs, batch_size=5000)
    services.recompter([campagne])  # écrites en masse, hors du seul écrivain : les comptes suivent
    return len(reponses)


@transaction.atomic
def peupler(graine: int = 2026) -> dict[str, int]:
    structures = list(Structure.objects.filter(matricule__startswith=PREFIXE).select_related("commune").order_by("pk"))
    if not structures:
        return {}
    nettoyer()
    hasard = random.Random(graine)
    jour = timezone.localdate()
    national = Utilisateur.objects.filter(email=f"national@{DOMAINE}").first()

    close = Campagne.objects.create(
        titre=TITRE_CLOSE,
        public=Public.USAGERS,
        debut=jour - timedelta(days=150),
        fin=jour - timedelta(days=90),
        introduction="Trois questions, deux minutes : votre avis sur votre dernière visite.",
        creee_par=national,
    )
    jours_close = [close.debut + timedelta(days=i) for i in range(61)]
    reponses = _repondre(hasard, close, _questions(close), structures, (0, 14), jours_close)

    ouverte = Campagne.objects.create(
        titre=TITRE_OUVERTE,
        public=Public.USAGERS,
        debut=jour - timedelta(days=7),
        fin=jour + timedelta(days=53),
        introduction="Trois questions, deux minutes : votre avis sur votre visite d'aujourd'hui.",
        creee_par=national,
    )
    jours_ouverte = [ouverte.debut + timedelta(days=i) for i in range(8)]
    reponses += _repondre(hasard, ouverte, _questions(ouverte), structures[:200], (0, 4), jours_ouverte)

    agents = Campagne.objects.create(
        titre=TITRE_AGENTS,
        public=Public.AGENTS,
        debut=jour - timedelta(days=7),
        fin=jour + timedelta(days=23),
        creee_par=national,
    )
    _questions(agents, agents=True)

    operateurs = list(Operateur.objects.filter(national=True))
    evaluations = []
    for structure in structures:
        if hasard.random() > 0.7:
            continue
        for operateur in operateurs:
            base = hasard.choice([2, 3, 3, 4, 4, 4, 5])
            evaluations.append(
                EvaluationOperateur(
                    annee=jour.year,
                    structure=structure,
                    operateur=operateur,
                    departement_id=structure.commune.departement_id,
                    joignabilite=max(1, min(5, base + hasard.choice([-1, 0, 0, 1]))),
                    delai=max(1, min(5, base + hasard.choice([-1, -1, 0, 1]))),
                    utilite=max(1, min(5, base + hasard.choice([0, 0, 1]))),
                    commentaire=hasard.choice(COMMENTAIRES_OPERATEURS),
                    le=jour - timedelta(days=hasard.randint(1, 60)),
                )
            )
    EvaluationOperateur.objects.bulk_create(evaluations, batch_size=5000)
    prefecture = Utilisateur.objects.filter(email=f"prefecture@{DOMAINE}").first()
    caf = Operateur.objects.filter(code="caf").first()
    departement = Departement.objects.filter(code=DEPARTEMENT_DEMO).first()
    if prefecture is not None and caf is not None and departement is not None:
        plans.ouvrir_plan(
            titre=f"Back-office {caf.nom} — {departement.nom}",
            origine=Origine.EVALUATION_OPERATEUR,
            departement=departement,
            auteur=prefecture,
            operateur=caf,
            actions=[
                {
                    "libelle": "Ouvrir une seconde ligne dédiée aux France services",
                    "echeance": jour + timedelta(days=45),
                },
                {
                    "libelle": "Répondre sous 72 heures ouvrées par Administration +",
                    "echeance": jour + timedelta(days=90),
                },
            ],
        )
    return {
        "campagnes d'enquête": 3,
        "réponses aux enquêtes": reponses,
        "notes des structures au back-office": len(evaluations),
    }
