"""Les chiffres des tableaux de bord : lecture des agrégats (ou des accompagnements d'une structure)
et mise en forme des séries, répartitions et comparaisons.

Quatre échelles (`Champ`) : une structure, un département, un opérateur (dans des départements,
ses seules démarches : l'opérateur est une clé de chaque agrégat), le national. Chacune lit les
agrégats, mensuels pour les mois entiers de la période et journaliers pour le reste ; le détail
par opérateur et démarche d'une structure lit ses accompagnements pour les bords de période.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.urls import reverse

from guichet import permissions
from guichet.activite.models import Accompagnement
from guichet.demarches.models import Demarche
from guichet.reseau.models import Operateur, Structure
from guichet.statistiques import mesures
from guichet.statistiques import permissions as permissions_statistiques
from guichet.statistiques.carte import carte_des_departements
from guichet.statistiques.mesures import GROUPES, NOMBRE, NOMS, NOMS_COURTS, RESOLU
from guichet.statistiques.models import (
    ActiviteJour,
    ActiviteMois,
    DemarcheJour,
    DemarcheJourFrance,
    DemarcheMois,
    EtatAgregats,
    StructureDemarcheMois,
    StructureJour,
)
from guichet.statistiques.periodes import Periode
from guichet.temps import PARIS, debut_du_jour
from guichet.territoires.models import Departement

# Nombre de démarches détaillées ; les autres sont regroupées.
DEMARCHES_DETAILLEES = 15


@dataclass(frozen=True)
class Champ:
    """Ce qu'un tableau compte. `departements` : identifiants, ou None pour tout le territoire."""

    niveau: str  # "structure", "departement", "operateur", "national"
    libelle: str
    structure_id: int | None = None
    departements: frozenset | None = None
    operateur_id: int | None = None

    @classmethod
    def national(cls):
        return cls("national", "France entière")

    @classmethod
    def du_departement(cls, departement):
        return cls("departement", str(departement), departements=frozenset({departement.pk}))

    @classmethod
    def de_l_operateur(cls, operateur, departements=None):
        if departements is None:
            libelle = f"{operateur.nom} — France entière"
        else:
            noms = Departement.objects.filter(pk__in=departements).order_by("code").values_list("code", flat=True)
            libelle = f"{operateur.nom} — département{'s' if len(noms) > 1 else ''} {', '.join(noms)}"
        return cls("operateur", libelle, departements=departements, operateur_id=operateur.pk)

    @classmethod
    def de_la_structure(cls, structure):
        return cls(
            "structure",
            structure.nom,
            structure_id=structure.pk,
            departements=frozenset({structure.commune.departement_id}),
        )


# Lecture


def _comptes(noms):
    return {
        nom: Count("pk", filter=mesures.CONDITIONS[nom]) if mesures.CONDITIONS[nom] is not None else Count("pk")
        for nom in noms
    }


def _sommes(noms):
    # Les annotations ne peuvent pas porter le nom d'un champ : préfixe, retiré à la lecture.
    return {f"s_{nom}": Sum(nom) for nom in noms}


def _cumuler(resultat, lignes, cle, noms, prefixe=""):
    for ligne in lignes:
        k = ligne[cle] if cle else None
        cumul = resultat.setdefault(k, dict.fromkeys(noms, 0))
        for nom in noms:
            cumul[nom] += ligne[prefixe + nom] or 0
    return resultat


# Les sources de chaque lecture : (agrégat du jour, agrégat du mois). ACCOMPAGNEMENTS : les jours
# se lisent dans les accompagnements eux-mêmes (les bords de période d'une seule structure).
ACCOMPAGNEMENTS = Accompagnement


def _sources(champ, par):
    if champ.niveau == "structure":
        if par in ("operateur", "demarche"):
            return ACCOMPAGNEMENTS, StructureDemarcheMois
        return StructureJour, None
    if par == "demarche":
        return (DemarcheJourFrance if champ.departements is None else DemarcheJour), DemarcheMois
    if par == "structure":
        return StructureJour, None
    return ActiviteJour, ActiviteMois


def _filtre(champ, modele):
    if champ.structure_id is not None:
        return Q(structure_id=champ.structure_id)
    q = Q()
    if champ.departements is not None:
        q &= Q(departement_id__in=champ.departements)
    if champ.operateur_id is not None and modele is not StructureJour:
        q &= Q(operateur_id=champ.operateur_id)
    return q


