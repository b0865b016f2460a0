"""Des accompagnements synthétiques réalistes, en volume, pour les bancs d'essai et la démonstration.

Le tirage passe par des « urnes » : des tableaux de valeurs où chaque valeur revient autant de fois
que son poids (structures plus ou moins actives, jours ouvrés sans les fériés, heures d'ouverture,
opérateurs au mélange national, démarches les plus courantes d'abord, canal selon la forme de la
structure…). Sous PostgreSQL, les urnes sont passées en paramètres d'un seul
INSERT … SELECT … FROM generate_series (par paquets) : aucune ligne ne transite par Python.
Ailleurs (SQLite), `bulk_create` par paquets avec les mêmes urnes.

Les structures de banc d'essai (`--structures`) portent le matricule PREFIXE_BANC : elles ne
touchent à aucune structure réelle.
"""

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import holidays
from django.db import connection, transaction
from django.utils import timezone

from guichet.activite.models import Accompagnement, Autonomie, Canal, Duree, Resultat, TrancheAge, TypeAide
from guichet.comptes.models import Habilitation, Role
from guichet.demarches.models import Demarche
from guichet.reseau.models import Operateur, Structure
from guichet.temps import PARIS
from guichet.territoires.models import Commune

PREFIXE_BANC = "BANC-"
# Le mélange national par opérateur (code → part en %) ; les autres se partagent le reste.
MELANGE_OPERATEURS = {
    "france-titres": 19,
    "caf": 16,
    "assurance-maladie": 16,
    "finances-publiques": 15,
    "assurance-retraite": 14,
}
RESULTATS = {
    Resultat.RESOLU: 80,
    Resultat.ORIENTE: 8,
    Resultat.BACK_OFFICE: 5,
    Resultat.RENDEZ_VOUS: 4,
    Resultat.NON_RESOLU: 3,
}
TYPES_AIDE = {
    TypeAide.DEMARCHE_EN_LIGNE: 48,
    TypeAide.INFORMATION: 30,
    TypeAide.IMPRESSION: 14,
    TypeAide.RENDEZ_VOUS: 8,
}
DUREES = {Duree.MOINS_15: 33, Duree.DE_15_A_30: 40, Duree.DE_30_A_60: 21, Duree.PLUS_60: 6}
AGES = {"": 3, TrancheAge.MOINS_26: 14, TrancheAge.DE_26_A_59: 48, TrancheAge.DE_60_A_74: 23, TrancheAge.PLUS_75: 12}
PREMIERE_VISITE = {None: 5, True: 35, False: 60}
AUTONOMIES = {"": 5, Autonomie.AUTONOME: 22, Autonomie.PARTIELLE: 40, Autonomie.NON_AUTONOME: 33}
CANAUX_PAR_FORME = {
    Structure.Forme.FIXE: {Canal.ACCUEIL: 85, Canal.TELEPHONE: 11, Canal.VISIO: 2, Canal.PERMANENCE: 2},
    Structure.Forme.ITINERANTE: {Canal.ITINERANCE: 84, Canal.TELEPHONE: 13, Canal.VISIO: 3},
    Structure.Forme.MULTISITE: {Canal.PERMANENCE: 58, Canal.ACCUEIL: 27, Canal.TELEPHONE: 13, Canal.VISIO: 2},
}
FORMES = list(CANAUX_PAR_FORME)
JOURS_SEMAINE = [1.1, 1.0, 0.9, 1.0, 0.85, 0.15, 0.0]  # lundi … dimanche
# Moins d'activité en août et pendant les fêtes, plus au printemps (déclaration de revenus).
MOIS_ANNEE = [1.05, 1.0, 1.05, 1.1, 1.15, 1.05, 0.85, 0.6, 1.05, 1.05, 1.0, 0.8]
PART_ALLOPHONE, PART_HANDICAP, PART_EVENEMENT = 0.05, 0.04, 0.3
TAILLE_URNE = 20_000
TAILLE_URNE_CANAL = 1000  # par forme de structure ; les poids des canaux font 100


class GenerationImpossible(Exception):
    pass


def _urne(hasard, poids: dict, taille=1000):
    """Une liste d'environ `taille` valeurs où chacune revient en proportion exacte de son poids
    (valeur → poids), mélangée."""
    total = sum(poids.values())
    urne = [v for v, p in poids.items() for _ in range(round(taille * p / total))]
    hasard.shuffle(urne)
    return urne


