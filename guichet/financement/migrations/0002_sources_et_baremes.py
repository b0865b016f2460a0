"""Les sources de financement et les barèmes 2025 et 2026 : 30 000 € par an (15 000 € du FNADT, 15 000 € du
fonds national France services abondé par les opérateurs), jusqu'à 30 000 € de plus la première année d'un bus
(enveloppe de la Banque des Territoires). Idempotent : la démonstration et les tests le rejouent."""

from decimal import Decimal

from django.db import migrations

SOURCES = [
    ("fnadt", "FNADT", "État — fonds national d'aménagement et de développement du territoire", 1),
    ("fnfs", "Fonds national France services", "Opérateurs nationaux partenaires", 2),
    ("banque-des-territoires", "Banque des Territoires", "Caisse des dépôts — aide aux France services itinérantes", 3),
]
BAREMES = {
    2025: "Forfait de fonctionnement 2025 (décision du comité de pilotage national)",
    2026: "Forfait de fonctionnement 2026 (décision du comité de pilotage national)",
}


def creer(apps, schema_editor):
    Source = apps.get_model("financement", "SourceFinancement")
    Bareme = apps.get_model("financement", "Bareme")
    Part = apps.get_model("financement", "PartForfait")
    sources = {}
    for code, nom, financeur, ordre in SOURCES:
        sources[code], _ = Source.objects.get_or_create(
            code=code, defaults={"nom": nom, "financeur": financeur, "ordre": ordre}
        )
    for annee, decision in BAREMES.items():
        bareme, cree = Bareme.objects.get_or_create(
            annee=annee,
            defaults={
                "forfait": Decimal("30000.00"),
                "aide_bus": Decimal("30000.00"),
                "source_aide_bus": sources["banque-des-territoires"],
                "decision": decision,
            },
        )
        if cree:
            Part.objects.create(bareme=bareme, source=sources["fnadt"], montant=Decimal("15000.00"))
            Part.objects.create(bareme=bareme, source=sources["fnfs"], montant=Decimal("15000.00"))


class Migration(migrations.Migration):
    dependencies = [("financement", "0001_initial")]
    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