def _lire_accompagnements(champ, plages, par, noms, grain):
    """Les jours `plages` lus dans les accompagnements d'une structure (bords de période)."""
    q = Q()
    for a, b in plages:
        q |= Q(le__gte=debut_du_jour(a), le__lt=debut_du_jour(b + timedelta(days=1)))
    qs = Accompagnement.objects.filter(q, structure_id=champ.structure_id)
    if par is None:
        return [qs.aggregate(**{f"s_{nom}": v for nom, v in _comptes(noms).items()})]
    cles = {
        "periode": TruncDate("le", tzinfo=PARIS)
        if grain == "jour"
        else TruncMonth("le", tzinfo=PARIS, output_field=DateField()),
        "operateur": F("operateur_id"),
        "demarche": F("demarche_id"),
    }
    return (
        qs.annotate(cle=cles[par])
        .values("cle")
        .annotate(**{f"s_{nom}": v for nom, v in _comptes(noms).items()})
        .order_by()
    )


def lire(champ: Champ, periode: Periode, par: str | None = None, noms=NOMS) -> dict:
    """{clé: {mesure: nombre}} ; clé None sans répartition, sinon la date (jour ou premier du
    mois), ou l'identifiant de l'opérateur, de la démarche, du département ou de la structure.

    Les mois entiers de la période se lisent dans l'agrégat mensuel, le reste dans l'agrégat du jour."""
    jour, mois = _sources(champ, par)
    entiers, plages = periode.decoupage()
    # Sans agrégat mensuel, ou pour une courbe jour par jour : tout au jour.
    if entiers and (mois is None or (par == "periode" and periode.grain == "jour")):
        entiers, plages = [], [(periode.debut, periode.fin)]
    cle = "cle" if par else None
    resultat = {}
    if entiers:
        qs = mois.objects.filter(_filtre(champ, mois), mois__gte=entiers[0], mois__lte=entiers[-1])
        _cumuler(resultat, _grouper(qs, par, "mois", noms), cle, noms, "s_")
    if plages and jour is ACCOMPAGNEMENTS:
        _cumuler(resultat, _lire_accompagnements(champ, plages, par, noms, periode.grain), cle, noms, "s_")
    elif plages:
        q = Q()
        for a, b in plages:
            q |= Q(jour__gte=a, jour__lte=b)
        qs = jour.objects.filter(_filtre(champ, jour)).filter(q)
        cle_periode = "jour" if periode.grain == "jour" else TruncMonth("jour")
        _cumuler(resultat, _grouper(qs, par, cle_periode, noms), cle, noms, "s_")
    return resultat


def _grouper(qs, par, cle_periode, noms):
    cles = {
        "periode": cle_periode,
        "operateur": "operateur_id",
        "demarche": "demarche_id",
        "departement": "departement_id",
        "structure": "structure_id",
    }
    if par is None:
        return [qs.aggregate(**_sommes(noms))]
    cle = cles[par]
    return qs.annotate(cle=F(cle) if isinstance(cle, str) else cle).values("cle").annotate(**_sommes(noms)).order_by()


def total(champ, periode, noms=NOMS) -> dict:
    return lire(champ, periode, None, noms).get(None) or dict.fromkeys(noms, 0)


# Mise en forme


def part(n, total_):
    return round(100 * n / total_, 1) if total_ else None


def evolution(actuel, precedent):
    """Variation en % (None si la période précédente est vide)."""
    return round(100 * (actuel - precedent) / precedent, 1) if precedent else None


@dataclass
class Ligne:
    libelle: str
    nombre: int
    part: float | None = None
    resolus: int | None = None
    detail: str = ""
    cle: object = None  # l'identifiant de la structure (pour un lien) ou le code du département (carte)
    structures: int | None = None  # les structures actives de la ligne (un département)

    @property
    def par_structure(self):
        return round(self.nombre / self.structures) if self.structures else None

    @property
    def taux_resolu(self):
        return part(self.resolus, self.nombre) if self.resolus is not None else None


@dataclass
class Bloc:
    """Une répartition : un graphique et son tableau de données."""

    code: str
    titre: str
    lignes: list
    graphique: str = "barres"  # "barres", "barres_horizontales", "camembert", "courbe"
    avec_resolus: bool = False

    @property
    def total(self):
        return sum(ligne.nombre for ligne in self.lignes)


