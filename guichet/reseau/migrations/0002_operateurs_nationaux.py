from django.db import migrations

# Les 12 opérateurs nationaux de l'accord-cadre 2025 : des données, pas du code.
OPERATEURS_NATIONAUX = [
    ("france-travail", "France Travail", "https://www.francetravail.fr"),
    ("france-titres", "France Titres", "https://ants.gouv.fr"),
    ("assurance-maladie", "L'Assurance Maladie", "https://www.ameli.fr"),
    ("finances-publiques", "Les Finances publiques", "https://www.impots.gouv.fr"),
    ("point-justice", "Point Justice", "https://www.justice.fr"),
    ("france-renov", "France Rénov'", "https://france-renov.gouv.fr"),
    ("cheque-energie", "Le Chèque énergie", "https://www.chequeenergie.gouv.fr"),
    ("assurance-retraite", "L'Assurance Retraite", "https://www.lassuranceretraite.fr"),
    ("msa", "La MSA", "https://www.msa.fr"),
    ("la-poste", "La Poste", "https://www.laposte.fr"),
    ("caf", "Les Allocations familiales", "https://www.caf.fr"),
    ("urssaf", "L'Urssaf", "https://www.urssaf.fr"),
]


def creer(apps, schema_editor):
    Operateur = apps.get_model("reseau", "Operateur")
    for ordre, (code, nom, site) in enumerate(OPERATEURS_NATIONAUX):
        Operateur.objects.update_or_create(
            code=code, defaults={"nom": nom, "site_web": site, "national": True, "ordre": ordre}
        )


def supprimer(apps, schema_editor):
    apps.get_model("reseau", "Operateur").objects.filter(code__in=[c for c, _, _ in OPERATEURS_NATIONAUX]).delete()


class Migration(migrations.Migration):
    dependencies = [("reseau", "0001_initial")]
    operations = [migrations.RunPython(creer, supprimer)]
