"""Les critères que la plateforme vérifie seule, calculés sur les données vivantes, avec leur preuve.

Chaque résultat est « conforme », « non_conforme » ou « a_verifier », accompagné d'une phrase en
français qui dit sur quoi il repose. Ce qui n'est pas connu (des horaires non renseignés, aucun
opérateur national enregistré) est « a_verifier », jamais « conforme ».

Le calcul est fait par lots : une requête par nature de donnée (structures, créneaux, passages,
agents, référents, accompagnements) pour toutes les structures demandées, jamais une requête par
structure ni par critère ; il tient des milliers de sites en quelques secondes.

Les vérifications :

- horaires : au moins 24 h par semaine sur au moins 5 jours, d'après les créneaux d'ouverture lus
  (rendez-vous compris, comme `guichet.reseau.horaires`) ; pour un bus ou une structure multisite,
  ses arrêts et permanences s'y ajoutent. Une structure qui a au moins un créneau est fermée les
  autres jours (la règle de `Structure.semaine`) ; sans aucun créneau ni passage : à vérifier ;
- agents : au moins deux conseillers ou responsables habilités sur le site (comptes actifs) dont la
  formation initiale est complète (`guichet.formation.services.agents_formes_par_structure`) ;
- opérateurs : chaque opérateur national a au moins un référent (compte actif) dans le département ;
- outils : les deux outils du réseau sont en usage, et le critère n'est conforme que si les deux parts
  tiennent :
  - le suivi d'activité : au moins un accompagnement saisi ces 30 derniers jours ;
  - les demandes au back-office possibles : au moins un compte actif du site peut en ouvrir une (une
    habilitation de conseiller ou de responsable de la structure, la règle de
    `guichet.permissions.structures_de_l_agent` que suit `guichet.demandes.services.ouvrir_demande`) ET au
    moins un opérateur national a un référent actif dans le département du site pour la recevoir (la règle
    de `guichet.demandes.destinataires.operateurs_avec_referent`, restreinte aux opérateurs nationaux de
    l'accord-cadre). Un compte désactivé, un référent d'un autre département ne comptent pas.
  La preuve dit chaque part (« 12 accompagnements saisis ces 30 derniers jours ; demandes au back-office
  possibles : 3 conseillers peuvent en ouvrir, 7 opérateurs y répondent dans le département »), ou la
  raison de l'échec.

Les équipements déclarés au registre (poste en libre accès, webcam, espace confidentiel, accès des personnes à
mobilité réduite) servent de preuve aux critères correspondants, qui restent à contrôler sur place
(`constats_du_registre`) : l'audit les montre à l'auditeur sans décider à sa place.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.utils import timezone

from guichet.activite.models import Accompagnement
from guichet.comptes.models import Habilitation, Role
from guichet.formation.services import agents_formes_par_structure
from guichet.labellisation.models import Verification
from guichet.reseau.horaires import Intervalle, Lecture
from guichet.reseau.models import Creneau, Operateur, Passage, Structure

HEURES_MINIMUM = 24
JOURS_MINIMUM = 5
AGENTS_MINIMUM = 2
FENETRE_OUTILS = timedelta(days=30)


class Resultat(models.TextChoices):
    CONFORME = "conforme", "Conforme"
    NON_CONFORME = "non_conforme", "Non conforme"
    A_VERIFIER = "a_verifier", "À vérifier"


@dataclass(frozen=True)
class Constat:
    """Le résultat d'une vérification pour une structure, et la phrase qui le justifie."""

    resultat: str
    preuve: str


def _duree(minutes: int) -> str:
    heures, reste = divmod(minutes, 60)
    return f"{heures} h {reste:02d}" if reste else f"{heures} h"


def _fusionner(intervalles: list[Intervalle]) -> list[Intervalle]:
    """Les créneaux d'un jour sans chevauchement (un arrêt pendant l'ouverture ne compte pas deux fois)."""
    fusion: list[Intervalle] = []
    for intervalle in sorted(intervalles):
        if fusion and intervalle.debut <= fusion[-1].fin:
            dernier = fusion[-1]
            fusion[-1] = Intervalle(dernier.debut, max(dernier.fin, intervalle.fin))
        else:
            fusion.append(intervalle)
    return fusion


