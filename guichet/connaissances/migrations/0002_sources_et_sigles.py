from django.db import migrations

# Les sources autorisées : service-public.fr, Légifrance (références juridiques) et les domaines des
# opérateurs nationaux. Des données, modifiables dans l'administration.
# (domaine, nom, code de l'opérateur ou None)
SOURCES = [
    ("service-public.fr", "Service-Public.fr (DILA)", None),
    ("legifrance.gouv.fr", "Légifrance (textes de référence)", None),
    ("caf.fr", "Les Allocations familiales", "caf"),
    ("ameli.fr", "L'Assurance Maladie", "assurance-maladie"),
    ("impots.gouv.fr", "Les Finances publiques", "finances-publiques"),
    ("ants.gouv.fr", "France Titres (ANTS)", "france-titres"),
    ("francetravail.fr", "France Travail", "france-travail"),
    ("pole-emploi.fr", "Pôle emploi (devenu France Travail)", "france-travail"),
    ("lassuranceretraite.fr", "L'Assurance Retraite", "assurance-retraite"),
    ("info-retraite.fr", "Info Retraite (GIP Union Retraite)", "assurance-retraite"),
    ("msa.fr", "La MSA", "msa"),
    ("urssaf.fr", "L'Urssaf", "urssaf"),
    ("chequeenergie.gouv.fr", "Le Chèque énergie", "cheque-energie"),
    ("france-renov.gouv.fr", "France Rénov'", "france-renov"),
    ("maprimerenov.gouv.fr", "MaPrimeRénov' (France Rénov')", "france-renov"),
    ("justice.fr", "Justice.fr (Point Justice)", "point-justice"),
    ("justice.gouv.fr", "Ministère de la Justice", "point-justice"),
    ("laposte.fr", "La Poste", "la-poste"),
]

# Le lexique des sigles que les conseillers emploient : (sigle ou terme, développement, casse exacte).
# La casse exacte évite de prendre « pas », « âme » ou « are » pour des sigles.
SIGLES = [
    ("AAH", "allocation aux adultes handicapés", False),
    ("ACRE", "aide aux créateurs et repreneurs d'entreprise", False),
    ("AEEH", "allocation d'éducation de l'enfant handicapé", False),
    ("ALF", "allocation de logement familiale", False),
    ("ALS", "allocation de logement sociale", False),
    ("AME", "aide médicale de l'État", True),
    ("ANAH", "agence nationale de l'habitat", False),
    ("ANTS", "agence nationale des titres sécurisés", False),
    ("APA", "allocation personnalisée d'autonomie", False),
    ("APL", "aide personnalisée au logement", False),
    ("AR", "accusé de réception", True),
    ("ARE", "allocation d'aide au retour à l'emploi chômage", False),
    ("ARS", "allocation de rentrée scolaire", True),
    ("ASF", "allocation de soutien familial", False),
    ("ASPA", "allocation de solidarité aux personnes âgées minimum vieillesse", False),
    ("ASS", "allocation de solidarité spécifique", False),
    ("CAF", "caisse d'allocations familiales", False),
    ("CARSAT", "caisse d'assurance retraite et de la santé au travail", False),
    ("CCAS", "centre communal d'action sociale", False),
    ("CDD", "contrat à durée déterminée", False),
    ("CDI", "contrat à durée indéterminée", False),
    ("CMU", "complémentaire santé solidaire couverture maladie universelle", False),
    ("CNAV", "caisse nationale d'assurance vieillesse", False),
    ("CNI", "carte nationale d'identité", False),
    ("CPAM", "caisse primaire d'assurance maladie", False),
    ("CPF", "compte personnel de formation", False),
    ("CSG", "contribution sociale généralisée", False),
    ("CSS", "complémentaire santé solidaire", False),
    ("DALO", "droit au logement opposable", False),
    ("DGFiP", "direction générale des finances publiques impôts", False),
    ("EHPAD", "établissement d'hébergement pour personnes âgées dépendantes", False),
    ("FSL", "fonds de solidarité pour le logement", False),
    ("FT", "France Travail pôle emploi", True),
    ("HLM", "habitation à loyer modéré logement social", False),
    ("IR", "impôt sur le revenu", True),
    ("JAF", "juge aux affaires familiales", False),
    ("LRAR", "lettre recommandée avec accusé de réception", False),
    ("MDPH", "maison départementale des personnes handicapées", False),
    ("MPR", "MaPrimeRénov' prime rénovation énergétique", False),
    ("MSA", "mutualité sociale agricole", False),
    ("NEPH", "numéro d'enregistrement préfectoral harmonisé permis de conduire", False),
    ("NIR", "numéro d'inscription au répertoire numéro de sécurité sociale", False),
    ("PACS", "pacte civil de solidarité", False),
    ("PAJE", "prestation d'accueil du jeune enfant", False),
    ("PAS", "prélèvement à la source", True),
    ("PCH", "prestation de compensation du handicap", False),
    ("PMI", "protection maternelle et infantile", False),
    ("PPA", "prime d'activité", False),
    ("RIB", "relevé d'identité bancaire", False),
    ("RQTH", "reconnaissance de la qualité de travailleur handicapé", False),
    ("RSA", "revenu de solidarité active", False),
    ("SIV", "système d'immatriculation des véhicules carte grise", False),
    ("SMIC", "salaire minimum interprofessionnel de croissance", False),
    ("TF", "taxe foncière", True),
    ("TH", "taxe d'habitation", True),
    ("URSSAF", "union de recouvrement des cotisations de sécurité sociale et d'allocations familiales", False),
    ("France Travail", "pôle emploi", False),
]


def creer(apps, schema_editor):
    SourceAutorisee = apps.get_model("connaissances", "SourceAutorisee")
    Sigle = apps.get_model("connaissances", "Sigle")
    Operateur = apps.get_model("reseau", "Operateur")
    operateurs = {o.code: o for o in Operateur.objects.all()}
    for domaine, nom, code in SOURCES:
        SourceAutorisee.objects.update_or_create(
            domaine=domaine, defaults={"nom": nom, "operateur": operateurs.get(code) if code else None}
        )
    for sigle, expansion, casse in SIGLES:
        Sigle.objects.update_or_create(sigle=sigle, defaults={"expansion": expansion, "casse_exacte": casse})


def supprimer(apps, schema_editor):
    apps.get_model("connaissances", "SourceAutorisee").objects.filter(domaine__in=[s[0] for s in SOURCES]).delete()
    apps.get_model("connaissances", "Sigle").objects.filter(sigle__in=[s[0] for s in SIGLES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("connaissances", "0001_initial"),
        ("reseau", "0002_operateurs_nationaux"),
    ]
    operations = [migrations.RunPython(creer, supprimer)]