def jours_ouvres(debut: date, fin: date):
    """(jour, poids) des jours ouvrés : ni dimanche ni jour férié, samedi peu fréquent."""
    feries = holidays.France(years=range(debut.year, fin.year + 1))
    jours, jour = [], debut
    while jour <= fin:
        poids = JOURS_SEMAINE[jour.weekday()] * MOIS_ANNEE[jour.month - 1]
        if poids and jour not in feries:
            jours.append((jour, poids))
        jour += timedelta(days=1)
    return jours


def minutes_d_ouverture():
    """(minute du jour, poids) : 8 h 30 – 12 h 30 et 13 h 30 – 17 h 30, pointes vers 10 h et 14 h 30."""
    resultat = []
    for minute in range(8 * 60 + 30, 17 * 60 + 30):
        if 12 * 60 + 30 <= minute < 13 * 60 + 30:
            continue
        pointe = min(abs(minute - 10 * 60), abs(minute - (14 * 60 + 30)))
        resultat.append((minute, 1.0 + max(0, 90 - pointe) / 60))
    return resultat


@dataclass
class Urnes:
    """Les tirages pondérés, en listes d'entiers (identifiants) ou de valeurs."""

    structures: list = field(default_factory=list)  # index dans `structures_ids`
    structures_ids: list = field(default_factory=list)
    structures_formes: list = field(default_factory=list)  # index dans FORMES
    agents: list = field(default_factory=list)  # identifiants à plat
    agents_debut: list = field(default_factory=list)  # par structure : début dans `agents`
    agents_nombre: list = field(default_factory=list)
    jours: list = field(default_factory=list)
    minutes: list = field(default_factory=list)
    operateurs: list = field(default_factory=list)  # (opérateur, démarche ou 0, événement ou 0)
    canaux: dict = field(default_factory=dict)  # index de forme → urne de canaux
    resultats: list = field(default_factory=list)
    types_aide: list = field(default_factory=list)
    durees: list = field(default_factory=list)
    ages: list = field(default_factory=list)
    premieres: list = field(default_factory=list)
    autonomies: list = field(default_factory=list)