def constat_horaires(forme: str, creneaux: list[tuple], passages: list[tuple]) -> Constat:
    """`creneaux`, `passages` : des (jour, début, fin)."""
    source = "créneaux d'ouverture"
    if forme == Structure.Forme.ITINERANTE:
        source = "arrêts du bus" + (" et créneaux d'ouverture" if creneaux else "")
    elif forme == Structure.Forme.MULTISITE:
        source = "permanences" + (" et créneaux d'ouverture" if creneaux else "")
    lignes = list(creneaux) + (list(passages) if forme != Structure.Forme.FIXE else [])
    if not lignes:
        quoi = "ni horaires ni arrêts" if forme == Structure.Forme.ITINERANTE else "aucun horaire"
        if forme == Structure.Forme.MULTISITE:
            quoi = "ni horaires ni permanences"
        return Constat(Resultat.A_VERIFIER, f"Horaires inconnus : {quoi} renseigné. À vérifier sur place.")
    jours: dict[int, list[Intervalle]] = {jour: [] for jour in range(7)}
    for jour, debut, fin in lignes:
        jours[jour].append(Intervalle(debut, fin))
    lecture = Lecture(jours={jour: _fusionner(liste) for jour, liste in jours.items()})
    minutes, nb_jours = lecture.weekly_minutes, lecture.days_open
    phrase = f"Ouvert {_duree(minutes)} par semaine sur {nb_jours} jour{'s' if nb_jours > 1 else ''} ({source})"
    if minutes >= HEURES_MINIMUM * 60 and nb_jours >= JOURS_MINIMUM:
        return Constat(Resultat.CONFORME, phrase + ".")
    return Constat(
        Resultat.NON_CONFORME,
        f"{phrase} : il en faut au moins {HEURES_MINIMUM} h sur au moins {JOURS_MINIMUM} jours.",
    )


def constat_agents(nombre: int, formes: int) -> Constat:
    """`nombre` : agents actifs du site ; `formes` : ceux dont la formation initiale est complète."""
    actifs = f"{nombre} agent{'s' if nombre > 1 else ''} actif{'s' if nombre > 1 else ''}"
    suivi = " (formation initiale complète : socle commun et modules métiers)"
    if formes >= AGENTS_MINIMUM:
        return Constat(Resultat.CONFORME, f"{formes} agents formés sur {actifs}{suivi}.")
    phrase = "Aucun agent formé" if formes == 0 else "Un seul agent formé"
    return Constat(Resultat.NON_CONFORME, f"{phrase} sur {actifs}{suivi} : il en faut au moins {AGENTS_MINIMUM}.")


def constat_operateurs(nationaux: list[tuple[int, str]], joignables: set[int]) -> Constat:
    """`nationaux` : (identifiant, nom) des opérateurs nationaux ; `joignables` : ceux qui ont un référent."""
    if not nationaux:
        return Constat(Resultat.A_VERIFIER, "Aucun opérateur national enregistré : à vérifier.")
    manquants = [nom for pk, nom in nationaux if pk not in joignables]
    if not manquants:
        return Constat(
            Resultat.CONFORME,
            f"Les {len(nationaux)} opérateurs nationaux ont au moins un référent dans le département.",
        )
    return Constat(
        Resultat.NON_CONFORME,
        f"Sans référent dans le département ({len(manquants)} sur {len(nationaux)}) : {', '.join(manquants)}.",
    )


def constat_outils(accompagnements: int, agents: int, operateurs: int) -> Constat:
    """`accompagnements` : saisis ces 30 derniers jours ; `agents` : comptes actifs du site qui peuvent ouvrir une
    demande au back-office ; `operateurs` : opérateurs nationaux qui ont un référent actif dans le département."""
    if accompagnements:
        pluriel = "s" if accompagnements > 1 else ""
        suivi = f"{accompagnements} accompagnement{pluriel} saisi{pluriel} ces 30 derniers jours"
    else:
        suivi = "Aucun accompagnement saisi ces 30 derniers jours"
    if agents and operateurs:
        back_office = (
            f"demandes au back-office possibles : {agents} conseiller{'s' if agents > 1 else ''} "
            f"{'peuvent' if agents > 1 else 'peut'} en ouvrir, {operateurs} opérateur{'s' if operateurs > 1 else ''} "
            f"{'y répondent' if operateurs > 1 else 'y répond'} dans le département"
        )
    else:
        raisons = []
        if not agents:
            raisons.append("aucun conseiller actif du site ne peut en ouvrir")
        if not operateurs:
            raisons.append("aucun opérateur national n'a de référent actif dans le département pour y répondre")
        back_office = "demandes au back-office impossibles : " + " et ".join(raisons)
    resultat = Resultat.CONFORME if accompagnements and agents and operateurs else Resultat.NON_CONFORME
    return Constat(resultat, f"{suivi} ; {back_office}.")


@dataclass
class Site:
    """Une structure vérifiée : ses constats par code de critère."""

    pk: int
    matricule: str
    nom: str
    constats: dict[str, Constat]


