"""Données de démonstration des demandes (appelées par `guichet demo`, après le réseau).

Dans le département de démonstration (01) : un second référent CAF (le label en demande au moins deux
par opérateur et par département), deux référents pour France Travail, l'Assurance Maladie et les
Finances publiques, un pour chacun des huit autres opérateurs nationaux, un responsable départemental
France Travail. Des noms et des adresses comme en ont de vraies personnes. Puis une vingtaine de demandes dans tous les
états, écrites par les services (fil, réponses rapides, réorientation, invitation, clôture…),
sans notification : la démonstration n'envoie aucun courriel.
"""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.demandes import services
from guichet.demandes.models import Demande, NatureMandat, Relance, Utilite
from guichet.demarches.models import Demarche
from guichet.reseau.demo import CLE_TOTP_DEMO, DEPARTEMENT_DEMO, DOMAINE, MOT_DE_PASSE, PREFIXE
from guichet.reseau.models import Operateur, Structure
from guichet.territoires.models import Departement

# (identifiant, prénom, nom, code de l'opérateur, rôle)
REFERENTS_DEMO = [
    ("dominique.garnier", "Dominique", "Garnier", "caf", Role.REFERENT),
    ("karim.benali", "Karim", "Benali", "france-travail", Role.REFERENT),
    ("sophie.marchand", "Sophie", "Marchand", "france-travail", Role.REFERENT),
    ("paul.rousseau", "Paul", "Rousseau", "assurance-maladie", Role.REFERENT),
    ("nadia.haddad", "Nadia", "Haddad", "assurance-maladie", Role.REFERENT),
    ("luc.perrin", "Luc", "Perrin", "finances-publiques", Role.REFERENT),
    ("anne.vidal", "Anne", "Vidal", "finances-publiques", Role.REFERENT),
    ("julie.caron", "Julie", "Caron", "france-titres", Role.REFERENT),
    ("thomas.blanc", "Thomas", "Blanc", "point-justice", Role.REFERENT),
    ("lea.guerin", "Léa", "Guérin", "france-renov", Role.REFERENT),
    ("olivier.roux", "Olivier", "Roux", "cheque-energie", Role.REFERENT),
    ("martine.faure", "Martine", "Faure", "assurance-retraite", Role.REFERENT),
    ("samir.mansouri", "Samir", "Mansouri", "la-poste", Role.REFERENT),
    ("claire.dumont", "Claire", "Dumont", "urssaf", Role.REFERENT),
    ("nicolas.henry", "Nicolas", "Henry", "msa", Role.REFERENT),
    ("helene.arnaud", "Hélène", "Arnaud", "france-travail", Role.RESPONSABLE_OPERATEUR),
]

USAGERS = [
    ("Martin", "Jeanne", "1958-03-14"),
    ("Bernard", "Louis", "1990-11-02"),
    ("Petit", "Aïcha", "1985-07-23"),
    ("Robert", "Marc", "1972-01-30"),
    ("Richard", "Emma", "2001-09-09"),
    ("Durand", "Yves", "1949-12-25"),
    ("Moreau", "Fatou", "1995-04-18"),
]

