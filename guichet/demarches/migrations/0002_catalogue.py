"""Le catalogue des démarches des 12 opérateurs nationaux et les événements de vie : des données, pas du code.

Chaque démarche : (code, libellé, mots-clés de recherche — sigles et synonymes sans accents —, événements de vie).
Les codes sont stables (ils servent à l'API) ; libellés et mots-clés peuvent être corrigés dans l'administration.
"""

from django.db import migrations

EVENEMENTS = [
    ("demenagement", "Je déménage"),
    ("naissance", "J'attends un enfant"),
    ("perte-emploi", "Je perds mon emploi"),
    ("retraite", "Je prépare ma retraite"),
    ("deces", "Décès d'un proche"),
    ("handicap", "Handicap"),
    ("separation", "Je me sépare"),
    ("etudes", "Je fais des études"),
    ("creation-entreprise", "Je crée mon entreprise"),
    ("logement", "Je cherche un logement"),
]

CATALOGUE = {
    "france-travail": [
        ("inscription", "Inscription comme demandeur d'emploi", "inscription chomage pole emploi DE", ["perte-emploi"]),
        ("actualisation", "Actualisation mensuelle", "actualiser situation mois chomage", ["perte-emploi"]),
        (
            "allocation-chomage",
            "Allocation chômage (ARE)",
            "ARE chomage indemnisation allocation retour emploi droits",
            ["perte-emploi"],
        ),
        ("ass", "Allocation de solidarité spécifique (ASS)", "ASS fin de droits solidarite", ["perte-emploi"]),
        ("attestation", "Attestation d'inscription ou de paiement", "attestation justificatif releve", []),
        (
            "espace-personnel",
            "Espace personnel francetravail.fr",
            "compte identifiant mot de passe connexion pole emploi",
            [],
        ),
        ("candidature", "CV, lettre de motivation et candidatures", "CV emploi offre candidature recherche", []),
        (
            "formation",
            "Formation et compte personnel de formation (CPF)",
            "CPF moncompteformation formation reconversion",
            ["perte-emploi", "etudes"],
        ),
        (
            "changement-situation",
            "Déclaration d'un changement de situation",
            "changement adresse situation reprise emploi",
            ["demenagement"],
        ),
        (
            "arce",
            "Aide à la reprise ou création d'entreprise (ARCE)",
            "ARCE ACRE createur repreneur",
            ["creation-entreprise", "perte-emploi"],
        ),
    ],
    "france-titres": [
        (
            "carte-grise",
            "Certificat d'immatriculation (carte grise)",
            "carte grise immatriculation SIV vehicule voiture ANTS achat",
            [],
        ),
        (
            "carte-grise-adresse",
            "Changement d'adresse sur la carte grise",
            "carte grise adresse ANTS demenagement",
            ["demenagement"],
        ),
        ("cession-vehicule", "Déclaration de cession d'un véhicule", "vente cession voiture vehicule ANTS", []),
        ("permis-conduire", "Permis de conduire : inscription, fabrication", "permis NEPH ANTS auto-ecole", []),
        (
            "permis-perte-vol",
            "Permis de conduire : perte, vol, renouvellement",
            "permis perte vol duplicata renouvellement ANTS",
            [],
        ),
        ("points-permis", "Solde de points du permis (Télépoints)", "points permis telepoints solde", []),
        (
            "pre-demande-cni",
            "Pré-demande de carte nationale d'identité",
            "CNI carte identite pre-demande ANTS rendez-vous mairie",
            [],
        ),
        ("pre-demande-passeport", "Pré-demande de passeport", "passeport pre-demande ANTS timbre fiscal", []),
        ("compte-ants", "Compte ANTS et FranceConnect", "ANTS FranceConnect identifiant compte connexion", []),
    ],
    "assurance-maladie": [
        ("carte-vitale", "Carte Vitale : commande, mise à jour", "carte vitale photo perte appli", []),
        ("compte-ameli", "Compte ameli", "ameli compte identifiant mot de passe connexion", []),
        (
            "css",
            "Complémentaire santé solidaire (CSS)",
            "CSS CMU CMU-C ACS mutuelle complementaire sante",
            ["perte-emploi"],
        ),
        ("ame", "Aide médicale de l'État (AME)", "AME etranger soins", []),
        (
            "affiliation",
            "Affiliation, changement de caisse, numéro de sécurité sociale",
            "PUMa immatriculation NIR numero securite sociale affiliation CPAM",
            ["demenagement", "etudes"],
        ),
        (
            "indemnites-journalieres",
            "Indemnités journalières (arrêt de travail, maternité, paternité)",
            "IJ arret travail maladie maternite paternite conge",
            ["naissance"],
        ),
        ("remboursements", "Suivi des remboursements de soins", "remboursement decompte soins feuille", []),
        ("medecin-traitant", "Déclaration de médecin traitant", "medecin traitant declaration", []),
        ("declaration-grossesse", "Déclaration de grossesse", "grossesse enceinte maternite", ["naissance"]),
        ("capital-deces", "Capital décès", "capital deces ayant droit", ["deces"]),
        ("invalidite", "Pension d'invalidité", "invalidite pension", ["handicap"]),
        ("attestation-droits", "Attestation de droits", "attestation droits justificatif", []),
    ],
    "finances-publiques": [
        (
            "declaration-revenus",
            "Déclaration de revenus",
            "impot impots revenu declaration IR 2042",
            [],
        ),
        (
            "prelevement-source",
            "Prélèvement à la source : taux, acomptes",
            "PAS taux prelevement source acompte modulation",
            [],
        ),
        (
            "espace-particulier",
            "Espace particulier impots.gouv.fr",
            "compte fiscal numero fiscal identifiant mot de passe connexion",
            [],
        ),
        (
            "avis-impot",
            "Avis d'impôt, avis de situation déclarative",
            "ASDIR avis imposition non imposition justificatif",
            [],
        ),
        ("taxe-fonciere", "Taxe foncière", "taxe fonciere proprietaire", []),
        (
            "biens-immobiliers",
            "Taxe d'habitation, déclaration d'occupation des biens immobiliers",
            "taxe habitation GMBI biens immobiliers occupation residence secondaire",
            ["logement", "demenagement"],
        ),
        (
            "changement-situation",
            "Changement de situation : mariage, PACS, naissance, séparation, décès",
            "mariage PACS divorce naissance situation familiale foyer fiscal",
            ["naissance", "separation", "deces", "demenagement"],
        ),
        (
            "paiement",
            "Paiement d'un impôt, d'une amende ou d'une facture publique",
            "paiement amende PayFiP facture cantine hopital",
            [],
        ),
        (
            "delais-paiement",
            "Délais de paiement, remise gracieuse",
            "echeancier difficulte paiement remise gracieuse",
            ["perte-emploi"],
        ),
    ],
    "point-justice": [
        ("aide-juridictionnelle", "Aide juridictionnelle", "AJ avocat aide juridictionnelle frais justice", []),
        (
            "divorce-separation",
            "Divorce, séparation, garde des enfants",
            "divorce separation garde enfants JAF",
            ["separation"],
        ),
        (
            "pension-alimentaire",
            "Fixation ou révision d'une pension alimentaire",
            "pension alimentaire contribution JAF",
            ["separation"],
        ),
        ("voisinage", "Conflit de voisinage, conciliation", "conciliateur voisin conciliation", []),
        ("consommation", "Litige de consommation", "litige consommation achat mediateur arnaque", []),
        (
            "bail",
            "Litige entre propriétaire et locataire",
            "bail loyer caution expulsion proprietaire locataire",
            ["logement"],
        ),
        ("casier-judiciaire", "Extrait de casier judiciaire", "casier judiciaire B3 bulletin", []),
        ("surendettement", "Surendettement", "surendettement Banque de France dossier dettes", []),
        (
            "protection-majeur",
            "Tutelle, curatelle, habilitation familiale",
            "tutelle curatelle habilitation familiale protection majeur",
            ["handicap"],
        ),
        ("victime", "Aide aux victimes, dépôt de plainte", "victime plainte aide", []),
        ("succession", "Succession", "succession heritage notaire", ["deces"]),
    ],
    "france-renov": [
        ("maprimerenov", "MaPrimeRénov'", "MPR MaPrimeRenov renovation energetique isolation chauffage", ["logement"]),
        (
            "maprimeadapt",
            "MaPrimeAdapt'",
            "MaPrimeAdapt adaptation logement autonomie douche",
            ["handicap", "retraite", "logement"],
        ),
        ("eco-ptz", "Éco-prêt à taux zéro", "eco-PTZ eco PTZ pret", ["logement"]),
        ("cee", "Primes énergie (CEE, coup de pouce)", "CEE certificats economies energie coup de pouce", []),
        (
            "conseiller",
            "Rendez-vous avec un conseiller France Rénov'",
            "espace conseil rendez-vous conseiller renovation",
            [],
        ),
        ("audit", "Audit énergétique, DPE", "DPE audit diagnostic performance energetique", []),
        ("accompagnateur", "Mon Accompagnateur Rénov'", "MAR accompagnateur renovation", []),
        (
            "suivi-dossier",
            "Suivi d'un dossier MaPrimeRénov'",
            "MPR suivi dossier paiement solde",
            [],
        ),
        ("anah", "Aides de l'Anah aux propriétaires", "Anah habiter mieux copropriete", ["logement"]),
    ],
    "cheque-energie": [
        ("attribution", "Attribution du chèque énergie", "cheque energie eligibilite attribution", []),
        ("demande-en-ligne", "Demande en ligne d'un chèque énergie", "formulaire demande cheque energie", []),
        ("utilisation", "Utilisation du chèque énergie", "payer facture fournisseur electricite gaz fioul bois", []),
        ("pre-affectation", "Pré-affectation à un fournisseur", "pre-affectation fournisseur automatique", []),
        ("perte-cheque", "Chèque perdu, volé ou périmé", "perte vol perime remplacement", []),
        ("reclamation", "Réclamation, chèque non reçu", "reclamation non recu", []),
        ("changement-adresse", "Changement d'adresse", "adresse demenagement", ["demenagement"]),
        ("protections", "Protections associées (coupure, frais)", "protections coupure frais fournisseur", []),
        ("espace-beneficiaire", "Espace bénéficiaire en ligne", "compte espace beneficiaire connexion", []),
    ],
    "assurance-retraite": [
        ("demande-retraite", "Demande de retraite en ligne", "demande unique retraite depart", ["retraite"]),
        (
            "releve-carriere",
            "Relevé de carrière, régularisation",
            "RIS releve individuel situation carriere trimestres regularisation",
            ["retraite"],
        ),
        ("estimation", "Estimation du montant de la retraite", "EIG estimation simulateur montant", ["retraite"]),
        (
            "aspa",
            "Allocation de solidarité aux personnes âgées (ASPA)",
            "ASPA minimum vieillesse",
            ["retraite"],
        ),
        ("reversion", "Pension de réversion", "reversion veuf veuve conjoint", ["deces"]),
        ("attestation", "Attestation de paiement", "attestation paiement montant pension", []),
        ("espace-personnel", "Espace personnel lassuranceretraite.fr", "compte connexion identifiant", []),
        (
            "coordonnees",
            "Changement d'adresse ou de coordonnées bancaires",
            "adresse RIB banque coordonnees",
            ["demenagement"],
        ),
        (
            "aide-domicile",
            "Aide à domicile, plan d'action personnalisé",
            "PAP aide menagere domicile autonomie",
            ["retraite", "handicap"],
        ),
        ("retraite-progressive", "Retraite progressive, cumul emploi-retraite", "progressive cumul", ["retraite"]),
    ],
    "msa": [
        (
            "affiliation",
            "Affiliation et cotisations (exploitants, salariés agricoles)",
            "affiliation cotisations exploitant salarie agricole",
            [],
        ),
        ("sante", "Remboursements santé et carte Vitale (MSA)", "sante remboursement carte vitale", []),
        ("prime-activite", "Prime d'activité (régime agricole)", "PPA prime activite", []),
        ("rsa", "RSA (régime agricole)", "RSA revenu solidarite", ["perte-emploi"]),
        (
            "prestations-familiales",
            "Prestations familiales (régime agricole)",
            "PAJE allocations familiales naissance",
            ["naissance"],
        ),
        ("aide-logement", "Aide au logement (régime agricole)", "APL ALF ALS logement", ["logement"]),
        ("retraite", "Retraite agricole", "retraite agricole pension exploitant", ["retraite"]),
        (
            "installation",
            "Installation en agriculture",
            "installation jeune agriculteur exploitation",
            ["creation-entreprise"],
        ),
        ("espace-prive", "Espace privé msa.fr", "compte espace prive connexion", []),
    ],
    "la-poste": [
        ("identite-numerique", "Identité Numérique La Poste", "IDN identite numerique FranceConnect verification", []),
        ("reexpedition", "Réexpédition du courrier", "reexpedition suivi courrier demenagement", ["demenagement"]),
        ("suivi", "Suivi d'un colis ou d'une lettre recommandée", "suivi colis recommande LRAR", []),
        ("recommande-electronique", "Lettre recommandée électronique", "LRE recommande electronique", []),
        ("procuration", "Procuration postale", "procuration courrier retrait", []),
        ("banque", "La Banque Postale : compte, carte, virement", "LBP banque compte carte virement RIB", []),
        ("envoi-argent", "Envoi d'argent, mandat", "mandat cash envoi argent", []),
        ("veiller-parents", "Veiller sur mes parents", "veiller parents visite facteur", ["retraite"]),
        ("affranchissement", "Affranchissement, timbres en ligne", "timbre affranchissement lettre", []),
    ],
    "caf": [
        ("prime-activite", "Prime d'activité", "PPA prime activite complement revenu", []),
        (
            "aide-logement",
            "Aide au logement (APL, ALF, ALS)",
            "APL ALS ALF allocation logement loyer",
            ["logement", "demenagement", "etudes"],
        ),
        ("rsa", "Revenu de solidarité active (RSA)", "RSA RMI minima sociaux revenu solidarite", ["perte-emploi"]),
        (
            "declaration-trimestrielle",
            "Déclaration trimestrielle de ressources",
            "DTR trimestrielle ressources RSA prime activite",
            [],
        ),
        ("aah", "Allocation aux adultes handicapés (AAH)", "AAH MDPH handicap allocation adulte", ["handicap"]),
        (
            "paje",
            "Prestation d'accueil du jeune enfant (PAJE)",
            "PAJE naissance prime bebe CMG garde",
            ["naissance"],
        ),
        ("allocations-familiales", "Allocations familiales", "AF allocations familiales enfants", ["naissance"]),
        (
            "changement-situation",
            "Déclaration d'un changement de situation",
            "changement situation adresse separation naissance deces",
            ["demenagement", "separation", "naissance", "deces"],
        ),
        (
            "pension-alimentaire",
            "Intermédiation des pensions alimentaires (ARIPA), ASF",
            "ARIPA ASF pension alimentaire soutien familial",
            ["separation"],
        ),
        ("attestation", "Attestation de paiement, quotient familial", "QF quotient familial attestation", []),
        ("mon-compte", "Espace Mon Compte caf.fr", "compte identifiant mot de passe connexion", []),
        ("ars", "Allocation de rentrée scolaire (ARS)", "ARS rentree scolaire", ["etudes"]),
    ],
    "urssaf": [
        (
            "creation-micro",
            "Création d'une micro-entreprise",
            "auto-entrepreneur autoentrepreneur micro-entrepreneur SIRET",
            ["creation-entreprise"],
        ),
        (
            "declaration-ca",
            "Déclaration du chiffre d'affaires (micro-entrepreneur)",
            "chiffre affaires CA declaration auto-entrepreneur",
            ["creation-entreprise"],
        ),
        ("cesu", "Cesu : emploi d'un salarié à domicile", "CESU salarie domicile menage", []),
        (
            "pajemploi",
            "Pajemploi : assistante maternelle, garde d'enfant",
            "pajemploi assistante maternelle nounou garde",
            ["naissance"],
        ),
        ("cotisations-independants", "Cotisations des indépendants", "TNS artisan commercant cotisations", []),
        ("delais-paiement", "Délais de paiement des cotisations", "delai echeancier cotisations difficulte", []),
        ("attestation-vigilance", "Attestation de vigilance", "attestation vigilance", []),
        ("cessation", "Cessation d'activité", "cessation radiation fermeture", []),
        (
            "avance-immediate",
            "Avance immédiate du crédit d'impôt services à la personne",
            "avance immediate credit impot services personne",
            [],
        ),
    ],
}