@dataclass
class Comparaison:
    libelle: str
    nombre: int
    structures: int
    resolus: int

    @property
    def par_structure(self):
        return round(self.nombre / self.structures) if self.structures else None

    @property
    def taux_resolu(self):
        return part(self.resolus, self.nombre)


# Les répartitions du détail, par onglet : (code, titre, codes des blocs). La courbe et la répartition
# géographique restent au-dessus des onglets.
ONGLETS = (
    ("demarches", "Opérateurs et démarches", ("operateur", "demarche")),
    ("accompagnement", "Résultat et accompagnement", ("resultat", "type_aide", "duree", "canal")),
    ("usagers", "Profil des usagers", ("tranche_age", "premiere_visite", "autonomie", "besoins")),
)


@dataclass
class Tableau:
    champ: Champ
    periode: Periode
    precedente: Periode
    total: dict
    total_precedent: dict
    serie: Bloc
    blocs: list = field(default_factory=list)
    comparaisons: list = field(default_factory=list)
    repartition: Bloc | None = None
    carte: object = None  # la carte des départements (tableau de la France entière)
    a_jour_au: object = None

    @property
    def nombre(self):
        return self.total[NOMBRE]

    @property
    def onglets(self):
        """[(code, titre, blocs)] : chaque bloc du détail dans son onglet (un bloc non rangé va au dernier)."""
        par_code = {bloc.code: bloc for bloc in self.blocs}
        rangs = {code for _, _, codes in ONGLETS for code in codes}
        onglets = [(code, titre, [par_code[c] for c in codes if c in par_code]) for code, titre, codes in ONGLETS]
        onglets[-1][2].extend(bloc for bloc in self.blocs if bloc.code not in rangs)
        return onglets

    @property
    def taux_resolu(self):
        return part(self.total[RESOLU], self.total[NOMBRE])

    @property
    def taux_resolu_precedent(self):
        return part(self.total_precedent[RESOLU], self.total_precedent[NOMBRE])

    @property
    def evolution(self):
        return evolution(self.total[NOMBRE], self.total_precedent[NOMBRE])

    @property
    def ecart_resolu(self):
        """Écart du taux de résolution sur place avec la période précédente, en points."""
        if self.taux_resolu is None or self.taux_resolu_precedent is None:
            return None
        return round(self.taux_resolu - self.taux_resolu_precedent, 1)


def _bloc_groupe(groupe, totaux):
    n = totaux[NOMBRE]
    lignes = [Ligne(m.libelle, totaux[m.nom], part(totaux[m.nom], n)) for m in groupe.mesures]
    if groupe.reste:
        reste = n - sum(totaux[m.nom] for m in groupe.mesures)
        lignes.append(Ligne(groupe.reste, reste, part(reste, n)))
    graphique = "camembert" if groupe.partition and len(lignes) <= 6 else "barres_horizontales"
    return Bloc(groupe.code, groupe.libelle, lignes, graphique=graphique)


def _bloc_serie(champ, periode):
    valeurs = lire(champ, periode, "periode", NOMS_COURTS)
    lignes = []
    for cle, etiquette in periode.etiquettes():
        v = valeurs.get(cle, {})
        lignes.append(Ligne(etiquette, v.get(NOMBRE, 0), resolus=v.get(RESOLU, 0)))
    titre = "Accompagnements par jour" if periode.grain == "jour" else "Accompagnements par mois"
    return Bloc("evolution", titre, lignes, graphique="courbe", avec_resolus=True)


def _bloc_operateurs(champ, periode, n):
    valeurs = lire(champ, periode, "operateur", NOMS_COURTS)
    noms = dict(Operateur.objects.filter(pk__in=valeurs).values_list("pk", "nom"))
    lignes = [
        Ligne(noms.get(pk, "Opérateur supprimé"), v[NOMBRE], part(v[NOMBRE], n), resolus=v[RESOLU])
        for pk, v in sorted(valeurs.items(), key=lambda kv: -kv[1][NOMBRE])
    ]
    return Bloc("operateur", "Par opérateur", lignes, graphique="barres_horizontales", avec_resolus=True)


