"""Un réseau de démonstration réaliste sur la géographie réelle.

Une structure par canton, à la mairie de son bureau centralisateur ; quelques bus avec leurs
arrêts hebdomadaires ; quelques structures multisites avec leurs permanences ; deux conseillers
par structure ; un compte de démonstration par rôle. Tout est déterministe (graine fixe).
"""

import random
from dataclasses import dataclass
from datetime import date, time

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.comptes.models import ROLES_DOUBLE_FACTEUR, Habilitation, Role, Utilisateur
from guichet.reseau.models import Creneau, HistoriqueStatut, Operateur, Passage, Structure
from guichet.territoires.models import Canton, Commune, Departement
from guichet.territoires.services import distance_km

DOMAINE = "demo.guichet.fr"
MOT_DE_PASSE = "guichet-demo-2026"
# Clé TOTP (hexadécimale) des comptes de démonstration ; `guichet demo` l'affiche en base32 pour
# une application d'authentification, et `guichet demo --code EMAIL` donne le code du moment.
CLE_TOTP_DEMO = b"guichet-demo-totp-26".hex()
DEPARTEMENT_DEMO = "01"
PREFIXE = "FS-DEMO-"

PORTEURS = [
    (Structure.TypePorteur.COLLECTIVITE, 63, "Communauté de communes"),
    (Structure.TypePorteur.LA_POSTE, 18, "La Poste"),
    (Structure.TypePorteur.ASSOCIATION, 15, "Association Familles rurales"),
    (Structure.TypePorteur.ETAT, 2, "Sous-préfecture"),
    (Structure.TypePorteur.MSA, 2, "MSA"),
]

M, AM = (time(9), time(12)), (time(14), time(17))
# Modèles d'horaires hebdomadaires : {jour: [(début, fin), …]}
MODELES_HORAIRES = [
    {j: [M, AM] for j in range(5)},
    {**{j: [(time(8, 30), time(12)), (time(13, 30), time(17))] for j in range(5)}, 5: [M]},
    {0: [AM], 1: [M, AM], 2: [M], 3: [M, AM], 4: [M, AM]},
    {j: [(time(9), time(17))] for j in range(5)},
    {0: [M, AM], 1: [M, AM], 2: [M, AM], 3: [AM], 4: [M], 5: [(time(9), time(12, 30))]},
]

ROLES_DEMO = [
    ("conseiller", "Camille", "Conseillère", Role.CONSEILLER),
    ("gestionnaire", "Dominique", "Responsable", Role.GESTIONNAIRE),
    ("referent", "Claude", "Référent CAF", Role.REFERENT),
    ("responsable-operateur", "Ysé", "Responsable CAF", Role.RESPONSABLE_OPERATEUR),
    ("prefecture", "Sacha", "Préfecture", Role.PREFECTURE),
    ("national", "Alex", "ANCT", Role.NATIONAL),
    ("auditeur", "Morgan", "Auditeur", Role.AUDITEUR),
]


@dataclass
class CompteDemo:
    email: str
    role: str
    perimetre: str
    totp: bool


def _adresse(commune):
    lignes = [ligne.strip() for ligne in (commune.mairie_adresse or "").splitlines() if ligne.strip()]
    if len(lignes) >= 2:
        return lignes[0], lignes[-1][:5] if lignes[-1][:5].isdigit() else ""
    return "Place de la Mairie", ""


def _creneaux(structure, modele):
    return [Creneau(structure=structure, jour=j, debut=d, fin=f) for j, plages in modele.items() for d, f in plages]


def demos_des_applications() -> list:
    """Les modules de démonstration des autres applications, dans l'ordre où leurs données se créent
    (après le réseau) ; chacun a `peupler()` et, s'il protège des structures, `nettoyer()`."""
    from guichet.activite import demo as activite
    from guichet.bureau import demo as bureau
    from guichet.connaissances import demo as connaissances
    from guichet.demandes import demo as demandes

    return [activite, demandes, connaissances, bureau]


