"""Les liens nationaux vers les sites des 12 opérateurs de l'accord-cadre : des données, modifiables
ensuite par l'équipe nationale (page « Liens des opérateurs » du bureau)."""

from django.db import migrations

SITE, PARTENAIRE, FORMATION, OUTIL = "site_public", "espace_partenaire", "formation", "outil"

# (code de l'opérateur, [(libellé, URL, nature), …]) — dans l'ordre d'affichage.
LIENS = [
    (
        "france-travail",
        [
            ("France Travail — site public", "https://www.francetravail.fr", SITE),
            ("Espace candidat (inscription, actualisation)", "https://candidat.francetravail.fr", OUTIL),
            ("Site institutionnel et partenaires", "https://www.francetravail.org", PARTENAIRE),
            ("Mon compte formation (CPF)", "https://www.moncompteformation.gouv.fr", FORMATION),
        ],
    ),
    (
        "france-titres",
        [
            ("ANTS — France Titres", "https://ants.gouv.fr", SITE),
            ("Mon espace ANTS (titres, suivi des demandes)", "https://moncompte.ants.gouv.fr", OUTIL),
            ("Carte d'identité et passeport", "https://passeport.ants.gouv.fr", OUTIL),
            ("Certificat d'immatriculation (carte grise)", "https://immatriculation.ants.gouv.fr", OUTIL),
            ("Permis de conduire", "https://permisdeconduire.ants.gouv.fr", OUTIL),
        ],
    ),
    (
        "assurance-maladie",
        [
            ("ameli.fr — site public", "https://www.ameli.fr", SITE),
            ("Compte ameli des assurés", "https://assure.ameli.fr", OUTIL),
            ("ameli pro (espace des professionnels)", "https://espacepro.ameli.fr", PARTENAIRE),
        ],
    ),
    (
        "finances-publiques",
        [
            ("impots.gouv.fr — site public", "https://www.impots.gouv.fr", SITE),
            ("Espace particulier", "https://cfspart.impots.gouv.fr", OUTIL),
            ("Gérer mes biens immobiliers, paiements et contacts", "https://www.impots.gouv.fr/particulier", OUTIL),
        ],
    ),
    (
        "point-justice",
        [
            ("justice.fr — site public", "https://www.justice.fr", SITE),
            ("Simulateurs de justice.fr", "https://www.justice.fr/simulateurs", OUTIL),
            ("Demande d'aide juridictionnelle en ligne", "https://www.aidejuridictionnelle.justice.fr", OUTIL),
        ],
    ),
    (
        "france-renov",
        [
            ("France Rénov' — site public", "https://france-renov.gouv.fr", SITE),
            ("MaPrimeRénov' (dépôt et suivi des dossiers)", "https://www.maprimerenov.gouv.fr", OUTIL),
        ],
    ),
    (
        "cheque-energie",
        [
            ("Chèque énergie — site public", "https://www.chequeenergie.gouv.fr", SITE),
        ],
    ),
    (
        "assurance-retraite",
        [
            ("L'Assurance retraite — site public", "https://www.lassuranceretraite.fr", SITE),
            ("info-retraite.fr (tous régimes, demande de retraite en ligne)", "https://www.info-retraite.fr", OUTIL),
        ],
    ),
    (
        "msa",
        [
            ("MSA — site public", "https://www.msa.fr", SITE),
            ("Mon espace privé MSA", "https://monespaceprive.msa.fr", OUTIL),
        ],
    ),
    (
        "la-poste",
        [
            ("La Poste — site public", "https://www.laposte.fr", SITE),
            ("Réexpédition du courrier (déménagement)", "https://www.laposte.fr/demenagement-absence", OUTIL),
            ("L'Identité Numérique La Poste", "https://lidentitenumerique.laposte.fr", OUTIL),
        ],
    ),
    (
        "caf",
        [
            ("caf.fr — site public", "https://www.caf.fr", SITE),
            ("Espace des partenaires de la Caf", "https://www.caf.fr/partenaires", PARTENAIRE),
            ("Mon espace partenaire Caf (CDAP)", "https://partenaires.caf.fr", PARTENAIRE),
            ("Simulateurs de droits de la Caf", "https://www.caf.fr/allocataires/mes-services-en-ligne/faire-une-simulation", OUTIL),
        ],
    ),
    (
        "urssaf",
        [
            ("urssaf.fr — site public", "https://www.urssaf.fr", SITE),
            ("Micro-entrepreneurs (autoentrepreneur.urssaf.fr)", "https://www.autoentrepreneur.urssaf.fr", OUTIL),
            ("Cesu — particuliers employeurs", "https://www.cesu.urssaf.fr", OUTIL),
            ("Pajemploi — garde d'enfants", "https://www.pajemploi.urssaf.fr", OUTIL),
        ],
    ),
]


def creer(apps, schema_editor):
    Operateur = apps.get_model("reseau", "Operateur")
    LienOperateur = apps.get_model("bureau", "LienOperateur")
    for code, liens in LIENS:
        operateur = Operateur.objects.filter(code=code).first()
        if operateur is None:
            raise RuntimeError(f"Liens des opérateurs : l'opérateur « {code} » est introuvable.")
        for ordre, (libelle, url, nature) in enumerate(liens, start=1):
            LienOperateur.objects.update_or_create(
                operateur=operateur, url=url, defaults={"libelle": libelle, "nature": nature, "ordre": ordre * 10}
            )


def supprimer(apps, schema_editor):
    LienOperateur = apps.get_model("bureau", "LienOperateur")
    for code, liens in LIENS:
        LienOperateur.objects.filter(operateur__code=code, url__in=[url for _, url, _ in liens]).delete()


class Migration(migrations.Migration):
    dependencies = [("bureau", "0001_initial"), ("reseau", "0002_operateurs_nationaux")]
    operations = [migrations.RunPython(creer, supprimer)]