def preparer_urnes(hasard, debut: date, fin: date, structures=None, ecart_departements=0.0) -> Urnes:
    """Les urnes du tirage : sur les structures labellisées, ou sur `structures` (un QuerySet).
    `ecart_departements` : l'écart type (log-normal) d'un facteur d'activité commun aux structures
    d'un même département (0 : aucun ; la démonstration en met un, pour une carte qui varie)."""
    u = Urnes()
    if structures is None:
        structures = Structure.objects.filter(statut=Structure.Statut.LABELLISEE)
    choisies = structures.order_by("pk")
    structures = list(choisies.values_list("pk", "forme", "commune__departement_id"))
    if not structures:
        raise GenerationImpossible("Aucune structure labellisée : lancez `guichet demo` ou utilisez --structures N.")
    agents = {}
    for structure_id, utilisateur_id in Habilitation.objects.filter(
        role__in=[Role.CONSEILLER, Role.GESTIONNAIRE], structure__in=choisies
    ).values_list("structure_id", "utilisateur_id"):
        agents.setdefault(structure_id, set()).add(utilisateur_id)
    # Activité des structures : log-normale (quelques très actives, beaucoup de moyennes).
    facteurs = {}
    for _, _, departement in structures:
        if departement not in facteurs:
            facteurs[departement] = hasard.lognormvariate(0, ecart_departements) if ecart_departements else 1.0
    poids = [hasard.lognormvariate(0, 0.5) * facteurs[departement] for _, _, departement in structures]
    for pk, forme, _ in structures:
        u.structures_ids.append(pk)
        u.structures_formes.append(FORMES.index(forme) if forme in FORMES else 0)
        ids = sorted(agents.get(pk, ()))
        u.agents_debut.append(len(u.agents))
        u.agents_nombre.append(len(ids))
        u.agents += ids
    taille = max(TAILLE_URNE, 20 * len(structures))
    u.structures = hasard.choices(range(len(structures)), weights=poids, k=taille)

    jours = jours_ouvres(debut, fin)
    if not jours:
        raise GenerationImpossible(f"Aucun jour ouvré entre le {debut:%d/%m/%Y} et le {fin:%d/%m/%Y}.")
    u.jours = hasard.choices([j for j, _ in jours], weights=[p for _, p in jours], k=TAILLE_URNE)
    minutes = minutes_d_ouverture()
    u.minutes = hasard.choices([m for m, _ in minutes], weights=[p for _, p in minutes], k=5000)

    nationaux = list(Operateur.objects.filter(national=True).order_by("ordre", "pk"))
    if not nationaux:
        raise GenerationImpossible("Aucun opérateur national : la migration reseau.0002 manque.")
    reste = [o for o in nationaux if o.code not in MELANGE_OPERATEURS]
    part_reste = (100 - sum(MELANGE_OPERATEURS.values())) / max(len(reste), 1)
    couples, poids_couples = [], []
    evenements = {}
    for demarche_id, evenement_id in Demarche.evenements.through.objects.values_list(
        "demarche_id", "evenementdevie_id"
    ):
        evenements.setdefault(demarche_id, []).append(evenement_id)
    for operateur in nationaux:
        part = MELANGE_OPERATEURS.get(operateur.code, part_reste)
        demarches = list(Demarche.objects.filter(operateur=operateur, active=True).order_by("ordre", "pk"))
        if not demarches:
            couples.append((operateur.pk, 0, 0))
            poids_couples.append(part)
            continue
        # Les premières démarches du catalogue sont les plus courantes (loi de Zipf).
        zipf = [1 / (rang + 1) ** 0.9 for rang in range(len(demarches))]
        for demarche, z in zip(demarches, zipf, strict=True):
            for evenement_id in [0, *evenements.get(demarche.pk, [])]:
                if evenement_id == 0:
                    facteur = 1 - PART_EVENEMENT if evenements.get(demarche.pk) else 1
                else:
                    facteur = PART_EVENEMENT / len(evenements[demarche.pk])
                couples.append((operateur.pk, demarche.pk, evenement_id))
                poids_couples.append(part * z / sum(zipf) * facteur)
    u.operateurs = hasard.choices(couples, weights=poids_couples, k=TAILLE_URNE)
    u.canaux = {i: _urne(hasard, CANAUX_PAR_FORME[forme], TAILLE_URNE_CANAL) for i, forme in enumerate(FORMES)}
    if any(len(urne) != TAILLE_URNE_CANAL for urne in u.canaux.values()):
        raise GenerationImpossible("CANAUX_PAR_FORME : les poids de chaque forme doivent faire 100.")
    u.resultats = _urne(hasard, RESULTATS)
    u.types_aide = _urne(hasard, TYPES_AIDE)
    u.durees = _urne(hasard, DUREES)
    u.ages = _urne(hasard, AGES)
    u.premieres = _urne(hasard, PREMIERE_VISITE)
    u.autonomies = _urne(hasard, AUTONOMIES)
    return u


def creer_structures_banc(nombre_vise: int, hasard) -> int:
    """Complète les structures labellisées jusqu'à `nombre_vise` par des structures de banc d'essai
    (matricule PREFIXE_BANC…, sur des communes réelles) ; renvoie le nombre créé."""
    existantes = Structure.objects.filter(statut=Structure.Statut.LABELLISEE).count()
    manque = nombre_vise - existantes
    if manque <= 0:
        return 0
    communes = list(Commune.objects.filter(latitude__isnull=False).values_list("pk", "latitude", "longitude"))
    if not communes:
        raise GenerationImpossible("La géographie est vide : lancez d'abord `guichet import_territoires`.")
    deja = Structure.objects.filter(matricule__startswith=PREFIXE_BANC).count()
    formes = _urne(hasard, {Structure.Forme.FIXE: 90, Structure.Forme.ITINERANTE: 5, Structure.Forme.MULTISITE: 5})
    nouvelles = []
    for i in range(deja, deja + manque):
        commune_id, lat, lon = hasard.choice(communes)
        nouvelles.append(
            Structure(
                matricule=f"{PREFIXE_BANC}{i:05d}",
                nom=f"France services de banc d'essai {i}",
                commune_id=commune_id,
                latitude=lat,
                longitude=lon,
                forme=hasard.choice(formes),
                statut=Structure.Statut.LABELLISEE,
                type_porteur=Structure.TypePorteur.AUTRE,
            )
        )
    Structure.objects.bulk_create(nouvelles, batch_size=1000)
    return manque


def periode_par_defaut(aujourd_hui: date, annee: int | None):
    if annee:
        return date(annee, 1, 1), min(date(annee, 12, 31), aujourd_hui)
    return aujourd_hui - timedelta(days=365), aujourd_hui - timedelta(days=1)


