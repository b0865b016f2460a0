"""La démonstration de la labellisation : un dossier par site du réseau de démonstration, et, dans le
département de démonstration, des sites en projet à chaque étape du chemin vers le label (candidature du
porteur, audit planifié — dont un en retard —, audit réalisé, avis de l'ANCT, refus) et des sites sanctionnés
(mise en demeure, suspension, retrait). Les audits sont confiés au compte auditeur de démonstration ; un site
sur trois a eu un contrôle de conformité, avec les non-conformités que la plateforme constate (horaires,
agents) et quelques autres relevées sur place. Chaque préfecture, l'auditeur et l'équipe nationale ont ainsi
un tableau réaliste après `make run`.

Le back-office hors du département de démonstration : le réseau de démonstration n'a de référents d'opérateurs
que dans ce département (ceux des demandes de démonstration). Pour que les critères « opérateurs nationaux
joignables » et « outils du réseau » (demandes au back-office possibles) se lisent comme sur le vrai réseau,
un référent par opérateur national est habilité dans les autres départements du réseau, avec des manques :
quelques départements sans aucun référent encore, et çà et là un opérateur sans référent. Ces comptes ne se
connectent pas (pas de mot de passe) ; ils sont supprimés avec les autres comptes de démonstration.

Les sites en projet ont leur propre préfixe de matricule : le réseau de démonstration reste fait de sites
labellisés, et ce module les supprime avant lui.
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from guichet.chiffrement import supprimer_fichier
from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.labellisation import services
from guichet.labellisation.models import (
    Audit,
    ComptageCritere,
    Document,
    Dossier,
    Etape,
    Evenement,
    LigneAudit,
    PieceAudit,
    Referentiel,
    ResultatAudit,
)
from guichet.labellisation.verifications import Resultat as Automatique
from guichet.labellisation.verifications import verifier
from guichet.plans_d_action.models import Action
from guichet.reseau import demo as reseau_demo
from guichet.reseau.models import Operateur, Structure
from guichet.territoires.models import Commune, Departement

PREFIXE_PROJETS = "FS-PROJET-DEMO-"
UN_SUR_CONTROLE = 3
# Les non-conformités relevées sur place, en plus de celles que la plateforme calcule (code, probabilité).
CONSTATS_SUR_PLACE = [
    ("espace-confidentiel", 0.08),
    ("poste-webcam", 0.15),
    ("signaletique", 0.2),
    ("accessibilite-pmr", 0.05),
]

# Le back-office hors du département de démonstration : un référent par opérateur national (code, prénom, nom).
REFERENTS_DU_RESEAU = [
    ("france-travail", "Bruno", "Lefèvre"),
    ("france-titres", "Agnès", "Moulin"),
    ("assurance-maladie", "Rachid", "Belkacem"),
    ("finances-publiques", "Isabelle", "Fontaine"),
    ("point-justice", "Gilles", "Marchal"),
    ("france-renov", "Chloé", "Lemaire"),
    ("cheque-energie", "Denis", "Royer"),
    ("assurance-retraite", "Sylvie", "Barbier"),
    ("msa", "Hervé", "Colin"),
    ("la-poste", "Nathalie", "Perrot"),
    ("caf", "Mehdi", "Aubert"),
    ("urssaf", "Catherine", "Bouvier"),
]
PART_SANS_BACK_OFFICE = 0.06  # des départements où aucun référent n'est encore habilité
PART_OPERATEUR_ABSENT = 0.03  # ailleurs, un opérateur sans référent dans le département

# Les sites en projet du département de démonstration : (nom, étapes à franchir).
PARCOURS = [
    ("Projet", []),
    ("Candidature du porteur", ["porteur"]),
    ("Candidature", ["deposer"]),
    ("Audit planifié", ["deposer", "planifier"]),
    ("Audit en retard", ["deposer", "planifier_retard"]),
    ("Audit réalisé", ["deposer", "planifier", "conclure_favorable"]),
    ("Avis favorable", ["deposer", "planifier", "conclure_favorable", "avis_favorable"]),
    ("Avis défavorable", ["deposer", "planifier", "conclure_defavorable", "avis_defavorable"]),
    ("Refusée", ["deposer", "planifier", "conclure_defavorable", "avis_defavorable", "refuser"]),
    ("Mise en demeure", ["labellisee", "mise_en_demeure"]),
    ("Suspendue", ["labellisee", "suspendre"]),
    ("Label retiré", ["labellisee", "suspendre", "retirer"]),
]


def nettoyer() -> int:
    """Les dossiers du réseau de démonstration et les sites en projet (avant le réseau lui-même)."""
    dossiers = Dossier.objects.filter(structure__matricule__startswith=reseau_demo.PREFIXE) | Dossier.objects.filter(
        structure__matricule__startswith=PREFIXE_PROJETS
    )
    fichiers = list(Document.objects.filter(dossier__in=dossiers).values_list("fichier", flat=True))
    fichiers += list(PieceAudit.objects.filter(ligne__audit__dossier__in=dossiers).values_list("fichier", flat=True))
    nombre, _ = dossiers.delete()
    Structure.objects.filter(matricule__startswith=PREFIXE_PROJETS).delete()
    ComptageCritere.objects.recompter()  # les audits supprimés ne comptent plus au tableau
    for fichier in fichiers:
        transaction.on_commit(lambda f=fichier: supprimer_fichier(f))
    return nombre


def _compte(identifiant):
    return Utilisateur.objects.get(email=f"{identifiant}@{reseau_demo.DOMAINE}")


@transaction.atomic
def peupler(graine: int = 2026) -> dict[str, int]:
    referentiel = Referentiel.objects.en_vigueur()
    if referentiel is None or not Structure.objects.filter(matricule__startswith=reseau_demo.PREFIXE).exists():
        return {}
    hasard = random.Random(graine)
    labellisees = list(
        Structure.objects.filter(matricule__startswith=reseau_demo.PREFIXE, statut=Structure.Statut.LABELLISEE)
        .select_related("commune")
        .order_by("matricule")
    )
    auditeur, prefecture, national = _compte("auditeur"), _compte("prefecture"), _compte("national")
    referents = _back_office_du_reseau(labellisees, hasard)
    controles = _dossiers_labellises(labellisees, referentiel, auditeur, prefecture, hasard)
    ComptageCritere.objects.recompter()  # les contrôles créés en masse, sans passer par leur conclusion
    projets = _sites_en_projet(hasard, auditeur, prefecture, national)
    # Un contrôle à venir pour le site des comptes de démonstration : son responsable le voit dans son dossier.
    site = _compte("gestionnaire").habilitations.get().structure
    if not site.dossier.audits.filter(statut=Audit.Statut.PLANIFIE).exists():
        services.planifier_audit(
            site.dossier,
            prefecture,
            auditeur=auditeur,
            date_prevue=timezone.localdate() + timedelta(days=10),
            controle=True,
        )
    return {
        "dossiers de labellisation": Dossier.objects.count(),
        "contrôles de conformité": controles,
        "sites en projet": projets,
        "habilitations de référents hors du département de démonstration": referents,
    }


def _email(prenom, nom):
    return f"{prenom}.{nom}@{reseau_demo.DOMAINE}".lower().replace("è", "e").replace("é", "e")


def _back_office_du_reseau(structures, hasard) -> int:
    """Les référents des opérateurs nationaux dans les départements du réseau hors celui de démonstration, avec
    des manques réalistes ; rend le nombre d'habilitations créées."""
    Utilisateur.objects.filter(email__in=[_email(prenom, nom) for _, prenom, nom in REFERENTS_DU_RESEAU]).delete()
    operateurs = dict(Operateur.objects.filter(national=True).values_list("code", "pk"))
    demo = set(Departement.objects.filter(code=reseau_demo.DEPARTEMENT_DEMO).values_list("pk", flat=True))
    departements = sorted({s.commune.departement_id for s in structures} - demo)
    avec_back_office = [d for d in departements if hasard.random() >= PART_SANS_BACK_OFFICE]
    sans_mot_de_passe = make_password(None)
    habilitations = []
    for code, prenom, nom in REFERENTS_DU_RESEAU:
        if code not in operateurs:
            continue
        referent = Utilisateur.objects.create(
            email=_email(prenom, nom), first_name=prenom, last_name=nom, password=sans_mot_de_passe
        )
        habilitations += [
            Habilitation(utilisateur=referent, role=Role.REFERENT, operateur_id=operateurs[code], departement_id=d)
            for d in avec_back_office
            if hasard.random() >= PART_OPERATEUR_ABSENT
        ]
    Habilitation.objects.bulk_create(habilitations, batch_size=2000)
    return len(habilitations)


