"""La grille 2026 des visites mystères (des données : une nouvelle version sera une autre grille)."""

from datetime import date

from django.db import migrations

QUALITE = ["Insuffisant", "À améliorer", "Satisfaisant", "Très satisfaisant"]
CRITERES = [
    ("accueil", "Accueil", "Salutation, disponibilité, posture d'écoute dès l'arrivée.", QUALITE),
    (
        "attente",
        "Délai d'attente",
        "Du moment où l'on entre à celui où un conseiller s'occupe de vous.",
        ["Plus de 30 minutes", "De 15 à 30 minutes", "De 5 à 15 minutes", "Moins de 5 minutes"],
    ),
    ("reponse", "Qualité de la réponse", "Exacte, complète, compréhensible ; démarche menée à son terme.", QUALITE),
    ("orientation", "Orientation", "Vers le bon opérateur ou un rendez-vous quand la réponse n'est pas sur place.", QUALITE),
    ("accessibilite", "Accessibilité", "Signalétique, accès des personnes à mobilité réduite, horaires affichés.", QUALITE),
    ("confidentialite", "Confidentialité", "Espace fermé proposé, données personnelles protégées à l'écran.", QUALITE),
    ("numerique", "Accompagnement numérique", "Poste en libre accès, aide à l'usage sans faire à la place.", QUALITE),
]


def creer(apps, schema_editor):
    Grille = apps.get_model("visites", "Grille")
    Critere = apps.get_model("visites", "Critere")
    grille, cree = Grille.objects.get_or_create(
        code="2026", defaults={"titre": "Grille des visites mystères 2026", "publiee_le": date(2026, 1, 1)}
    )
    if cree:
        for ordre, (code, libelle, aide, niveaux) in enumerate(CRITERES, start=1):
            Critere.objects.create(grille=grille, ordre=ordre, code=code, libelle=libelle, aide=aide, niveaux=niveaux)


class Migration(migrations.Migration):
    dependencies = [("visites", "0001_initial")]

    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