def _bloc_demarches(champ, periode, n):
    valeurs = lire(champ, periode, "demarche", NOMS_COURTS)
    classees = sorted(valeurs.items(), key=lambda kv: -kv[1][NOMBRE])
    detaillees, autres = classees[:DEMARCHES_DETAILLEES], classees[DEMARCHES_DETAILLEES:]
    infos = {
        d.pk: d
        for d in Demarche.objects.filter(pk__in=[pk for pk, _ in detaillees if pk is not None]).select_related(
            "operateur"
        )
    }
    lignes = []
    for pk, v in detaillees:
        demarche = infos.get(pk)
        libelle = demarche.libelle if demarche else "Démarche non précisée"
        detail = demarche.operateur.nom if demarche else ""
        lignes.append(Ligne(libelle, v[NOMBRE], part(v[NOMBRE], n), resolus=v[RESOLU], detail=detail))
    if autres:
        nombre = sum(v[NOMBRE] for _, v in autres)
        resolus = sum(v[RESOLU] for _, v in autres)
        lignes.append(Ligne(f"Autres démarches ({len(autres)})", nombre, part(nombre, n), resolus=resolus))
    return Bloc("demarche", "Par démarche", lignes, graphique="barres_horizontales", avec_resolus=True)


def _actives(periode, departements=None, forme=None) -> dict:
    """Les structures actives de la période (au moins un accompagnement), de la forme donnée : leur
    nombre et leur activité, lus dans l'agrégat par structure. Une moyenne par structure ne divise que
    par elles : une structure sans saisie (fermée l'été, pas encore équipée) ne fait pas baisser la
    moyenne des autres."""
    qs = StructureJour.objects.filter(jour__gte=periode.debut, jour__lte=periode.fin, nombre__gt=0)
    if departements is not None:
        qs = qs.filter(departement_id__in=departements)
    if forme:
        qs = qs.filter(structure__forme=forme)
    r = qs.aggregate(n=Sum(NOMBRE), r=Sum(RESOLU), s=Count("structure", distinct=True))
    return {NOMBRE: r["n"] or 0, RESOLU: r["r"] or 0, "structures": r["s"] or 0}


def actives_par_departement(periode, departements=None) -> dict:
    """{identifiant de département: nombre de structures actives dans la période}."""
    qs = StructureJour.objects.filter(jour__gte=periode.debut, jour__lte=periode.fin, nombre__gt=0)
    if departements is not None:
        qs = qs.filter(departement_id__in=departements)
    return dict(qs.values_list("departement_id").annotate(n=Count("structure", distinct=True)).order_by())


def _comparaisons(champ, periode, totaux):
    """Le champ face à la moyenne par structure active (au moins un accompagnement dans la période) :
    une structure, face aux structures actives de même forme de son département et du pays ; un
    département ou le pays, divisé par ses structures actives ; un opérateur, ses accompagnements
    divisés par les structures actives de son champ, face à sa moyenne nationale (l'agrégat par
    structure ne connaît pas l'opérateur : une structure active l'est pour tous les opérateurs)."""
    if champ.operateur_id is None:
        return _comparaisons_actives(champ, periode, totaux)
    a = _actives(periode, champ.departements)
    lignes = [Comparaison(champ.libelle, totaux[NOMBRE], a["structures"], totaux[RESOLU])]
    if champ.departements is not None:
        national = Champ("national", "", operateur_id=champ.operateur_id)
        t = total(national, periode, NOMS_COURTS)
        a = _actives(periode)
        lignes.append(
            Comparaison("Moyenne nationale de l'opérateur par structure active", t[NOMBRE], a["structures"], t[RESOLU])
        )
    return lignes


def _comparaisons_actives(champ, periode, totaux):
    if champ.niveau == "structure":
        forme = Structure.objects.filter(pk=champ.structure_id).values_list("forme", flat=True).first()
        libelle_forme = Structure.Forme(forme).label.lower() if forme else ""
        lignes = [Comparaison("Cette structure", totaux[NOMBRE], 1, totaux[RESOLU])]
        nom = Departement.objects.get(pk=next(iter(champ.departements)))
        a = _actives(periode, champ.departements, forme)
        lignes.append(
            Comparaison(
                f"Moyenne des structures {libelle_forme}s actives ({nom})", a[NOMBRE], a["structures"], a[RESOLU]
            )
        )
        a = _actives(periode, None, forme)
        lignes.append(
            Comparaison(
                f"Moyenne nationale des structures {libelle_forme}s actives", a[NOMBRE], a["structures"], a[RESOLU]
            )
        )
        return lignes
    a = _actives(periode, champ.departements)
    lignes = [Comparaison(champ.libelle, totaux[NOMBRE], a["structures"], totaux[RESOLU])]
    if champ.niveau != "national":
        a = _actives(periode)
        lignes.append(Comparaison("Moyenne nationale des structures actives", a[NOMBRE], a["structures"], a[RESOLU]))
    return lignes