def _dossiers_labellises(structures, referentiel, auditeur, prefecture, hasard) -> int:
    """Un dossier « labellisé » par site, et un contrôle de conformité conclu pour un site sur trois (par lots)."""
    dossiers = Dossier.objects.bulk_create(
        [Dossier(structure=s, etape=Etape.LABELLISEE, date_labellisation=s.date_labellisation) for s in structures],
        batch_size=1000,
    )
    Evenement.objects.bulk_create(
        [
            Evenement(
                dossier=d,
                etape=Etape.LABELLISEE,
                libelle="Décision du préfet : site labellisé",
                date=d.date_labellisation or timezone.localdate(),
            )
            for d in dossiers
        ],
        batch_size=1000,
    )
    controles = [d for rang, d in enumerate(dossiers) if rang % UN_SUR_CONTROLE == 0]
    if not controles:
        return 0
    maintenant = timezone.now()
    audits = Audit.objects.bulk_create(
        [
            Audit(
                dossier=d,
                nature=Audit.Nature.CONTROLE,
                referentiel=referentiel,
                auditeur=auditeur,
                date_prevue=timezone.localdate() - timedelta(days=hasard.randint(20, 300)),
                statut=Audit.Statut.REALISE,
                realise_le=maintenant,
                planifie_par=prefecture,
            )
            for d in controles
        ]
    )
    criteres = list(referentiel.criteres.all())
    sites = {s.pk: s for s in verifier(Structure.objects.filter(pk__in=[d.structure_id for d in controles]), criteres)}
    lignes, defavorables = [], set()
    for audit, dossier in zip(audits, controles, strict=True):
        constats = sites[dossier.structure_id].constats
        for critere in criteres:
            constat = constats.get(critere.code)
            resultat = ResultatAudit.CONFORME
            if constat is not None and constat.resultat == Automatique.NON_CONFORME:
                resultat = ResultatAudit.NON_CONFORME
            for code, probabilite in CONSTATS_SUR_PLACE:
                if critere.code == code and hasard.random() < probabilite:
                    resultat = ResultatAudit.NON_CONFORME
            if resultat == ResultatAudit.NON_CONFORME and critere.bloquant:
                defavorables.add(audit.pk)
            lignes.append(
                LigneAudit(
                    audit=audit,
                    critere=critere,
                    resultat_automatique=constat.resultat if constat else "",
                    preuve_automatique=constat.preuve if constat else "",
                    resultat=resultat,
                )
            )
    LigneAudit.objects.bulk_create(lignes, batch_size=5000)
    Audit.objects.filter(pk__in=[a.pk for a in audits]).exclude(pk__in=defavorables).update(
        conclusion=Audit.Conclusion.FAVORABLE
    )
    Audit.objects.filter(pk__in=defavorables).update(conclusion=Audit.Conclusion.DEFAVORABLE)
    Evenement.objects.bulk_create(
        [
            Evenement(
                dossier=a.dossier, etape=Etape.LABELLISEE, libelle="Contrôle de conformité réalisé", date=a.date_prevue
            )
            for a in audits
        ]
    )
    _plans_d_action(
        audits, {ligne.audit_id for ligne in lignes if ligne.resultat == ResultatAudit.NON_CONFORME}, auditeur
    )
    return len(audits)