def verifier(structures, criteres, maintenant=None) -> list[Site]:
    """Les constats des `criteres` automatiques pour chaque structure du QuerySet `structures`, par lots.

    `criteres` : des `Critere` (ceux dont la preuve n'est pas automatique sont ignorés)."""
    maintenant = maintenant or timezone.now()
    criteres = [c for c in criteres if c.verification]
    besoins = {c.verification for c in criteres}
    lignes = list(
        structures.order_by("matricule").values_list("pk", "matricule", "nom", "forme", "commune__departement_id")
    )
    ids = structures.values("pk")

    creneaux, passages = defaultdict(list), defaultdict(list)
    if Verification.HORAIRES in besoins:
        for sid, jour, debut, fin in Creneau.objects.filter(structure__in=ids).values_list(
            "structure_id", "jour", "debut", "fin"
        ):
            creneaux[sid].append((jour, debut, fin))
        for sid, jour, debut, fin in Passage.objects.filter(structure__in=ids).values_list(
            "structure_id", "jour", "debut", "fin"
        ):
            passages[sid].append((jour, debut, fin))

    agents, formes = {}, {}
    if Verification.AGENTS in besoins:
        formes = agents_formes_par_structure(ids)
    if besoins & {Verification.AGENTS, Verification.OUTILS}:
        # Les agents actifs du site : ceux que compte le critère des agents, ceux qui ouvrent les demandes.
        agents = dict(
            Habilitation.objects.actives()
            .filter(structure__in=ids, role__in=[Role.CONSEILLER, Role.GESTIONNAIRE])
            .values("structure_id")
            .annotate(n=models.Count("utilisateur", distinct=True))
            .values_list("structure_id", "n")
        )

    nationaux, joignables = [], defaultdict(set)
    if besoins & {Verification.OPERATEURS, Verification.OUTILS}:
        nationaux = list(Operateur.objects.filter(national=True).order_by("ordre", "nom").values_list("pk", "nom"))
        departements = {ligne[4] for ligne in lignes}
        for departement_id, operateur_id in (
            Habilitation.objects.actives()
            .filter(role=Role.REFERENT, operateur__national=True, departement_id__in=departements)
            .values_list("departement_id", "operateur_id")
            .distinct()
        ):
            joignables[departement_id].add(operateur_id)

    accompagnements = {}
    if Verification.OUTILS in besoins:
        accompagnements = dict(
            Accompagnement.objects.filter(structure__in=ids, le__gte=maintenant - FENETRE_OUTILS, le__lte=maintenant)
            .values("structure_id")
            .annotate(n=models.Count("id"))
            .values_list("structure_id", "n")
        )

    par_departement: dict[int, Constat] = {}
    sites = []
    for pk, matricule, nom, forme, departement_id in lignes:
        constats = {}
        for critere in criteres:
            match critere.verification:
                case Verification.HORAIRES:
                    constat = constat_horaires(forme, creneaux.get(pk, []), passages.get(pk, []))
                case Verification.AGENTS:
                    constat = constat_agents(agents.get(pk, 0), formes.get(pk, 0))
                case Verification.OPERATEURS:
                    if departement_id not in par_departement:
                        par_departement[departement_id] = constat_operateurs(nationaux, joignables[departement_id])
                    constat = par_departement[departement_id]
                case Verification.OUTILS:
                    constat = constat_outils(
                        accompagnements.get(pk, 0), agents.get(pk, 0), len(joignables[departement_id])
                    )
            constats[critere.code] = constat
        sites.append(Site(pk=pk, matricule=matricule, nom=nom, constats=constats))
    return sites


def comptes_par_critere(sites: list[Site], criteres) -> dict[str, dict[str, int]]:
    """Pour chaque critère automatique : le nombre de sites conformes, non conformes, à vérifier."""
    comptes = {c.code: {r.value: 0 for r in Resultat} for c in criteres if c.verification}
    for site in sites:
        for code, constat in site.constats.items():
            comptes[code][constat.resultat] += 1
    return comptes


# Les critères à contrôler sur place que le registre documente : code du critère → (champ de la structure, libellé).
EQUIPEMENTS = {
    "poste-libre-acces": ("poste_libre_acces", "un poste informatique en libre accès"),
    "poste-webcam": ("poste_webcam", "un ordinateur équipé d'une webcam"),
    "espace-confidentiel": ("espace_confidentiel", "un espace confidentiel"),
    "accessibilite-pmr": ("accessible_pmr", "l'accès des personnes à mobilité réduite"),
}


def constats_du_registre(structure: Structure) -> dict[str, Constat]:
    """Ce que le registre déclare des équipements du site, par code de critère. Une case non cochée peut n'avoir
    jamais été renseignée : « à vérifier », jamais « non conforme » ; une case cochée reste à confirmer sur place."""
    constats = {}
    for code, (champ, libelle) in EQUIPEMENTS.items():
        if getattr(structure, champ):
            constats[code] = Constat(Resultat.CONFORME, f"Déclaré au registre : {libelle}. À confirmer sur place.")
        elif code == "accessibilite-pmr" and structure.forme != Structure.Forme.FIXE:
            constats[code] = Constat(
                Resultat.A_VERIFIER, "Site itinérant ou multisite : sans objet si les lieux d'accueil sont accessibles."
            )
        else:
            constats[code] = Constat(
                Resultat.A_VERIFIER, f"Le registre ne déclare pas {libelle} : à vérifier sur place."
            )
    return constats