def _repartition(champ, periode):
    """National et opérateur : par département ; département : par structure."""
    if champ.niveau in ("national", "operateur"):
        valeurs = lire(champ, periode, "departement", NOMS_COURTS)
        deps = {d.pk: d for d in Departement.objects.filter(pk__in=valeurs)}
        actives = actives_par_departement(periode, champ.departements)
        lignes = [
            Ligne(
                str(deps[pk]) if pk in deps else "Département inconnu",
                v[NOMBRE],
                resolus=v[RESOLU],
                detail=str(actives.get(pk, 0)),
                cle=deps[pk].code if pk in deps else None,
                structures=actives.get(pk, 0),
            )
            for pk, v in sorted(valeurs.items(), key=lambda kv: deps[kv[0]].code if kv[0] in deps else "")
        ]
        return Bloc("departement", "Par département", lignes, graphique="", avec_resolus=True)
    if champ.niveau == "departement":
        valeurs = lire(champ, periode, "structure", NOMS_COURTS)
        noms = dict(Structure.objects.filter(pk__in=valeurs).values_list("pk", "nom"))
        lignes = [
            Ligne(noms.get(pk, "Structure supprimée"), v[NOMBRE], resolus=v[RESOLU], cle=pk)
            for pk, v in sorted(valeurs.items(), key=lambda kv: -kv[1][NOMBRE])
        ]
        return Bloc("structure", "Classement des structures", lignes, graphique="", avec_resolus=True)
    return None


def tableau(champ: Champ, periode: Periode) -> Tableau:
    precedente = periode.precedente()
    totaux = total(champ, periode)
    n = totaux[NOMBRE]
    blocs = [
        _bloc_operateurs(champ, periode, n),
        _bloc_demarches(champ, periode, n),
        *(_bloc_groupe(g, totaux) for g in GROUPES),
    ]
    etat = EtatAgregats.objects.filter(pk=1).first()
    repartition = _repartition(champ, periode)
    carte = None
    if repartition is not None and repartition.code == "departement" and champ.departements is None:
        carte = carte_des_departements(repartition)
    return Tableau(
        champ=champ,
        periode=periode,
        precedente=precedente,
        total=totaux,
        total_precedent=total(champ, precedente, NOMS_COURTS),
        serie=_bloc_serie(champ, periode),
        blocs=blocs,
        comparaisons=_comparaisons(champ, periode, totaux),
        repartition=repartition,
        carte=carte,
        a_jour_au=etat.jusqu_a if etat else None,
    )


def periode_par_defaut(aujourd_hui: date) -> Periode:
    """Le mois en cours."""
    return Periode.mois(aujourd_hui.year, aujourd_hui.month).tronquee(aujourd_hui)


def tableaux_visibles(user) -> list[tuple[str, str]]:
    """Les tableaux de bord que l'utilisateur peut ouvrir, en (libellé, adresse) : le national (ou les
    départements qu'il suit), ceux des opérateurs dont il est référent ou responsable, ceux de ses
    structures. Vide : il n'a accès à aucun tableau."""
    liens = []
    if permissions_statistiques.statistiques_nationales(user):
        liens.append(("France entière", reverse("statistiques:national")))
    else:
        departements = permissions_statistiques.departements_statistiques(user).order_by("code")
        liens += [(str(d), reverse("statistiques:departement", args=[d.code])) for d in departements]
    operateurs = Operateur.objects.filter(pk__in=permissions_statistiques.operateurs_statistiques(user)).order_by(
        "-national", "ordre", "nom"
    )
    liens += [(f"{o.nom} (opérateur)", reverse("statistiques:operateur", args=[o.code])) for o in operateurs]
    structures = permissions.structures_de_l_agent(user).order_by("nom")
    liens += [(s.nom, reverse("statistiques:structure", args=[s.pk])) for s in structures]
    return liens