def _plans_d_action(audits, non_conformes, auditeur):
    """Dans le département de démonstration, les non-conformités des contrôles deviennent des plans d'action
    (comme à la conclusion d'un audit), dont une action sur trois a passé son échéance : la préfecture les voit
    en retard sur son tableau, le responsable du site les lit dans son dossier."""
    concernes = (
        Audit.objects.filter(pk__in=[a.pk for a in audits if a.pk in non_conformes])
        .filter(dossier__structure__commune__departement__code=reseau_demo.DEPARTEMENT_DEMO)
        .select_related("dossier__structure__commune__departement")
        .order_by("pk")
    )
    plans = [p for p in (services.ouvrir_plan_des_non_conformites(a, auditeur) for a in concernes) if p]
    actions = Action.objects.filter(plan__in=plans).order_by("pk")
    en_retard = [pk for rang, pk in enumerate(actions.values_list("pk", flat=True)) if rang % 3 == 0]
    Action.objects.filter(pk__in=en_retard).update(echeance=timezone.localdate() - timedelta(days=12))


def _sites_en_projet(hasard, auditeur, prefecture, national) -> int:
    communes = list(
        Commune.objects.filter(departement__code=reseau_demo.DEPARTEMENT_DEMO, latitude__isnull=False)
        .exclude(structures__matricule__startswith=reseau_demo.PREFIXE)
        .defer("contour")
        .order_by("-population", "code")[: len(PARCOURS)]
    )
    if not communes:
        return 0
    aujourd_hui = timezone.localdate()
    for rang, (libelle, etapes) in enumerate(PARCOURS):
        commune = communes[rang % len(communes)]
        structure = Structure.objects.create(
            matricule=f"{PREFIXE_PROJETS}{rang:02d}",
            nom=f"France services {commune.nom} ({libelle.lower()})",
            commune=commune,
            adresse="Place de la mairie",
            latitude=commune.latitude,
            longitude=commune.longitude,
            position_approchee=True,
            type_porteur=Structure.TypePorteur.COLLECTIVITE,
            nom_porteur=f"Communauté de communes {commune.nom}",
            statut=Structure.Statut.PROJET,
            poste_libre_acces=True,
            poste_webcam=hasard.random() < 0.7,
            espace_confidentiel=True,
        )
        dossier = Dossier.objects.create(
            structure=structure, email_responsable=f"responsable.{rang}@{reseau_demo.DOMAINE}"
        )
        audit = None
        for etape in etapes:
            match etape:
                case "porteur":
                    dossier.deposer_candidature(prefecture, par_porteur=True)
                case "deposer":
                    dossier.deposer_candidature(prefecture)
                case "planifier":
                    audit = services.planifier_audit(
                        dossier, prefecture, auditeur=auditeur, date_prevue=aujourd_hui + timedelta(days=7 + rang)
                    )
                case "planifier_retard":
                    audit = services.planifier_audit(
                        dossier, prefecture, auditeur=auditeur, date_prevue=aujourd_hui - timedelta(days=5)
                    )
                case "conclure_favorable" | "conclure_defavorable":
                    audit.lignes.filter(resultat="").update(resultat=ResultatAudit.CONFORME)
                    audit.lignes.exclude(resultat=ResultatAudit.CONFORME).filter(critere__bloquant=False).update(
                        resultat=ResultatAudit.CONFORME
                    )
                    if etape == "conclure_defavorable":
                        audit.lignes.filter(critere__code="espace-confidentiel").update(
                            resultat=ResultatAudit.NON_CONFORME, commentaire="Bureau partagé, sans porte."
                        )
                    else:
                        audit.lignes.filter(critere__bloquant=True).update(resultat=ResultatAudit.CONFORME)
                        audit.lignes.filter(critere__code="poste-webcam").update(
                            resultat=ResultatAudit.NON_CONFORME, commentaire="Webcam commandée."
                        )
                    audit.conclure(
                        auditeur, conclusion=etape.removeprefix("conclure_"), synthese="Visite de démonstration."
                    )
                case "avis_favorable":
                    dossier.donner_avis(national, favorable=True, motifs="Conforme au référentiel.")
                case "avis_defavorable":
                    dossier.donner_avis(national, favorable=False, motifs="Pas d'espace confidentiel fermé.")
                case "refuser":
                    dossier.refuser(prefecture, motifs="Avis défavorable de l'ANCT : espace confidentiel absent.")
                case "labellisee":
                    Dossier.objects.filter(pk=dossier.pk).update(etape=Etape.AVIS_FAVORABLE)
                    dossier.refresh_from_db()
                    dossier.labelliser(prefecture, date=aujourd_hui - timedelta(days=400))
                case "mise_en_demeure":
                    dossier.mettre_en_demeure(
                        prefecture, echeance=aujourd_hui + timedelta(days=60), motifs="Ouvert 18 h par semaine."
                    )
                case "suspendre":
                    dossier.suspendre(prefecture, motifs="Un seul agent depuis six mois.")
                case "retirer":
                    dossier.retirer(prefecture, motifs="Aucun recrutement à l'échéance.")
    return len(PARCOURS)
