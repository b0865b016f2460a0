"""Le réseau de démonstration, réaliste, sur la géographie réelle (appelé par `guichet demo`).

Comme le réseau réel : une structure par ville, à la mairie d'un bureau centralisateur de canton
(une ville qui centralise plusieurs cantons n'en a qu'une) ; quelques bus avec leurs arrêts
hebdomadaires et quelques structures multisites avec leurs permanences, chacun dans une commune
sans autre France services, au point vérifié de la commune ; deux conseillers par structure (le second
parti dans une sur sept) ; une structure sur six ouverte 18 h seulement ; un compte de démonstration
par rôle. Tout est déterministe (graine fixe).

Les constantes ci-dessous (domaine, mot de passe, clé TOTP, préfixe) servent aussi aux
démonstrations des applications qui s'appuient sur ce réseau.
"""

import random
from dataclasses import dataclass
from datetime import date, time

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.comptes.models import ROLES_DOUBLE_FACTEUR, Habilitation, Role, Utilisateur
from guichet.reseau.models import Creneau, HistoriqueStatut, Operateur, Passage, Structure
from guichet.territoires.geometrie import point_dans_commune
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
# Une structure sur six (fixe ou multisite) n'ouvre que 18 h sur 4 jours : une non-conformité réaliste
# au critère d'ouverture du référentiel (au moins 24 h sur 5 jours).
MODELE_HORAIRES_REDUIT = {0: [M], 1: [M, AM], 3: [M, AM], 4: [M]}
UNE_SUR_HORAIRES_REDUITS = 6
# Une structure sur sept a perdu un de ses deux conseillers (compte désactivé) : un seul agent actif.
UNE_SUR_UN_SEUL_AGENT = 7

# Où s'arrête un bus, où se tient une permanence : des lieux variés, comme dans la liste nationale.
LIEUX_ARRET = [
    "Place de la mairie",
    "Parking de la salle des fêtes",
    "Place de l'église",
    "Parking du marché",
    "Place du village",
    "Parking de l'école",
    "Devant l'agence postale",
    "Parking du stade",
]
LIEUX_PERMANENCE = [
    "Salle du conseil, mairie",
    "Médiathèque",
    "Maison des associations",
    "Salle polyvalente",
    "Agence postale communale",
    "Espace de vie sociale",
]
ARRETS_PAR_SEMAINE = 5
VOISINES = 25  # les arrêts sont tirés parmi les communes les plus proches de la structure

PRENOMS = ["Camille", "Léa", "Hugo", "Inès", "Lucas", "Chloé", "Nathan", "Manon", "Yanis", "Sarah"]
NOMS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]

ROLES_DEMO = [
    ("conseiller", "Camille", "Lefèvre", Role.CONSEILLER),
    ("gestionnaire", "Dominique", "Colin", Role.GESTIONNAIRE),
    ("referent", "Claude", "Mercier", Role.REFERENT),
    ("responsable-operateur", "Ysé", "Fontaine", Role.RESPONSABLE_OPERATEUR),
    ("prefecture", "Sacha", "Girard", Role.PREFECTURE),
    ("national", "Alex", "Chevalier", Role.NATIONAL),
    ("auditeur", "Morgan", "Lambert", Role.AUDITEUR),
]

# L'indicatif téléphonique de la zone : 01 Île-de-France, 02 Nord-Ouest, 03 Nord-Est, 04 Sud-Est, 05 Sud-Ouest
# (code INSEE de la région ; l'Occitanie est partagée entre 04 et 05 selon le département ; outre-mer : 05).
INDICATIFS_REGION = {
    "11": "01",
    "24": "02",
    "28": "02",
    "52": "02",
    "53": "02",
    "27": "03",
    "32": "03",
    "44": "03",
    "84": "04",
    "93": "04",
    "94": "04",
    "75": "05",
    "76": "05",
}
OCCITANIE_EN_04 = {"11", "30", "34", "48", "66"}


def indicatif(departement) -> str:
    if departement.code in OCCITANIE_EN_04:
        return "04"
    return INDICATIFS_REGION.get(departement.region.code, "05")


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


def nettoyer() -> int:
    """Supprime le réseau et les comptes de démonstration (après les données des autres applications)."""
    nombre, _ = Structure.objects.filter(matricule__startswith=PREFIXE).delete()
    Utilisateur.objects.filter(email__endswith="@" + DOMAINE).delete()
    return nombre