@transaction.atomic
def creer_reseau(graine: int = 2026) -> dict:
    hasard = random.Random(graine)
    if not Commune.objects.exists():
        raise RuntimeError("La géographie est vide : lancez d'abord `guichet import_territoires`.")
    # Les données qui protègent les structures (l'historique d'activité) partent d'abord.
    for module in reversed(demos_des_applications()):
        if hasattr(module, "nettoyer"):
            module.nettoyer()
    Structure.objects.filter(matricule__startswith=PREFIXE).delete()
    Utilisateur.objects.filter(email__endswith="@" + DOMAINE).delete()

    nationaux = list(Operateur.objects.filter(national=True))
    cantons = list(
        Canton.objects.select_related("bureau_centralisateur", "departement")
        .filter(bureau_centralisateur__latitude__isnull=False)
        .order_by("code")
    )
    structures = []
    for canton in cantons:
        commune = canton.bureau_centralisateur
        type_porteur, _, nom_porteur = hasard.choices(PORTEURS, weights=[p[1] for p in PORTEURS])[0]
        adresse, cp = _adresse(commune)
        structures.append(
            Structure(
                matricule=f"{PREFIXE}{canton.code}",
                nom=f"France services {commune.nom}",
                commune=commune,
                adresse=adresse,
                code_postal=cp,
                latitude=commune.latitude,
                longitude=commune.longitude,
                type_porteur=type_porteur,
                nom_porteur=f"{nom_porteur} {commune.nom}"
                if type_porteur != Structure.TypePorteur.LA_POSTE
                else nom_porteur,
                email=f"france-services.{canton.code}@{DOMAINE}",
                telephone=f"0{hasard.randint(1, 5)} {hasard.randint(10, 99)} {hasard.randint(10, 99)} "
                f"{hasard.randint(10, 99)} {hasard.randint(10, 99)}",
                statut=Structure.Statut.LABELLISEE,
                date_labellisation=date(hasard.choice([2020, 2021, 2022, 2023]), hasard.randint(1, 12), 1),
                poste_libre_acces=True,
                poste_webcam=True,
                espace_confidentiel=True,
                accessible_pmr=hasard.random() < 0.95,
            )
        )
    Structure.objects.bulk_create(structures, batch_size=1000)
    structures = list(Structure.objects.filter(matricule__startswith=PREFIXE).select_related("commune"))

    # Bus : un par département sur trois, autour d'un chef-lieu de canton, cinq arrêts par semaine.
    par_dep = {}
    for s in structures:
        par_dep.setdefault(s.commune.departement_id, []).append(s)
    communes_par_dep = {}
    for c in Commune.objects.filter(latitude__isnull=False).only(
        "pk", "nom", "latitude", "longitude", "departement_id"
    ):
        communes_par_dep.setdefault(c.departement_id, []).append(c)
    passages = []
    for i, (dep_id, liste) in enumerate(sorted(par_dep.items())):
        if i % 3 == 0:
            forme = Structure.Forme.ITINERANTE
        elif i % 5 == 1:
            forme = Structure.Forme.MULTISITE
        else:
            continue
        base = hasard.choice(liste)
        base.forme = forme
        base.nom = (
            "France services itinérante " if forme == Structure.Forme.ITINERANTE else "France services multisite "
        ) + base.commune.nom
        voisines = sorted(
            (c for c in communes_par_dep[dep_id] if c.pk != base.commune_id),
            key=lambda c: distance_km(base.latitude, base.longitude, c.latitude, c.longitude),
        )[:25]
        for jour, commune in enumerate(hasard.sample(voisines, 5)):
            plage = M if hasard.random() < 0.6 else AM
            lieu = "Place de la mairie" if forme == Structure.Forme.ITINERANTE else "Salle du conseil, mairie"
            passages.append(
                Passage(structure=base, commune=commune, lieu=lieu, jour=jour, debut=plage[0], fin=plage[1])
            )
    Structure.objects.bulk_update([s for s in structures if s.forme != Structure.Forme.FIXE], ["forme", "nom"])
    Passage.objects.bulk_create(passages)

    creneaux = []
    for s in structures:
        modele = hasard.choice(MODELES_HORAIRES)
        if s.forme == Structure.Forme.ITINERANTE:
            modele = {}  # le bus n'a que ses arrêts
        creneaux += _creneaux(s, modele)
    Creneau.objects.bulk_create(creneaux, batch_size=5000)
    HistoriqueStatut.objects.bulk_create(
        [
            HistoriqueStatut(structure=s, statut=s.statut, date=s.date_labellisation, commentaire="Labellisation")
            for s in structures
        ]
    )
    Structure.operateurs.through.objects.bulk_create(
        [Structure.operateurs.through(structure_id=s.pk, operateur_id=o.pk) for s in structures for o in nationaux],
        batch_size=5000,
    )

    # Deux conseillers par structure (même empreinte de mot de passe : le hachage Argon2 est lent).
    empreinte = make_password(MOT_DE_PASSE)
    prenoms = ["Camille", "Léa", "Hugo", "Inès", "Lucas", "Chloé", "Nathan", "Manon", "Yanis", "Sarah"]
    noms = [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
    ]
    agents = [
        Utilisateur(
            email=_email_agent(n, s),
            first_name=hasard.choice(prenoms),
            last_name=hasard.choice(noms),
            password=empreinte,
        )
        for s in structures
        for n in (1, 2)
    ]
    Utilisateur.objects.bulk_create(agents, batch_size=2000)
    pk_agent = dict(Utilisateur.objects.filter(email__endswith="@" + DOMAINE).values_list("email", "pk"))
    Habilitation.objects.bulk_create(
        [
            Habilitation(utilisateur_id=pk_agent[_email_agent(n, s)], role=Role.CONSEILLER, structure=s)
            for s in structures
            for n in (1, 2)
        ],
        batch_size=5000,
    )
    comptes = creer_comptes_demo(empreinte)
    return {
        "structures": len(structures),
        "bus": sum(s.forme == Structure.Forme.ITINERANTE for s in structures),
        "multisites": sum(s.forme == Structure.Forme.MULTISITE for s in structures),
        "arrêts et permanences": len(passages),
        "conseillers": len(agents),
        "comptes": comptes,
    }


