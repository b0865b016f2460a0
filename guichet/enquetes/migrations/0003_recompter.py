"""Les comptes des réponses déjà reçues, reconstruits depuis les réponses, et la structure de chaque
valeur (la même règle que `services.recompter`, écrite ici avec les modèles de ce moment de l'histoire)."""

from django.db import migrations
from django.db.models import Count, Max, Min, OuterRef, Subquery


def recompter(apps, schema_editor):
    Reponse = apps.get_model("enquetes", "Reponse")
    Valeur = apps.get_model("enquetes", "Valeur")
    CompteQuestionnaires = apps.get_model("enquetes", "CompteQuestionnaires")
    Compte = apps.get_model("enquetes", "Compte")
    Valeur.objects.update(
        structure_id=Subquery(Reponse.objects.filter(pk=OuterRef("reponse_id")).values("structure_id")[:1])
    )
    questionnaires = [
        CompteQuestionnaires(
            campagne_id=ligne["campagne_id"],
            structure_id=ligne["structure_id"],
            departement_id=ligne["structure__commune__departement_id"],
            nombre=ligne["n"],
            premier=ligne["premier"],
            dernier=ligne["dernier"],
        )
        for ligne in Reponse.objects.values("campagne_id", "structure_id", "structure__commune__departement_id")
        .annotate(n=Count("pk"), premier=Min("le"), dernier=Max("le"))
        .order_by()
    ]
    CompteQuestionnaires.objects.bulk_create(questionnaires, batch_size=5000)
    departements = {q.structure_id: q.departement_id for q in questionnaires}
    cles = ("reponse__campagne_id", "reponse__structure_id", "question_id")
    fermees = Valeur.objects.filter(texte="").exclude(note__isnull=True, choix="").values(*cles, "note", "choix")
    textes = Valeur.objects.exclude(texte="").values(*cles)
    for groupe in (fermees, textes):
        Compte.objects.bulk_create(
            (
                Compte(
                    campagne_id=ligne["reponse__campagne_id"],
                    structure_id=ligne["reponse__structure_id"],
                    departement_id=departements[ligne["reponse__structure_id"]],
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
