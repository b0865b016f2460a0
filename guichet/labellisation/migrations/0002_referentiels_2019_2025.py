"""Les deux versions du référentiel national : la circulaire de 2019 (30 critères, remplacée) et le
référentiel France services approuvé par l'arrêté du 16 juin 2025 (en vigueur)."""

import datetime

from django.db import migrations

# (code, titre, famille, preuve, vérification automatique, bloquant, aide pour l'auditeur)
CRITERES_2019 = [
    (
        "horaires",
        "Ouverture au public d'au moins 24 heures par semaine sur au moins 5 jours",
        "accueil",
        "automatique",
        "horaires",
        True,
        "Calculé d'après les horaires publiés (arrêts et permanences pour un bus ou une structure multisite). "
        "Vérifiez sur place que l'affichage correspond et que l'accueil est assuré pendant ces heures.",
    ),
    (
        "accueil-visible",
        "Un espace d'accueil d'où l'agent voit arriver le public",
        "accueil",
        "controle",
        "",
        True,
        "Depuis le poste d'accueil, l'agent doit voir la porte d'entrée ou l'espace d'attente.",
    ),
    (
        "espace-confidentiel",
        "Un espace fermé et confidentiel pour les entretiens, en présence ou à distance",
        "accueil",
        "controle",
        "",
        True,
        "Une pièce ou un box fermé où la conversation ne s'entend pas depuis l'accueil.",
    ),
    (
        "accessibilite-pmr",
        "Accès des personnes à mobilité réduite (sites fixes)",
        "accueil",
        "controle",
        "",
        True,
        "Entrée de plain-pied ou rampe, circulation, sanitaires ; sans objet pour un bus dont l'arrêt est accessible.",
    ),
    (
        "signaletique",
        "Signalétique France Services extérieure et intérieure conforme à la charte graphique",
        "accueil",
        "controle",
        "",
        False,
        "Plaque ou kakémono extérieur visible de la rue, marquage intérieur aux couleurs du réseau.",
    ),
    (
        "affichage-horaires",
        "Horaires et services affichés à l'entrée et publiés en ligne",
        "accueil",
        "controle",
        "",
        False,
        "Comparez l'affichage sur la porte avec la fiche publiée sur la plateforme.",
    ),
    (
        "accueil-sans-rdv",
        "Accueil sans rendez-vous pendant les heures d'ouverture, rendez-vous possibles",
        "accueil",
        "declaration",
        "",
        False,
        "Le public peut entrer sans rendez-vous aux heures affichées ; un rendez-vous est proposé pour les cas longs.",
    ),
    (
        "espace-attente",
        "Un espace d'attente équipé (assises, documentation des opérateurs)",
        "accueil",
        "controle",
        "",
        False,
        "",
    ),
    (
        "operateurs",
        "Les opérateurs nationaux du socle joignables (back-office, au moins un référent par département)",
        "services",
        "automatique",
        "operateurs",
        True,
        "Calculé d'après les référents d'opérateur enregistrés dans le département. "
        "Demandez aux agents comment ils joignent chaque back-office.",
    ),
    (
        "offre-socle",
        "Information et accompagnement sur les démarches des neuf opérateurs du socle",
        "services",
        "declaration",
        "",
        True,
        "Pôle emploi, CAF, Assurance Maladie, Assurance Retraite, MSA, La Poste, Finances publiques, "
        "ministère de l'Intérieur (ANTS), ministère de la Justice.",
    ),
    (
        "rendez-vous-operateurs",
        "Prise de rendez-vous avec les opérateurs et permanences à distance",
        "services",
        "declaration",
        "",
        False,
        "",
    ),
    (
        "aide-numerique",
        "Aide à l'usage du numérique (adresse électronique, impression, numérisation, démarches en ligne)",
        "services",
        "declaration",
        "",
        False,
        "",
    ),
    (
        "partenaires-locaux",
        "Offre de services locaux complémentaire décrite dans l'annexe de la convention",
        "services",
        "document",
        "",
        False,
        "Mission locale, CCAS, MDPH, conseil départemental… : l'annexe de la structure les nomme.",
    ),
    (
        "poste-libre-acces",
        "Au moins un poste informatique en libre accès",
        "equipement",
        "controle",
        "",
        True,
        "Un poste connecté que l'usager utilise seul, avec l'aide de l'agent s'il le souhaite.",
    ),
    (
        "poste-webcam",
        "Un ordinateur équipé d'une webcam",
        "equipement",
        "controle",
        "",
        False,
        "",
    ),
    (
        "visioconference",
        "Visioconférence utilisée pour les permanences à distance des opérateurs",
        "equipement",
        "controle",
        "",
        False,
        "Faites une démonstration d'un appel depuis l'espace confidentiel.",
    ),
    (
        "impression-numerisation",
        "Imprimante, scanner et photocopieur accessibles au public",
        "equipement",
        "controle",
        "",
        False,
        "",
    ),
    (
        "connexion-internet",
        "Connexion internet à haut débit et accès sans fil pour le public",
        "equipement",
        "controle",
        "",
        False,
        "",
    ),
    (
        "agents",
        "Au moins deux agents polyvalents formés",
        "agents",
        "automatique",
        "agents",
        True,
        "Calculé d'après les conseillers et responsables habilités sur le site. "
        "Vérifiez les attestations de formation des agents présents.",
    ),
    (
        "formation-initiale",
        "Formation initiale suivie par chaque agent avant l'ouverture (socle commun et modules métiers)",
        "agents",
        "document",
        "",
        True,
        "Attestations de formation : socle commun et modules des opérateurs.",
    ),
    (
        "formation-continue",
        "Formation continue des agents (webinaires, modules des opérateurs)",
        "agents",
        "declaration",
        "",
        False,
        "",
    ),
    (
        "confidentialite",
        "Engagement de confidentialité signé par chaque agent",
        "agents",
        "document",
        "",
        False,
        "",
    ),
    (
        "outils",
        "Utilisation des outils du réseau (messagerie sécurisée, suivi d'activité)",
        "outils",
        "automatique",
        "outils",
        False,
        "Calculé d'après les accompagnements saisis ces 30 derniers jours.",
    ),
    (
        "messagerie-securisee",
        "Un accès à la messagerie sécurisée des opérateurs pour chaque agent",
        "outils",
        "declaration",
        "",
        False,
        "",
    ),
    (
        "ressources-documentaires",
        "Ressources documentaires et sites institutionnels de référence utilisés par les agents",
        "outils",
        "declaration",
        "",
        False,
        "",
    ),
    (
        "satisfaction",
        "Participation aux enquêtes de satisfaction des usagers",
        "qualite",
        "declaration",
        "",
        False,
        "",
    ),
    (
        "laicite",
        "Respect des principes de laïcité et de neutralité du service public",
        "qualite",
        "controle",
        "",
        True,
        "Aucun signe d'appartenance dans les locaux d'accueil ; agents informés de leurs obligations.",
    ),
    (
        "gratuite",
        "Gratuité des services rendus aux usagers",
        "qualite",
        "declaration",
        "",
        True,
        "",
    ),
    (
        "convention-locale",
        "Convention locale signée entre la structure porteuse et les partenaires",
        "gouvernance",
        "document",
        "",
        True,
        "La convention et son annexe décrivant la structure, son porteur et ses partenaires.",
    ),
    (
        "comite-pilotage",
        "Participation au comité de pilotage départemental et à l'animation du réseau",
        "gouvernance",
        "declaration",
        "",
        False,
        "",
    ),
]