def _email_agent(n, structure):
    return f"conseiller{n}.{structure.matricule.lower()}@{DOMAINE}"


def creer_comptes_demo(empreinte) -> list[CompteDemo]:
    departement = Departement.objects.get(code=DEPARTEMENT_DEMO)
    structure = (
        Structure.objects.filter(
            matricule__startswith=PREFIXE, commune__departement=departement, forme=Structure.Forme.FIXE
        )
        .order_by("matricule")
        .first()
    )
    caf = Operateur.objects.get(code="caf")
    comptes = []
    for identifiant, prenom, nom, role in ROLES_DEMO:
        user = Utilisateur.objects.create(
            email=f"{identifiant}@{DOMAINE}", first_name=prenom, last_name=nom, password=empreinte
        )
        perimetre = {"role": role}
        if role in (Role.CONSEILLER, Role.GESTIONNAIRE):
            perimetre["structure"] = structure
        elif role in (Role.REFERENT, Role.RESPONSABLE_OPERATEUR):
            perimetre.update(operateur=caf, departement=departement)
        elif role == Role.PREFECTURE:
            perimetre["departement"] = departement
        habilitation = Habilitation.objects.create(utilisateur=user, **perimetre)
        totp = role in ROLES_DOUBLE_FACTEUR
        if totp:
            TOTPDevice.objects.create(user=user, name="Démonstration", key=CLE_TOTP_DEMO, confirmed=True)
        portee = str(habilitation).split(" : ", 1)[-1]
        comptes.append(CompteDemo(user.email, habilitation.get_role_display(), portee, totp))
    admin = Utilisateur.objects.create(
        email=f"admin@{DOMAINE}",
        first_name="Admin",
        last_name="Démo",
        password=empreinte,
        is_staff=True,
        is_superuser=True,
    )
    TOTPDevice.objects.create(user=admin, name="Démonstration", key=CLE_TOTP_DEMO, confirmed=True)
    comptes.append(CompteDemo(admin.email, "Administration Django", "/admin/", True))
    return comptes
