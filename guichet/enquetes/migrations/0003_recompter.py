"""Les comptes des réponses déjà reçues, reconstruits depuis les réponses (la même règle que
`services.recompter`, écrite ici avec les modèles de ce moment de l'histoire)."""

from django.db import migrations
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncMonth


def recompter(apps, schema_editor):
    Reponse = apps.get_model("enquetes", "Reponse")
    Valeur = apps.get_model("enquetes", "Valeur")
    CompteQuestionnaires = apps.get_model("enquetes", "CompteQuestionnaires")
    Compte = apps.get_model("enquetes", "Compte")
    CompteQuestionnaires.objects.bulk_create(
        (
            CompteQuestionnaires(
                campagne_id=ligne["campagne_id"],
                structure_id=ligne["structure_id"],
                mois=ligne["m"],
                nombre=ligne["n"],
                premier=ligne["premier"],
                dernier=ligne["dernier"],
            )
            for ligne in Reponse.objects.annotate(m=TruncMonth("le"))
            .values("campagne_id", "structure_id", "m")
            .annotate(n=Count("pk"), premier=Min("le"), dernier=Max("le"))
            .order_by()
        ),
        batch_size=5000,
    )
    valeurs = Valeur.objects.annotate(m=TruncMonth("reponse__le"))
    cles = ("reponse__campagne_id", "reponse__structure_id", "m", "question_id")
    fermees = valeurs.filter(texte="").exclude(note__isnull=True, choix="").values(*cles, "note", "choix")
    textes = valeurs.exclude(texte="").values(*cles)
    for groupe in (fermees, textes):
        Compte.objects.bulk_create(
            (
                Compte(
                    campagne_id=ligne["reponse__campagne_id"],
                    structure_id=ligne["reponse__structure_id"],
                    mois=ligne["m"],
                    question_id=ligne["question_id"],
                    modalite=str(ligne["note"]) if ligne.get("note") is not None else ligne.get("choix", ""),
                    nombre=ligne["n"],
                )
                for ligne in groupe.annotate(n=Count("pk")).order_by()
            ),
            batch_size=5000,
        )


class Migration(migrations.Migration):
    dependencies = [("enquetes", "0002_comptes")]

    operations = [migrations.RunPython(recompter, migrations.RunPython.noop)]