@transaction.atomic
def peupler(graine: int = 2026) -> dict[str, int]:
    """Crée le réseau de démonstration ; renvoie les comptes à afficher (libellé → nombre).

    Les données des autres applications qui protègent les structures doivent être nettoyées avant
    (l'orchestration de `guichet demo` le fait, dans l'ordre inverse).
    """
    if not Commune.objects.exists():
        raise RuntimeError("La géographie est vide : lancez d'abord `guichet import_territoires`.")
    hasard = random.Random(graine)
    nettoyer()
    structures = _creer_structures(hasard)
    passages = _creer_itinerance(structures, hasard)
    _creer_horaires(structures, hasard)
    _labelliser(structures)
    empreinte = make_password(MOT_DE_PASSE)  # une empreinte pour tous : le hachage Argon2 est lent
    agents = _creer_conseillers(structures, hasard, empreinte)
    creer_comptes_demo(empreinte)
    return {
        "structures": len(structures),
        "bus": sum(s.forme == Structure.Forme.ITINERANTE for s in structures),
        "multisites": sum(s.forme == Structure.Forme.MULTISITE for s in structures),
        "arrêts et permanences": passages,
        "conseillers": agents,
    }


def villes_d_accueil() -> list[Commune]:
    """Une commune par structure : les bureaux centralisateurs des cantons, chacun une fois."""
    cantons = (
        Canton.objects.filter(bureau_centralisateur__latitude__isnull=False)
        .select_related("bureau_centralisateur__departement__region")
        .order_by("code")
    )
    villes = {}
    for canton in cantons:
        villes.setdefault(canton.bureau_centralisateur_id, canton.bureau_centralisateur)
    return list(villes.values())


def _creer_structures(hasard) -> list[Structure]:
    Structure.objects.bulk_create([_structure(commune, hasard) for commune in villes_d_accueil()], batch_size=1000)
    structures = Structure.objects.filter(matricule__startswith=PREFIXE).select_related("commune")
    return list(structures.defer("commune__contour", "commune__mairie_adresse").order_by("pk"))


def _structure(commune, hasard) -> Structure:
    type_porteur, _, nom_porteur = hasard.choices(PORTEURS, weights=[p[1] for p in PORTEURS])[0]
    adresse, code_postal = _adresse(commune)
    point = point_dans_commune(commune, commune.latitude, commune.longitude)
    chiffres = " ".join(str(hasard.randint(10, 99)) for _ in range(4))
    return Structure(
        matricule=f"{PREFIXE}{commune.code}",
        nom=f"France services {commune.nom}",
        commune=commune,
        adresse=adresse,
        code_postal=code_postal,
        latitude=point.latitude,
        longitude=point.longitude,
        type_porteur=type_porteur,
        nom_porteur=nom_porteur if type_porteur == Structure.TypePorteur.LA_POSTE else f"{nom_porteur} {commune.nom}",
        email=f"france-services.{commune.code}@{DOMAINE}",
        telephone=f"{indicatif(commune.departement)} {chiffres}",
        statut=Structure.Statut.LABELLISEE,
        date_labellisation=date(hasard.choice([2020, 2021, 2022, 2023]), hasard.randint(1, 12), 1),
        poste_libre_acces=True,
        poste_webcam=True,
        espace_confidentiel=True,
        accessible_pmr=hasard.random() < 0.95,
    )


def _creer_itinerance(structures, hasard) -> int:
    """Un département sur trois a un bus, un sur cinq (des autres) une structure multisite : une structure
    du département devient itinérante ou multisite, avec cinq passages par semaine dans cinq communes
    voisines qui n'ont pas de France services, chacune servie une seule fois."""
    par_departement = {}
    for structure in structures:
        par_departement.setdefault(structure.commune.departement_id, []).append(structure)
    prises = {structure.commune_id for structure in structures}
    passages = []
    for i, (departement, liste) in enumerate(sorted(par_departement.items())):
        forme = Structure.Forme.ITINERANTE if i % 3 == 0 else Structure.Forme.MULTISITE if i % 5 == 1 else None
        if forme is None:
            continue
        base = hasard.choice(liste)
        base.forme = forme
        prefixe = "France services itinérante" if forme == Structure.Forme.ITINERANTE else "France services multisite"
        base.nom = f"{prefixe} {base.commune.nom}"
        communes = _communes_de_passage(base, departement, prises, hasard)
        prises.update(commune.pk for commune in communes)
        passages += _passages(base, communes, hasard)
    Structure.objects.bulk_update([s for s in structures if s.forme != Structure.Forme.FIXE], ["forme", "nom"])
    Passage.objects.bulk_create(passages)
    return len(passages)


def _communes_de_passage(base, departement, prises, hasard) -> list[Commune]:
    candidates = Commune.objects.filter(departement_id=departement, latitude__isnull=False).exclude(pk__in=prises)
    voisines = sorted(
        candidates.only("pk", "latitude", "longitude"),
        key=lambda c: (distance_km(base.latitude, base.longitude, c.latitude, c.longitude), c.pk),
    )[:VOISINES]
    choisies = hasard.sample(voisines, min(ARRETS_PAR_SEMAINE, len(voisines)))
    # Le contour n'est lu que pour les communes retenues (vérification du point).
    par_pk = Commune.objects.only("pk", "nom", "latitude", "longitude", "contour").in_bulk([c.pk for c in choisies])
    return [par_pk[c.pk] for c in choisies]