@dataclass
class BilanGeneration:
    volume: int
    secondes: float
    structures_creees: int = 0
    moteur: str = ""

    @property
    def par_seconde(self):
        return self.volume / self.secondes if self.secondes else 0


def generer(volume: int, annee=None, graine=2026, structures=None, paquet=None, progression=None) -> BilanGeneration:
    """Crée `volume` accompagnements sur les structures labellisées (et, avec `structures`, des
    structures de banc d'essai jusqu'à ce nombre). `progression(faits, total)` est appelée après
    chaque paquet."""
    hasard = random.Random(graine)
    debut, fin = periode_par_defaut(timezone.localdate(), annee)
    if debut > fin:
        raise GenerationImpossible(f"L'année {annee} n'a pas encore commencé.")
    depart = time.perf_counter()
    creees = creer_structures_banc(structures, hasard) if structures else 0
    urnes = preparer_urnes(hasard, debut, fin)
    if connection.vendor == "postgresql":
        _generer_postgresql(urnes, volume, graine, paquet or 500_000, progression)
    else:
        _generer_orm(urnes, volume, hasard, paquet or 5_000, progression)
    return BilanGeneration(volume, time.perf_counter() - depart, creees, connection.vendor)


def generer_sur(structures, debut: date, fin: date, volume: int, graine=2026, ecart_departements=0.0) -> int:
    """`volume` accompagnements du `debut` au `fin` (inclus) sur les `structures` données (un QuerySet),
    avec les mêmes tirages que `generer` : la démonstration s'en sert pour tout le pays. Sans
    progression ; renvoie le nombre créé."""
    if volume <= 0:
        return 0
    hasard = random.Random(graine)
    urnes = preparer_urnes(hasard, debut, fin, structures, ecart_departements)
    if connection.vendor == "postgresql":
        _generer_postgresql(urnes, volume, graine, 500_000, None)
    else:
        _generer_orm(urnes, volume, hasard, 5_000, None)
    return volume


def _generer_orm(u: Urnes, volume, hasard, paquet, progression):
    maintenant = timezone.now()
    faits = 0
    choice = hasard.choice
    while faits < volume:
        n = min(paquet, volume - faits)
        lignes = []
        for _ in range(n):
            s = choice(u.structures)
            nombre_agents = u.agents_nombre[s]
            agent = u.agents[u.agents_debut[s] + hasard.randrange(nombre_agents)] if nombre_agents else None
            minute = choice(u.minutes)
            le = datetime.combine(choice(u.jours), datetime.min.time(), tzinfo=PARIS) + timedelta(minutes=minute)
            operateur, demarche, evenement = choice(u.operateurs)
            lignes.append(
                Accompagnement(
                    id=uuid.UUID(int=hasard.getrandbits(128), version=4),
                    structure_id=u.structures_ids[s],
                    agent_id=agent,
                    le=le,
                    canal=choice(u.canaux[u.structures_formes[s]]),
                    operateur_id=operateur,
                    demarche_id=demarche or None,
                    evenement_id=evenement or None,
                    type_aide=choice(u.types_aide),
                    resultat=choice(u.resultats),
                    duree=choice(u.durees),
                    tranche_age=choice(u.ages),
                    premiere_visite=choice(u.premieres),
                    autonomie=choice(u.autonomies),
                    besoin_allophone=hasard.random() < PART_ALLOPHONE,
                    besoin_handicap=hasard.random() < PART_HANDICAP,
                    cree_le=maintenant,
                    modifie_le=maintenant,
                )
            )
        with transaction.atomic():
            Accompagnement.objects.bulk_create(lignes, batch_size=1000)
        faits += n
        if progression:
            progression(faits, volume)


def _generer_postgresql(u: Urnes, volume, graine, paquet, progression):
    sql, parametres = requete_postgresql(u)
    faits = 0
    with connection.cursor() as curseur:
        curseur.execute("SELECT setseed(%s)", [(graine % 1000) / 1000])
        while faits < volume:
            n = min(paquet, volume - faits)
            with transaction.atomic():
                curseur.execute("SET LOCAL synchronous_commit = off")
                curseur.execute(sql, {**parametres, "n": n})
            faits += n
            if progression:
                progression(faits, volume)