# Une demande : (opérateur, démarche (code) ou None, objet libre, jours avant maintenant, déroulé)
# Déroulé : (heures après l'envoi, qui, action, argument) ; qui : « agent », « referent », « referent2 ».
SCENARIOS = [
    ("caf", "prime-activite", "Droits recalculés à zéro", 0.1, []),
    ("caf", None, "Trop-perçu contesté", 1, [(3, "referent", "je_m_en_occupe", None)]),
    ("caf", "rsa", "Versement suspendu", 9, []),
    ("caf", None, "Attestation de paiement introuvable", 3, [(20, "referent", "message", "Attestation jointe.")]),
    (
        "caf",
        None,
        "Changement de situation non pris en compte",
        5,
        [(30, "referent2", "message", "Pouvez-vous préciser la date ?"), (40, "agent", "message", "Le 3 du mois.")],
    ),
    ("caf", None, "Aide au logement", 4, [(26, "referent", "traitee", "Dossier régularisé.")]),
    (
        "caf",
        None,
        "Pension alimentaire",
        20,
        [(10, "referent", "message", "C'est corrigé."), (30, "agent", "cloture", Utilite.OUI)],
    ),
    (
        "caf",
        None,
        "Prime de naissance",
        30,
        [
            (50, "referent", "traitee", "Le versement est programmé pour la fin du mois."),
            (70, "agent", "cloture", Utilite.NON),
        ],
    ),
    ("france-travail", None, "Inscription bloquée", 2, []),
    ("france-travail", None, "Radiation contestée", 12, []),
    (
        "france-travail",
        None,
        "Attestation employeur manquante",
        15,
        [(8, "referent", "message", "Relance faite à l'employeur."), (60, "agent", "cloture", Utilite.NE_SAIT_PAS)],
    ),
    (
        "assurance-maladie",
        None,
        "Carte Vitale non reçue",
        1,
        [(2, "referent", "note", "Vérifier l'adresse dans le dossier."), (3, "referent", "je_m_en_occupe", None)],
    ),
    (
        "caf",
        None,
        "Complémentaire santé solidaire",
        12,
        [
            (5, "referent", "reroute", "assurance-maladie"),
            (30, "referent", "message", "Dossier repris par la CPAM, dossier complet."),
        ],
    ),
    (
        "finances-publiques",
        None,
        "Prélèvement à la source",
        3,
        [(4, "referent", "invite", "caf"), (20, "referent", "message", "Taux corrigé.")],
    ),
    (
        "finances-publiques",
        None,
        "Avis d'impôt pour un logement social",
        40,
        [(6, "referent", "message", "Avis renvoyé."), (9, "agent", "cloture", Utilite.OUI)],
    ),
    (
        "caf",
        None,
        "Allocation rentrée scolaire",
        50,
        [
            (10, "referent", "traitee", "Versée."),
            (20, "agent", "cloture", Utilite.OUI),
            (100, "agent", "rouvrir", "Le versement n'est finalement pas arrivé."),
            (120, "referent", "message", "Nouveau virement émis."),
        ],
    ),
    ("caf", None, "Question sur un quotient familial", 2, []),
    ("france-travail", None, "Formation financée", 7, [(16, "referent", "message", "Accord donné.")]),
    (
        "assurance-maladie",
        None,
        "Indemnités journalières",
        25,
        [(12, "referent", "message", "Paiement fait."), (40, "agent", "cloture", Utilite.OUI)],
    ),
    ("caf", None, "Allocation adulte handicapé", 8, []),
]

PDF_DEMO = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\ntrailer<<>>\n%%EOF\n"
)


def _compte(identifiant, prenom, nom, empreinte):
    user = Utilisateur.objects.create(
        email=f"{identifiant}@{DOMAINE}", first_name=prenom, last_name=nom, password=empreinte
    )
    TOTPDevice.objects.create(user=user, name="Démonstration", key=CLE_TOTP_DEMO, confirmed=True)
    return user