_CHANGEMENTS_2025 = {
    "operateurs": (
        "Les douze opérateurs nationaux de l'accord-cadre joignables (back-office, au moins un référent par département)",
        "Calculé d'après les référents d'opérateur enregistrés dans le département. "
        "France Travail, France Titres, Assurance Maladie, Finances publiques, Point Justice, France Rénov', "
        "Chèque énergie, Assurance Retraite, MSA, La Poste, Allocations familiales, Urssaf.",
    ),
    "offre-socle": (
        "Information et accompagnement sur les démarches des douze opérateurs nationaux",
        "Les agents connaissent l'offre de chaque opérateur et savent solliciter son back-office.",
    ),
    "agents": (
        "Au moins deux conseillers France services ayant achevé leur formation initiale",
        "Calculé d'après les agents habilités sur le site ; vérifiez les attestations de formation initiale "
        "(5,5 jours : socle commun et modules métiers des opérateurs).",
    ),
}

CRITERES_2025 = [
    (code, _CHANGEMENTS_2025[code][0], famille, preuve, verif, bloquant, _CHANGEMENTS_2025[code][1])
    if code in _CHANGEMENTS_2025
    else (code, titre, famille, preuve, verif, bloquant, aide)
    for code, titre, famille, preuve, verif, bloquant, aide in CRITERES_2019
] + [
    (
        "aidants-connect",
        "Des agents habilités à agir sous mandat de l'usager (Aidants Connect)",
        "agents",
        "document",
        "",
        False,
        "",
    ),
    (
        "delais-back-office",
        "Délais de réponse du back-office suivis et remontés (charte de relations opérateurs – France services)",
        "qualite",
        "declaration",
        "",
        False,
        "La structure signale les demandes restées sans réponse au-delà de 72 heures.",
    ),
    (
        "visites-mystere",
        "Participation aux visites mystère et au baromètre Services Publics+",
        "qualite",
        "declaration",
        "",
        False,
        "",
    ),
]


def charger(apps, schema_editor):
    Referentiel = apps.get_model("labellisation", "Referentiel")
    Critere = apps.get_model("labellisation", "Critere")
    versions = [
        (
            "circulaire-2019",
            "Circulaire du 1er juillet 2019 — 30 critères",
            datetime.date(2019, 7, 1),
            "remplace",
            datetime.datetime(2019, 7, 1, 10, tzinfo=datetime.UTC),
            CRITERES_2019,
        ),
        (
            "arrete-2025",
            "Référentiel France services — arrêté du 16 juin 2025",
            datetime.date(2025, 6, 16),
            "publie",
            datetime.datetime(2025, 6, 16, 10, tzinfo=datetime.UTC),
            CRITERES_2025,
        ),
    ]
    origine = None
    for code, titre, date, statut, publie_le, criteres in versions:
        referentiel = Referentiel.objects.create(
            code=code, titre=titre, date=date, statut=statut, publie_le=publie_le, origine=origine
        )
        Critere.objects.bulk_create(
            Critere(
                referentiel=referentiel,
                code=critere_code,
                titre=critere_titre,
                famille=famille,
                preuve=preuve,
                verification=verification,
                bloquant=bloquant,
                aide=aide,
                ordre=rang,
            )
            for rang, (critere_code, critere_titre, famille, preuve, verification, bloquant, aide) in enumerate(
                criteres, start=1
            )
        )
        origine = referentiel


def retirer(apps, schema_editor):
    apps.get_model("labellisation", "Critere").objects.filter(
        referentiel__code__in=["circulaire-2019", "arrete-2025"]
    ).delete()
    apps.get_model("labellisation", "Referentiel").objects.filter(
        code__in=["circulaire-2019", "arrete-2025"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("labellisation", "0001_initial")]

    operations = [migrations.RunPython(charger, retirer)]