def requete_postgresql(u: Urnes):
    """L'INSERT … SELECT … FROM generate_series(1, %(n)s) et ses paramètres : les urnes en
    tableaux sans NULL (0 = aucun), dont l'accès à un élément est direct."""
    codes = {
        "canaux": list(Canal.values),
        "resultats": list(Resultat.values),
        "types": list(TypeAide.values),
        "durees": list(Duree.values),
        "ages": ["", *TrancheAge.values],
        "autonomies": ["", *Autonomie.values],
    }
    parametres = {
        "s_idx": [i + 1 for i in u.structures],
        "s_ids": u.structures_ids,
        "s_forme": u.structures_formes,
        "ag": u.agents or [0],
        "ag0": u.agents_debut,
        "nag": u.agents_nombre,
        "jours": u.jours,
        "minutes": u.minutes,
        "o_op": [o for o, _, _ in u.operateurs],
        "o_dem": [d for _, d, _ in u.operateurs],
        "o_ev": [e for _, _, e in u.operateurs],
        # Canal : une urne par forme, mises bout à bout (index de forme × TAILLE_URNE_CANAL).
        "canaux": [1 + codes["canaux"].index(c) for i in range(len(FORMES)) for c in u.canaux[i]],
        "resultats": [1 + codes["resultats"].index(v) for v in u.resultats],
        "types": [1 + codes["types"].index(v) for v in u.types_aide],
        "durees": [1 + codes["durees"].index(v) for v in u.durees],
        "ages": [1 + codes["ages"].index(v) for v in u.ages],
        "premieres": [{None: 0, True: 1, False: 2}[v] for v in u.premieres],
        "autonomies": [1 + codes["autonomies"].index(v) for v in u.autonomies],
        "c_canaux": codes["canaux"],
        "c_resultats": codes["resultats"],
        "c_types": codes["types"],
        "c_durees": codes["durees"],
        "c_ages": codes["ages"],
        "c_autonomies": codes["autonomies"],
    }
    types = {
        "s_ids": "bigint[]",
        "ag": "bigint[]",
        "o_op": "bigint[]",
        "o_dem": "bigint[]",
        "o_ev": "bigint[]",
        "jours": "date[]",
    }
    for nom in parametres:
        types.setdefault(nom, "text[]" if nom.startswith("c_") else "int[]")
    tailles = {nom: len(v) for nom, v in parametres.items()}

    def t(nom):  # un paramètre tableau typé
        return f"%({nom})s::{types[nom]}"

    def tirage(nom):
        return f"({t(nom)})[1 + floor(random() * {tailles[nom]})::int]"

    sql = f"""
        INSERT INTO {Accompagnement._meta.db_table} (
            id, structure_id, agent_id, le, canal, operateur_id, demarche_id, evenement_id,
            type_aide, resultat, duree, tranche_age, premiere_visite, autonomie,
            besoin_allophone, besoin_handicap, cree_le, modifie_le
        )
        SELECT
            gen_random_uuid(),
            ({t("s_ids")})[s],
            NULLIF(({t("ag")})[GREATEST(1, ({t("ag0")})[s] + 1 + floor(random() * ({t("nag")})[s])::int)]
                * SIGN(({t("nag")})[s]), 0),
            (jour + minute * interval '1 minute') AT TIME ZONE 'Europe/Paris',
            ({t("c_canaux")})[({t("canaux")})[({t("s_forme")})[s] * {TAILLE_URNE_CANAL}
                + 1 + floor(random() * {TAILLE_URNE_CANAL})::int]],
            ({t("o_op")})[o],
            NULLIF(({t("o_dem")})[o], 0),
            NULLIF(({t("o_ev")})[o], 0),
            ({t("c_types")})[{tirage("types")}],
            ({t("c_resultats")})[{tirage("resultats")}],
            ({t("c_durees")})[{tirage("durees")}],
            ({t("c_ages")})[{tirage("ages")}],
            CASE {tirage("premieres")} WHEN 1 THEN true WHEN 2 THEN false END,
            ({t("c_autonomies")})[{tirage("autonomies")}],
            random() < {PART_ALLOPHONE},
            random() < {PART_HANDICAP},
            now(),
            now()
        FROM (
            SELECT {tirage("s_idx")} AS s,
                   {tirage("jours")} AS jour,
                   {tirage("minutes")} AS minute,
                   1 + floor(random() * {tailles["o_op"]})::int AS o
            FROM generate_series(1, %(n)s)
        ) AS tirages
    """
    return sql, parametres
