from django.db import migrations

# Les thèmes et dossiers de service-public.fr (identifiants DILA stables) qui relèvent d'un opérateur du réseau.
# Complète le rattachement par domaine (une fiche qui pointe vers caf.fr relève de la CAF). Modifiable dans
# l'administration. (code de l'opérateur, [(identifiant, libellé)])
RATTACHEMENTS = {
    "caf": [
        ("N156", "Allocations destinées aux familles"),
        ("N20360", "Allocations logement"),
        ("N19775", "Revenu de solidarité active (RSA)"),
        ("N31477", "Prime d'activité"),
        ("N12230", "Handicap : allocations (AAH, AEEH) et aides"),
        ("N137", "Garde d'enfants en bas âge"),
    ],
    "france-travail": [
        ("N178", "Allocation chômage d'aide au retour à l'emploi (ARE)"),
        ("N549", "Chômage : démarches auprès de Pôle emploi"),
        ("N31131", "Chômage : aides à la formation"),
        ("N31132", "Chômage : aides à la création ou la reprise d'entreprise"),
        ("N31133", "Chômage : aides à la reprise d'activité"),
    ],
    "france-titres": [
        ("N358", "Carte d'identité"),
        ("N360", "Passeport"),
        ("N367", "Carte grise (certificat d'immatriculation)"),
        ("N530", "Permis de conduire"),
        ("N19126", "Conduire en France avec un permis étranger"),
    ],
    "assurance-maladie": [
        ("N31750", "Affiliation à la sécurité sociale (assurance maladie)"),
        ("N20286", "Complémentaire santé"),
        ("N418", "Remboursement des soins par la sécurité sociale"),
        ("N31700", "Invalidité"),
        ("N526", "Maladie ou accident du travail dans le secteur privé"),
        ("N439", "Grossesse, assistance à la procréation"),
        ("N31348", "Assurance maladie d'un étranger en France"),
        ("N561", "Litiges avec la Sécurité sociale"),
    ],
    "finances-publiques": [
        ("N247", "Impôt sur le revenu : déclaration et revenus à déclarer"),
        ("N19785", "Impôt sur le revenu : déductions, réductions et crédits d'impôt"),
        ("N219", "Impôt sur le revenu : calcul et paiement"),
        ("N206", "Impôts locaux"),
        ("N31080", "Saisir l'administration fiscale"),
        ("N17580", "Contributions sociales (CSG, CRDS)"),
        ("N20074", "Impôt sur la fortune immobilière (IFI)"),
    ],
    "assurance-retraite": [
        ("N381", "Retraite d'un salarié du secteur privé"),
        ("N378", "Pension de réversion"),
        ("N392", "Allocations et aides aux personnes âgées"),
    ],
    "point-justice": [("N261", "Accès au droit et à la justice")],
    "france-renov": [("N321", "Aides et prêts pour l'amélioration et la rénovation énergétique de l'habitat")],
    "cheque-energie": [("N23557", "Aides au paiement des factures : eau, téléphone, électricité, gaz")],
    "urssaf": [("N19602", "Particulier employeur : aide à domicile")],
}


def creer(apps, schema_editor):
    ThemeOperateur = apps.get_model("connaissances", "ThemeOperateur")
    Operateur = apps.get_model("reseau", "Operateur")
    operateurs = {o.code: o for o in Operateur.objects.filter(code__in=RATTACHEMENTS)}
    for code, themes in RATTACHEMENTS.items():
        if code not in operateurs:
            continue
        for theme, libelle in themes:
            ThemeOperateur.objects.update_or_create(
                theme=theme, operateur=operateurs[code], defaults={"libelle": libelle}
            )


def supprimer(apps, schema_editor):
    ThemeOperateur = apps.get_model("connaissances", "ThemeOperateur")
    for code, themes in RATTACHEMENTS.items():
        ThemeOperateur.objects.filter(operateur__code=code, theme__in=[t for t, _ in themes]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("connaissances", "0003_theme_operateur"),
        ("reseau", "0002_operateurs_nationaux"),
    ]
    operations = [migrations.RunPython(creer, supprimer)]