def _passages(base, communes, hasard) -> list[Passage]:
    lieux = LIEUX_ARRET if base.forme == Structure.Forme.ITINERANTE else LIEUX_PERMANENCE
    passages = []
    for jour, commune in enumerate(communes):
        debut, fin = M if hasard.random() < 0.6 else AM
        point = point_dans_commune(commune, commune.latitude, commune.longitude)
        passages.append(
            Passage(
                structure=base,
                commune=commune,
                lieu=hasard.choice(lieux),
                latitude=point.latitude,
                longitude=point.longitude,
                jour=jour,
                debut=debut,
                fin=fin,
            )
        )
    return passages


def _creer_horaires(structures, hasard) -> None:
    creneaux = []
    for rang, structure in enumerate(structures):
        modele = hasard.choice(MODELES_HORAIRES)
        if rang % UNE_SUR_HORAIRES_REDUITS == UNE_SUR_HORAIRES_REDUITS - 1:
            modele = MODELE_HORAIRES_REDUIT
        if structure.forme == Structure.Forme.ITINERANTE:
            modele = {}  # le bus n'a que ses arrêts
        creneaux += _creneaux(structure, modele)
    Creneau.objects.bulk_create(creneaux, batch_size=5000)


def _labelliser(structures) -> None:
    """L'historique de labellisation et les opérateurs nationaux de chaque structure."""
    HistoriqueStatut.objects.bulk_create(
        [
            HistoriqueStatut(structure=s, statut=s.statut, date=s.date_labellisation, commentaire="Labellisation")
            for s in structures
        ]
    )
    nationaux = list(Operateur.objects.filter(national=True))
    Structure.operateurs.through.objects.bulk_create(
        [Structure.operateurs.through(structure_id=s.pk, operateur_id=o.pk) for s in structures for o in nationaux],
        batch_size=5000,
    )


def _creer_conseillers(structures, hasard, empreinte) -> int:
    """Deux conseillers par structure ; dans une structure sur sept, le second est parti (compte désactivé)."""
    agents = [
        Utilisateur(
            email=_email_agent(n, s),
            first_name=hasard.choice(PRENOMS),
            last_name=hasard.choice(NOMS),
            password=empreinte,
            is_active=not (n == 2 and rang % UNE_SUR_UN_SEUL_AGENT == UNE_SUR_UN_SEUL_AGENT - 1),
        )
        for rang, s in enumerate(structures)
        for n in (1, 2)
    ]
    for agent in agents:
        agent.password = empreinte
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
    return len(agents)


def _email_agent(n, structure):
    return f"conseiller{n}.{structure.matricule.lower()}@{DOMAINE}"


def comptes_demo() -> list[CompteDemo]:
    """Les comptes de démonstration à afficher (un par rôle, puis l'administration)."""
    comptes = []
    for identifiant, *_ in ROLES_DEMO:
        habilitation = Habilitation.objects.select_related("utilisateur").get(
            utilisateur__email=f"{identifiant}@{DOMAINE}"
        )
        portee = str(habilitation).split(" : ", 1)[-1]
        totp = habilitation.role in ROLES_DOUBLE_FACTEUR
        comptes.append(CompteDemo(habilitation.utilisateur.email, habilitation.get_role_display(), portee, totp))
    comptes.append(CompteDemo(f"admin@{DOMAINE}", "Administration Django", "/admin/", True))
    return comptes


def creer_comptes_demo(empreinte) -> None:
    departement = Departement.objects.get(code=DEPARTEMENT_DEMO)
    structure = (
        Structure.objects.filter(
            matricule__startswith=PREFIXE, commune__departement=departement, forme=Structure.Forme.FIXE
        )
        .order_by("matricule")
        .first()
    )
    caf = Operateur.objects.get(code="caf")
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
        Habilitation.objects.create(utilisateur=user, **perimetre)
        if role in ROLES_DOUBLE_FACTEUR:
            TOTPDevice.objects.create(user=user, name="Démonstration", key=CLE_TOTP_DEMO, confirmed=True)
    admin = Utilisateur.objects.create(
        email=f"admin@{DOMAINE}",
        first_name="Admin",
        last_name="Démo",
        password=empreinte,
        is_staff=True,
        is_superuser=True,
    )
    TOTPDevice.objects.create(user=admin, name="Démonstration", key=CLE_TOTP_DEMO, confirmed=True)
