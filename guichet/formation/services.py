"""Les règles de la formation : où en est un agent, qui est formé, les inscriptions, la présence.

« Formé » est calculé, jamais enregistré : un agent est formé quand il a été présent à une session de
chacun des modules de la formation initiale (socle commun et métiers) de la version en vigueur du
parcours, les modules se reconnaissant par leur code d'une version à l'autre. Les décomptes sont faits
par lots (`agents_formes`, `agents_formes_par_structure`) : une requête pour tous les agents demandés,
jamais une par agent ; la vérification du critère « deux agents formés » de la labellisation les lit.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.formation.models import (
    PARTIES_INITIALES,
    Inscription,
    Modalite,
    Module,
    Parcours,
    Partie,
    Presence,
    Session,
)
from guichet.reseau.models import Structure

AGENTS_FORMES_MINIMUM = 2
ROLES_AGENTS = (Role.CONSEILLER, Role.GESTIONNAIRE)
LISTE_D_AGENTS_MAXIMUM = 500  # au-delà, `agents_formes` ne passe plus la liste à la base (voir la fonction)


class InscriptionRefusee(Exception):
    """Une inscription impossible ; le message dit pourquoi, en français."""


def parcours_en_vigueur() -> Parcours | None:
    return Parcours.objects.en_vigueur()


def codes_initiaux(parcours: Parcours | None = None) -> frozenset[str]:
    """Les codes des modules de la formation initiale de la version (en vigueur par défaut)."""
    parcours = parcours or parcours_en_vigueur()
    if parcours is None:
        return frozenset()
    return frozenset(parcours.modules.filter(partie__in=PARTIES_INITIALES).values_list("code", flat=True))


def _ids(valeurs) -> models.QuerySet | list:
    """Un QuerySet (d'identifiants ou d'objets) reste une sous-requête ; une liste devient des identifiants."""
    if isinstance(valeurs, models.QuerySet):
        return valeurs
    return [getattr(v, "pk", v) for v in valeurs]


def agents_formes(agent_ids, codes: frozenset[str] | None = None) -> set[int]:
    """Parmi ces agents (identifiants, objets ou QuerySet), ceux qui sont formés : une requête."""
    codes = codes_initiaux() if codes is None else codes
    if not codes:
        return set()
    agents = _ids(agent_ids)
    inscriptions = Inscription.objects.filter(presence=Presence.PRESENT, session__module__code__in=codes)
    beaucoup = not isinstance(agents, models.QuerySet) and len(agents) > LISTE_D_AGENTS_MAXIMUM
    if not beaucoup:
        inscriptions = inscriptions.filter(agent__in=agents)
    formes = set(
        inscriptions.values("agent_id")
        .annotate(n=models.Count("session__module__code", distinct=True))
        .filter(n=len(codes))
        .values_list("agent_id", flat=True)
    )
    # Une longue liste d'identifiants dans « IN (…) » fait choisir à SQLite un plan cent fois plus lent (2 s pour
    # 3 000 agents) : au-delà, tous les agents formés en une requête, puis l'intersection.
    return formes & set(agents) if beaucoup else formes


def equipes(structure_ids) -> dict[int, set[int]]:
    """{structure: agents} : les conseillers et responsables aux comptes actifs de ces structures."""
    equipe = defaultdict(set)
    for structure_id, utilisateur_id in (
        Habilitation.objects.actives()
        .filter(structure__in=_ids(structure_ids), role__in=ROLES_AGENTS)
        .values_list("structure_id", "utilisateur_id")
        .distinct()
    ):
        equipe[structure_id].add(utilisateur_id)
    return equipe


def agents_formes_par_structure(structure_ids) -> dict[int, int]:
    """{structure: nombre d'agents actifs formés} pour ces structures (identifiants ou QuerySet) ; une
    structure sans agent formé est absente. Deux requêtes (plus une pour les codes du parcours), quel que
    soit le nombre de structures."""
    codes = codes_initiaux()
    equipe = equipes(structure_ids)
    if not codes or not equipe:
        return {}
    actifs = Habilitation.objects.actives().filter(structure__in=_ids(structure_ids), role__in=ROLES_AGENTS)
    formes = agents_formes(actifs.values("utilisateur_id"), codes)
    comptes = {sid: len(agents & formes) for sid, agents in equipe.items()}
    return {sid: n for sid, n in comptes.items() if n}


# Le parcours d'un agent


@dataclass
class LigneDuParcours:
    module: Module
    statut: str  # « fait », « inscrit », « a_faire »
    inscription: Inscription | None = None  # la présence qui le valide, ou l'inscription à venir

    @property
    def libelle_statut(self) -> str:
        return {"fait": "Fait", "inscrit": "Inscrit", "a_faire": "À faire"}[self.statut]


@dataclass
class EtatDuParcours:
    agent: Utilisateur
    parcours: Parcours | None
    lignes: list[LigneDuParcours] = field(default_factory=list)

    @property
    def initiales(self) -> list[LigneDuParcours]:
        return [ligne for ligne in self.lignes if ligne.module.initial]

    @property
    def continues(self) -> list[LigneDuParcours]:
        return [ligne for ligne in self.lignes if not ligne.module.initial]

    def partie(self, partie) -> list[LigneDuParcours]:
        return [ligne for ligne in self.lignes if ligne.module.partie == partie]

    @property
    def socle(self):
        return self.partie(Partie.SOCLE)

    @property
    def metiers(self):
        return self.partie(Partie.METIERS)

    @property
    def forme(self) -> bool:
        return bool(self.initiales) and all(ligne.statut == "fait" for ligne in self.initiales)

    @property
    def faits(self) -> int:
        return sum(ligne.statut == "fait" for ligne in self.initiales)

    @property
    def restants(self) -> list[LigneDuParcours]:
        return [ligne for ligne in self.initiales if ligne.statut != "fait"]

    @property
    def forme_le(self) -> date | None:
        """Le dernier jour de la dernière session qui a complété la formation initiale."""
        if not self.forme:
            return None
        return max(ligne.inscription.session.fin for ligne in self.initiales)

    @property
    def prochaine(self) -> LigneDuParcours | None:
        """Ce qui vient ensuite : la prochaine session où il est inscrit, sinon le premier module à faire."""
        inscrits = sorted(
            (ligne for ligne in self.initiales if ligne.statut == "inscrit"),
            key=lambda ligne: ligne.inscription.session.debut,
        )
        if inscrits:
            return inscrits[0]
        return next((ligne for ligne in self.initiales if ligne.statut == "a_faire"), None)

    @property
    def jours_presentiel(self) -> Decimal:
        demi = sum(
            (ligne.module.demi_journees for ligne in self.initiales if ligne.module.modalite == Modalite.PRESENTIEL),
            Decimal(0),
        )
        return demi / 2


def etat_du_parcours(agent, parcours: Parcours | None = None) -> EtatDuParcours:
    """Ce qui est fait et ce qui reste, module par module, dans la version en vigueur (par défaut).

    Deux requêtes : les modules de la version (avec elle), les inscriptions de l'agent."""
    if parcours is None:
        en_vigueur = Parcours.objects.filter(pk=models.Subquery(_en_vigueur_pk()))
        modules = list(
            Module.objects.filter(parcours__in=en_vigueur)
            .select_related("parcours", "operateur")
            .order_by("ordre", "titre")
        )
        parcours = modules[0].parcours if modules else parcours_en_vigueur()
    else:
        modules = list(parcours.modules.select_related("operateur").order_by("ordre", "titre"))
    etat = EtatDuParcours(agent=agent, parcours=parcours)
    if parcours is None:
        return etat
    inscriptions = list(
        Inscription.objects.filter(agent=agent)
        .exclude(presence__in=[Presence.ABSENT, Presence.PARTIEL])
        .select_related("session__module")
        .order_by("session__debut")
    )
    faits, inscrits = {}, {}
    for inscription in inscriptions:
        code = inscription.session.module.code
        if inscription.presence == Presence.PRESENT:
            faits.setdefault(code, inscription)
        elif inscription.session.fin >= timezone.localdate() - timedelta(days=30):
            inscrits.setdefault(code, inscription)  # à venir, ou passée sans présence encore saisie
    for module in modules:
        if module.code in faits:
            etat.lignes.append(LigneDuParcours(module, "fait", faits[module.code]))
        elif module.code in inscrits:
            etat.lignes.append(LigneDuParcours(module, "inscrit", inscrits[module.code]))
        else:
            etat.lignes.append(LigneDuParcours(module, "a_faire"))
    return etat


def _en_vigueur_pk():
    jour = timezone.localdate()
    return Parcours.objects.filter(publie=True, date_effet__lte=jour).order_by("-date_effet", "-pk").values("pk")[:1]


# Équipes, départements, chiffres nationaux


@dataclass
class AgentEnFormation:
    agent: Utilisateur
    forme: bool
    faits: int
    total: int
    prochaine_session: Session | None


def equipe_en_formation(structure) -> list[AgentEnFormation]:
    """L'équipe active d'une structure et l'avancement de chacun (une requête par nature de donnée)."""
    codes = codes_initiaux()
    agents = list(
        Utilisateur.objects.filter(
            is_active=True, habilitations__structure=structure, habilitations__role__in=ROLES_AGENTS
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )
    faits = defaultdict(set)
    prochaines = {}
    for inscription in (
        Inscription.objects.filter(agent__in=agents)
        .exclude(presence__in=[Presence.ABSENT, Presence.PARTIEL])
        .select_related("session__module")
        .order_by("session__debut")
    ):
        if inscription.presence == Presence.PRESENT:
            faits[inscription.agent_id].add(inscription.session.module.code)
        elif inscription.session.debut >= timezone.localdate():
            prochaines.setdefault(inscription.agent_id, inscription.session)
    return [
        AgentEnFormation(
            agent=a,
            forme=bool(codes) and codes <= faits[a.pk],
            faits=len(codes & faits[a.pk]),
            total=len(codes),
            prochaine_session=prochaines.get(a.pk),
        )
        for a in agents
    ]


@dataclass
class SiteEnFormation:
    structure: Structure
    agents: int
    formes: int

    @property
    def sous_le_seuil(self) -> bool:
        return self.formes < AGENTS_FORMES_MINIMUM


def sites_en_formation(structures) -> list[SiteEnFormation]:
    """Les structures (QuerySet) avec leurs agents actifs et formés, celles de moins de deux agents formés
    d'abord (les moins formées en tête), puis par nom."""
    structures = list(structures.select_related("commune__departement").order_by("nom"))
    ids = [s.pk for s in structures]
    equipe = equipes(ids)
    formes = agents_formes_par_structure(ids)
    sites = [SiteEnFormation(s, len(equipe.get(s.pk, ())), formes.get(s.pk, 0)) for s in structures]
    return sorted(sites, key=lambda site: (not site.sous_le_seuil, site.formes, site.structure.nom))


@dataclass
class ChiffresDepartement:
    code: str
    nom: str
    sites: int = 0
    sites_sous_le_seuil: int = 0
    agents: int = 0
    formes: int = 0


def chiffres_par_departement(departements) -> list[ChiffresDepartement]:
    """Pour chaque département (QuerySet) : ses structures labellisées, celles à moins de deux agents formés,
    ses agents et ses agents formés. Par lots : quatre requêtes en tout."""
    lignes = {d.pk: ChiffresDepartement(d.code, d.nom) for d in departements.order_by("code")}
    structures = Structure.objects.filter(
        statut=Structure.Statut.LABELLISEE, commune__departement_id__in=list(lignes)
    ).values_list("pk", "commune__departement_id")
    departement_de = dict(structures)
    equipe = equipes(list(departement_de))
    formes_par_site = agents_formes_par_structure(list(departement_de))
    tous = set().union(*equipe.values()) if equipe else set()
    formes = agents_formes(tous) if tous else set()
    vus = defaultdict(set)
    for sid, departement_id in departement_de.items():
        ligne = lignes[departement_id]
        ligne.sites += 1
        ligne.sites_sous_le_seuil += formes_par_site.get(sid, 0) < AGENTS_FORMES_MINIMUM
        vus[departement_id] |= equipe.get(sid, set())
    for departement_id, agents in vus.items():
        lignes[departement_id].agents = len(agents)
        lignes[departement_id].formes = len(agents & formes)
    return [ligne for ligne in lignes.values() if ligne.sites]


def agents_a_former_de(responsable) -> list[tuple[Structure, list[AgentEnFormation]]]:
    """Les structures que gère ce responsable (compte actif) et leurs agents pas encore formés."""
    structures = Structure.objects.filter(
        habilitations__utilisateur=responsable, habilitations__role=Role.GESTIONNAIRE
    ).order_by("nom")
    resultat = []
    for structure in structures:
        membres = [m for m in equipe_en_formation(structure) if not m.forme]
        if membres:
            resultat.append((structure, membres))
    return resultat


# Sessions : inscriptions et présence


def sessions_ouvertes(jour=None):
    """Les sessions à venir qui ont encore de la place, avec leur nombre d'inscrits."""
    return (
        Session.objects.a_venir(jour)
        .avec_inscrits()
        .filter(inscrits__lt=models.F("capacite"))
        .select_related("module", "departement")
        .order_by("debut", "module__ordre")
    )


@transaction.atomic
def inscrire(session: Session, agent, structure, par) -> Inscription:
    """Inscrit un agent de la structure à une session ; InscriptionRefusee (message en français) sinon.

    La session est verrouillée le temps de compter les places : deux inscriptions simultanées ne
    dépassent pas la capacité."""
    session = Session.objects.select_for_update().select_related("module").get(pk=session.pk)
    if (
        not Habilitation.objects.actives()
        .filter(utilisateur=agent, structure=structure, role__in=ROLES_AGENTS)
        .exists()
    ):
        raise InscriptionRefusee(f"{agent} ne fait pas partie de l'équipe de {structure}.")
    if session.debut < timezone.localdate():
        raise InscriptionRefusee(f"La session du {session.debut:%d/%m/%Y} a déjà commencé : choisissez-en une à venir.")
    if Inscription.objects.filter(session=session, agent=agent).exists():
        raise InscriptionRefusee(f"{agent} est déjà inscrit à cette session.")
    code = session.module.code
    if Inscription.objects.filter(agent=agent, presence=Presence.PRESENT, session__module__code=code).exists():
        raise InscriptionRefusee(f"{agent} a déjà suivi le module « {session.module.titre} ».")
    if Inscription.objects.filter(
        agent=agent, presence=Presence.INSCRIT, session__module__code=code, session__debut__gte=timezone.localdate()
    ).exists():
        raise InscriptionRefusee(f"{agent} est déjà inscrit à une session à venir de ce module.")
    if session.inscriptions.count() >= session.capacite:
        raise InscriptionRefusee(f"La session est complète ({session.capacite} places).")
    return Inscription.objects.create(session=session, agent=agent, structure=structure, inscrit_par=par)


def desinscrire(inscription: Inscription) -> None:
    if inscription.presence != Presence.INSCRIT or inscription.session.debut < timezone.localdate():
        raise InscriptionRefusee("Seule une inscription à une session à venir, sans présence saisie, s'annule.")
    inscription.delete()


def valider_presence(session: Session, presence: str, demi_journees) -> tuple[str, Decimal | None]:
    """La règle d'une présence (formulaire et services la partagent) : les demi-journées ne se donnent que
    pour une présence partielle, entre 0,5 et moins que la durée du module. Renvoie (presence, demi-journées
    à enregistrer) ; ValueError avec un message en français sinon."""
    duree = session.module.demi_journees
    if presence not in Presence.values:
        raise ValueError(f"présence inconnue « {presence} »")
    if presence == Presence.PARTIEL:
        if demi_journees is None:
            raise ValueError("indiquez le nombre de demi-journées suivies pour une présence partielle")
        demi_journees = Decimal(demi_journees)
        if demi_journees <= 0 or demi_journees >= duree or (demi_journees * 2) % 1:
            raise ValueError(
                f"une présence partielle compte de 0,5 à moins de {duree.normalize()} demi-journée(s), par pas de 0,5"
            )
        return presence, demi_journees
    if presence == Presence.PRESENT:
        return presence, duree
    if presence == Presence.ABSENT:
        return presence, Decimal(0)
    return presence, None


@transaction.atomic
def enregistrer_presences(session: Session, presences: dict[int, tuple[str, Decimal | None]], par) -> int:
    """Enregistre la présence des inscrits (identifiant d'inscription → (présence, demi-journées)).

    Tout ou rien : une valeur refusée (ValueError qui nomme l'agent) et rien n'est écrit. Une présence ne se
    saisit qu'à partir du premier jour de la session."""
    if session.debut > timezone.localdate():
        raise ValueError(
            f"La session commence le {session.debut:%d/%m/%Y} : la présence se saisit à partir de ce jour."
        )
    inscriptions = {i.pk: i for i in session.inscriptions.select_related("agent").select_for_update()}
    maintenant = timezone.now()
    modifiees = []
    for pk, (presence, demi) in presences.items():
        inscription = inscriptions.get(pk)
        if inscription is None:
            raise ValueError(f"inscription n° {pk} inconnue dans cette session")
        try:
            presence, demi = valider_presence(session, presence, demi)
        except ValueError as erreur:
            raise ValueError(f"{inscription.agent} : {erreur}.") from erreur
        if (inscription.presence, inscription.demi_journees_presentes) != (presence, demi):
            inscription.presence, inscription.demi_journees_presentes = presence, demi
            inscription.presence_saisie_par, inscription.presence_saisie_le = par, maintenant
            modifiees.append(inscription)
    Inscription.objects.bulk_update(
        modifiees, ["presence", "demi_journees_presentes", "presence_saisie_par", "presence_saisie_le"]
    )
    return len(modifiees)
