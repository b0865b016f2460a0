from datetime import date
from decimal import Decimal

from django.db import migrations

# La version initiale du parcours des conseillers France Services : 5,5 jours en présentiel
# (2,5 jours de socle commun, 3 jours de modules métiers : une demi-journée pour deux opérateurs,
# soit 0,5 demi-journée par opérateur national), les modules en ligne obligatoires,
# puis la formation continue. Des données : l'équipe nationale les fait évoluer dans l'administration.
CODE = "parcours-2025"

SOCLE = [
    # (code, titre, modalité, demi-journées, description)
    (
        "socle-accueil",
        "Posture d'accueil et relation à l'usager",
        "presentiel",
        "2",
        "Accueillir, écouter, reformuler ; confidentialité, neutralité et laïcité du service public.",
    ),
    (
        "socle-mediation",
        "Médiation numérique et accompagnement aux démarches en ligne",
        "presentiel",
        "2",
        "Créer une adresse électronique, imprimer, numériser ; faire avec l'usager plutôt qu'à sa place.",
    ),
    (
        "socle-outils",
        "Les outils du réseau : bureau de l'agent, Administration +, saisie de l'activité",
        "presentiel",
        "1",
        "Le bureau de l'agent, les demandes au back-office des opérateurs, la saisie des accompagnements.",
    ),
    (
        "socle-mooc",
        "MOOC France services : le programme, ses partenaires, son cadre",
        "en_ligne",
        "1",
        "Module en ligne obligatoire, à suivre avant la formation en présentiel.",
    ),
    (
        "socle-webinaire-mandat",
        "Webinaire : mandat, Aidants Connect et données personnelles",
        "en_ligne",
        "0.5",
        "Agir pour le compte d'un usager : le mandat, Aidants Connect, le RGPD.",
    ),
]

# Un module métier par opérateur national, organisé par événements de vie : 12 × 0,5 demi-journée = 3 jours.
METIERS = {
    "france-travail": "Je cherche un emploi · Je perds mon emploi · J'actualise ma situation",
    "france-titres": "Je refais mes papiers d'identité · J'achète un véhicule",
    "assurance-maladie": "Je tombe malade · J'attends un enfant",
    "finances-publiques": "Je déclare mes revenus · Je déménage",
    "point-justice": "Je me sépare · J'ai un litige",
    "france-renov": "Je rénove mon logement",
    "cheque-energie": "Je paie mes factures d'énergie",
    "assurance-retraite": "Je prépare ma retraite",
    "msa": "Je travaille dans l'agriculture · J'attends un enfant",
    "la-poste": "Je déménage · J'envoie un courrier recommandé",
    "caf": "J'attends un enfant · Je déménage · J'actualise ma situation",
    "urssaf": "Je crée mon entreprise · J'emploie une aide à domicile",
}

CONTINUE = [
    ("continue-actualites", "Actualités des opérateurs (webinaire trimestriel)", "en_ligne", "0.5"),
    ("continue-handicap", "Accueillir les personnes en situation de handicap", "presentiel", "1"),
    ("continue-tensions", "Prévenir et apaiser les situations de tension", "presentiel", "1"),
]


def creer(apps, schema_editor):
    Parcours = apps.get_model("formation", "Parcours")
    Module = apps.get_model("formation", "Module")
    Operateur = apps.get_model("reseau", "Operateur")
    parcours, _ = Parcours.objects.update_or_create(
        code=CODE,
        defaults={
            "titre": "Parcours des conseillers France services (2025)",
            "date_effet": date(2020, 1, 1),
            "publie": True,
        },
    )
    ordre = 0
    for code, titre, modalite, demi, description in SOCLE:
        ordre += 1
        Module.objects.update_or_create(
            parcours=parcours,
            code=code,
            defaults={
                "titre": titre,
                "partie": "socle",
                "modalite": modalite,
                "demi_journees": Decimal(demi),
                "description": description,
                "ordre": ordre,
            },
        )
    for operateur in Operateur.objects.filter(national=True, code__in=list(METIERS)).order_by("ordre", "nom"):
        ordre += 1
        Module.objects.update_or_create(
            parcours=parcours,
            code=f"metier-{operateur.code}",
            defaults={
                "titre": f"Module métier : {operateur.nom}",
                "partie": "metiers",
                "modalite": "presentiel",
                "demi_journees": Decimal("0.5"),
                "operateur": operateur,
                "evenements_de_vie": METIERS[operateur.code],
                "ordre": ordre,
            },
        )
    for code, titre, modalite, demi in CONTINUE:
        ordre += 1
        Module.objects.update_or_create(
            parcours=parcours,
            code=code,
            defaults={
                "titre": titre,
                "partie": "continue",
                "modalite": modalite,
                "demi_journees": Decimal(demi),
                "ordre": ordre,
            },
        )


def supprimer(apps, schema_editor):
    apps.get_model("formation", "Parcours").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("formation", "0001_initial"), ("reseau", "0002_operateurs_nationaux")]
    operations = [migrations.RunPython(creer, supprimer)]