def creer(apps, schema_editor):
    EvenementDeVie = apps.get_model("demarches", "EvenementDeVie")
    Demarche = apps.get_model("demarches", "Demarche")
    Operateur = apps.get_model("reseau", "Operateur")
    evenements = {}
    for ordre, (code, libelle) in enumerate(EVENEMENTS):
        evenements[code], _ = EvenementDeVie.objects.update_or_create(
            code=code, defaults={"libelle": libelle, "ordre": ordre}
        )
    for code_operateur, demarches in CATALOGUE.items():
        operateur = Operateur.objects.get(code=code_operateur)
        for ordre, (code, libelle, mots_cles, codes_evenements) in enumerate(demarches):
            demarche, _ = Demarche.objects.update_or_create(
                operateur=operateur,
                code=code,
                defaults={"libelle": libelle, "mots_cles": mots_cles, "ordre": ordre, "active": True},
            )
            demarche.evenements.set([evenements[c] for c in codes_evenements])


def supprimer(apps, schema_editor):
    Demarche = apps.get_model("demarches", "Demarche")
    for code_operateur, demarches in CATALOGUE.items():
        Demarche.objects.filter(operateur__code=code_operateur, code__in=[d[0] for d in demarches]).delete()
    apps.get_model("demarches", "EvenementDeVie").objects.filter(code__in=[c for c, _ in EVENEMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("demarches", "0001_initial"),
        ("reseau", "0002_operateurs_nationaux"),
    ]
    operations = [migrations.RunPython(creer, supprimer)]
