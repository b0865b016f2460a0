from django.db import migrations

# Les mots du guichet qui ne sont pas ceux des fiches : le lexique les développe comme les sigles.
# (terme tel que dit au guichet, développement(s) séparés par « ; », casse exacte)
EXPRESSIONS = [
    ("sécu", "sécurité sociale ; assurance maladie", False),
    ("ameli", "assurance maladie", False),
    ("mutuelle", "complémentaire santé", False),
    ("allocs", "allocations", False),
    ("nounou", "assistante maternelle ; garde d'enfant", False),
    ("femme de ménage", "salarié à domicile ; emploi à domicile", False),
    ("arnaque", "escroquerie", False),
    ("sans papiers", "situation irrégulière", False),
    ("patron", "employeur", False),
    ("rdv", "rendez-vous", False),
]


def creer(apps, schema_editor):
    Sigle = apps.get_model("connaissances", "Sigle")
    for terme, expansion, casse in EXPRESSIONS:
        Sigle.objects.update_or_create(sigle=terme, defaults={"expansion": expansion, "casse_exacte": casse})


def supprimer(apps, schema_editor):
    apps.get_model("connaissances", "Sigle").objects.filter(sigle__in=[e[0] for e in EXPRESSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("connaissances", "0004_themes_des_operateurs")]
    operations = [migrations.RunPython(creer, supprimer)]