@transaction.atomic
def peupler() -> dict[str, int]:
    """Crée les référents supplémentaires et les demandes de démonstration ; renvoie les nombres créés."""
    departement = Departement.objects.filter(code=DEPARTEMENT_DEMO).first()
    conseiller = Utilisateur.objects.filter(email=f"conseiller@{DOMAINE}").first()
    referent = Utilisateur.objects.filter(email=f"referent@{DOMAINE}").first()
    if departement is None or conseiller is None or referent is None:
        return {}
    Demande.objects.filter(structure__matricule__startswith=PREFIXE).delete()
    Utilisateur.objects.filter(email__in=[f"{r[0]}@{DOMAINE}" for r in REFERENTS_DEMO]).delete()

    operateurs = {o.code: o for o in Operateur.objects.filter(national=True)}
    empreinte = referent.password if referent.has_usable_password() else MOT_DE_PASSE
    comptes = {"referent:caf": [referent]}
    for identifiant, prenom, nom, code, role in REFERENTS_DEMO:
        if code not in operateurs:
            continue
        user = _compte(identifiant, prenom, nom, empreinte)
        Habilitation.objects.create(utilisateur=user, role=role, operateur=operateurs[code], departement=departement)
        if role == Role.REFERENT:
            comptes.setdefault(f"referent:{code}", []).append(user)

    structure = conseiller.habilitations.filter(role=Role.CONSEILLER).first().structure
    autre = (
        Structure.objects.filter(matricule__startswith=PREFIXE, commune__departement=departement)
        .exclude(pk=structure.pk)
        .order_by("matricule")
        .first()
    )
    agent_autre = (
        Utilisateur.objects.filter(habilitations__structure=autre, habilitations__role=Role.CONSEILLER).first()
        if autre
        else None
    )
    demarches = {(d.operateur.code, d.code): d for d in Demarche.objects.select_related("operateur")}
    maintenant = timezone.now()
    nombre = 0
    with services.sans_notification():
        for rang, (code, demarche, objet_libre, jours, deroule) in enumerate(SCENARIOS):
            if f"referent:{code}" not in comptes:
                continue
            # Deux demandes sur trois viennent de la structure du compte conseiller@, les autres d'une voisine.
            auteur, lieu = (agent_autre, autre) if (rang % 3 == 2 and agent_autre) else (conseiller, structure)
            nom, prenom, naissance = USAGERS[rang % len(USAGERS)]
            envoi = maintenant - timedelta(days=jours)
            pieces = []
            if rang % 4 == 0:
                fichier = SimpleUploadedFile("justificatif.pdf", PDF_DEMO, content_type="application/pdf")
                pieces = [(fichier, "justificatif.pdf", "application/pdf")]
            demande = services.ouvrir_demande(
                auteur=auteur,
                structure=lieu,
                operateur=operateurs[code],
                donnees={
                    "objet": demarches.get((code, demarche)) if demarche else None,
                    "objet_libre": objet_libre,
                    "description": f"{objet_libre} : l'usager a déjà fait la démarche en ligne sans succès.",
                    "usager_nom": nom,
                    "usager_prenom": prenom,
                    "usager_date_naissance": naissance,
                    "usager_numero_allocataire": f"{1234560 + rang}" if code == "caf" else "",
                    "consentement_atteste": True,
                    "mandat_nature": NatureMandat.PRESENCE if rang % 2 else NatureMandat.AIDANTS_CONNECT,
                    "mandat_date": min(envoi.date(), date.today()),
                },
                pieces=pieces,
                maintenant=envoi,
            )
            _derouler(demande, deroule, envoi, auteur, comptes, operateurs, maintenant)
            nombre += 1
    # Les demandes en retard ont déjà eu leurs relances : la commande périodique ne les renverra pas.
    for demande in Demande.objects.filter(structure__matricule__startswith=PREFIXE).en_retard(maintenant):
        for nature in (Relance.Nature.RAPPEL_ECHEANCE, Relance.Nature.ESCALADE):
            Relance.objects.create(demande=demande, nature=nature, routee_le=demande.routee_le, envoyee_le=maintenant)
    return {"référents d'opérateurs ajoutés": len(REFERENTS_DEMO), "demandes au back-office": nombre}


def _derouler(demande, deroule, envoi, agent, comptes, operateurs, maintenant):
    for heures, qui, action, argument in deroule:
        moment = min(envoi + timedelta(hours=heures), maintenant)
        demande.refresh_from_db()
        if qui == "agent":
            auteur = agent
        else:
            equipe = comptes[f"referent:{demande.operateur.code}"]
            auteur = equipe[1] if qui == "referent2" and len(equipe) > 1 else equipe[0]
        if action == "message":
            services.ecrire(demande, auteur, argument, maintenant=moment)
        elif action == "note":
            services.ecrire(demande, auteur, argument, interne=True, maintenant=moment)
        elif action == "je_m_en_occupe":
            services.prendre_en_charge(demande, auteur, maintenant=moment)
        elif action == "traitee":
            services.marquer_traitee(demande, auteur, argument, maintenant=moment)
        elif action == "reroute":
            services.rerouter(demande, auteur, operateurs[argument], "Relève de la CPAM.", maintenant=moment)
        elif action == "invite":
            services.inviter(demande, auteur, operateurs[argument], maintenant=moment)
        elif action == "cloture":
            services.cloturer(demande, auteur, argument, maintenant=moment)
        elif action == "rouvrir":
            services.rouvrir(demande, auteur, argument, maintenant=moment)
