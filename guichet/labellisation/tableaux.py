"""Le tableau de bord de la labellisation, départemental ou national, et ses exports (CSV, XLSX).

Tout se compte en base, par agrégats, jamais structure par structure : les dossiers par étape et par
département, les audits à réaliser, et, sur le dernier audit conclu de chaque site, les non-conformités par
critère et la part des sites conformes à chaque critère (conformes parmi conformes et non conformes ; « sans
objet » n'y compte pas). Ces derniers se lisent dans les comptes tenus par département et critère à la
conclusion de chaque audit (`ComptageCritere`), pas dans les lignes d'audit. Une poignée de requêtes quel que
soit le nombre de sites.

Le tableau national donne aussi chaque région : ses dossiers par étape et ses sites audités (sommes de ses
départements), et la part de ses sites conformes à chaque critère, sommée en base des comptes de ses
départements (`ComptageCritere.objects.par_region`, une requête pour toutes les régions).
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils import timezone
from openpyxl import Workbook

from guichet import tableurs
from guichet.labellisation.models import Audit, ComptageCritere, Critere, Dossier, Etape, ResultatAudit
from guichet.plans_d_action import services as plans
from guichet.plans_d_action.models import Origine

EN_ATTENTE = (Etape.AUDIT_REALISE, Etape.AVIS_FAVORABLE, Etape.AVIS_DEFAVORABLE)


@dataclass
class LigneDepartement:
    code: str
    nom: str
    region: str
    par_etape: dict = field(default_factory=dict)
    audits_dus: int = 0
    actions_en_retard: int = 0
    region_code: str = ""
    sites_audites: int = 0

    @property
    def total(self) -> int:
        return sum(self.par_etape.values())

    @property
    def candidatures(self) -> int:
        return self.par_etape[Etape.CANDIDATURE] + self.par_etape[Etape.CANDIDATURE_PORTEUR]

    @property
    def sanctionnes(self) -> int:
        return self.par_etape[Etape.MISE_EN_DEMEURE] + self.par_etape[Etape.SUSPENDUE]

    def cellules(self):
        return [self.par_etape.get(e.value, 0) for e in Etape]


@dataclass
class LigneCritere:
    code: str
    titre: str
    bloquant: bool
    conformes: int = 0
    non_conformes: int = 0
    sans_objet: int = 0

    @property
    def part_conformes(self):
        evalues = self.conformes + self.non_conformes
        return round(100 * self.conformes / evalues, 1) if evalues else None


@dataclass
class LigneRegion:
    """Une région du tableau national : les sommes de ses départements, et ses constats par critère."""

    code: str
    nom: str
    par_etape: dict
    sites_audites: int = 0
    criteres: dict = field(default_factory=dict)  # code du critère → LigneCritere

    @property
    def total(self) -> int:
        return sum(self.par_etape.values())

    @property
    def en_attente(self) -> int:
        """Audit réalisé, avis donné : l'avis de l'ANCT ou la décision du préfet sont attendus."""
        return sum(self.par_etape[e] for e in EN_ATTENTE)

    def cellules(self):
        return [self.par_etape.get(e.value, 0) for e in Etape]


@dataclass
class Tableau:
    national: bool
    departements: list[LigneDepartement]
    regions: list[LigneRegion]
    par_etape: dict
    audits_dus: list
    actions_en_retard: list
    criteres: list[LigneCritere]
    sites_audites: int
    maintenant: object
    departement_ids: list = field(default_factory=list)

    @property
    def etapes(self):
        return [(e.value, e.label, self.par_etape.get(e.value, 0)) for e in Etape]

    @property
    def regions_auditees(self) -> list[LigneRegion]:
        """Les régions qui ont au moins un site audité : les colonnes du tableau des critères par région."""
        return [r for r in self.regions if r.criteres]

    @property
    def criteres_par_region(self):
        """[(critère national, [part des sites conformes à ce critère dans chaque région auditée, ou None])], dans
        l'ordre des critères du tableau national."""
        regions = self.regions_auditees
        return [
            (c, [r.criteres[c.code].part_conformes if c.code in r.criteres else None for r in regions])
            for c in self.criteres
        ]


def _compter(ligne: LigneCritere, resultat, n):
    if resultat == ResultatAudit.CONFORME:
        ligne.conformes += n
    elif resultat == ResultatAudit.NON_CONFORME:
        ligne.non_conformes += n
    else:
        ligne.sans_objet += n


def calculer(departements, national=False, jour=None) -> Tableau:
    jour = jour or timezone.localdate()
    # Jamais les contours (GeoJSON) des départements et des communes : le tableau n'en montre rien.
    departements = list(
        departements.select_related("region").only("code", "nom", "region__code", "region__nom").order_by("code")
    )
    ids = [d.pk for d in departements]
    dossiers = Dossier.objects.filter(structure__commune__departement_id__in=ids)

    zeros = {e.value: 0 for e in Etape}
    lignes = {
        d.pk: LigneDepartement(
            d.code,
            d.nom,
            d.region.nom if d.region else "",
            dict(zeros),
            region_code=d.region.code if d.region else "",
        )
        for d in departements
    }
    par_etape = defaultdict(int)
    for departement_id, etape, n in (
        dossiers.values_list("structure__commune__departement_id", "etape").annotate(n=Count("pk")).order_by()
    ):
        lignes[departement_id].par_etape[etape] = n
        par_etape[etape] += n

    audits_planifies = Audit.objects.filter(dossier__in=dossiers, statut=Audit.Statut.PLANIFIE)
    for departement_id, n in (
        audits_planifies.filter(date_prevue__lte=jour)
        .values_list("dossier__structure__commune__departement_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        lignes[departement_id].audits_dus = n
    audits_dus = list(
        audits_planifies.select_related("dossier__structure", "auditeur")
        .only(
            "nature",
            "date_prevue",
            "dossier__structure__nom",
            "auditeur__first_name",
            "auditeur__last_name",
            "auditeur__email",
        )
        .order_by("date_prevue", "pk")[:50]
    )
    for audit in audits_dus:
        audit.en_retard = audit.date_prevue < jour

    en_retard = plans.actions_en_retard(departements=ids).filter(plan__origine=Origine.LABELLISATION)
    for departement_id, n in en_retard.values_list("plan__departement_id").annotate(n=Count("pk")).order_by():
        lignes[departement_id].actions_en_retard = n

    # Les comptes par critère ; en national, lus par région (leur somme donne la France), puis les intitulés des
    # critères comptés (la version la plus récente d'abord pour un même code).
    criteres, par_region, infos = {}, [], {}
    if national:
        par_region = ComptageCritere.objects.par_region(ids)
        for pk, code, titre, bloquant in (
            Critere.objects.filter(pk__in={critere_id for _, critere_id, _, _ in par_region})
            .order_by("ordre", "code", "-referentiel__date")
            .values_list("pk", "code", "titre", "bloquant")
        ):
            infos[pk] = (code, titre, bloquant)
            criteres.setdefault(code, LigneCritere(code, titre, bloquant))
        for _, critere_id, resultat, n in par_region:
            _compter(criteres[infos[critere_id][0]], resultat, n)
    else:
        for code, titre, bloquant, resultat, n in ComptageCritere.objects.par_critere(ids):
            _compter(criteres.setdefault(code, LigneCritere(code, titre, bloquant)), resultat, n)

    # Les sites audités : le dernier audit conclu de chaque dossier est compté dans un département.
    for departement_id, n in (
        Audit.objects.filter(compte_dans_id__in=ids).values_list("compte_dans_id").annotate(n=Count("pk")).order_by()
    ):
        lignes[departement_id].sites_audites = n

    regions = {}
    if national:
        for ligne in lignes.values():
            region = regions.setdefault(ligne.region_code, LigneRegion(ligne.region_code, ligne.region, dict(zeros)))
            for etape, n in ligne.par_etape.items():
                region.par_etape[etape] += n
            region.sites_audites += ligne.sites_audites
        code_de_region = {d.region_id: d.region.code if d.region else "" for d in departements}
        for region_id, critere_id, resultat, n in par_region:
            code = infos[critere_id][0]
            critere = criteres[code]
            region = regions[code_de_region[region_id]]
            ligne = region.criteres.setdefault(code, LigneCritere(code, critere.titre, critere.bloquant))
            _compter(ligne, resultat, n)
    return Tableau(
        national=national,
        departements=[ligne for ligne in lignes.values() if ligne.total or not national],
        regions=sorted(regions.values(), key=lambda r: (r.nom, r.code)),
        par_etape=dict(par_etape),
        audits_dus=audits_dus,
        actions_en_retard=list(
            en_retard.select_related(None)
            .select_related("plan__structure")
            .only("libelle", "echeance", "plan__titre", "plan__structure__nom")
            .order_by("echeance", "pk")[:50]
        ),
        criteres=sorted(criteres.values(), key=lambda c: (-c.non_conformes, c.code)),
        sites_audites=sum(ligne.sites_audites for ligne in lignes.values()),
        maintenant=timezone.localtime(),
        departement_ids=ids,
    )


ENTETE = [
    "Département",
    "Nom",
    "Région",
    *[e.label for e in Etape],
    "Audits à réaliser",
    "Actions en retard",
    "Sites audités",
]
ENTETE_CRITERES = ["Critère", "Intitulé", "Bloquant", "Conformes", "Non conformes", "Sans objet", "Part conforme (%)"]


def _lignes(tableau):
    yield ENTETE
    for d in tableau.departements:
        yield [d.code, d.nom, d.region, *d.cellules(), d.audits_dus, d.actions_en_retard, d.sites_audites]


def _cellules_critere(c: LigneCritere) -> list:
    part = c.part_conformes if c.part_conformes is not None else ""
    return [c.code, c.titre, "oui" if c.bloquant else "non", c.conformes, c.non_conformes, c.sans_objet, part]


def _lignes_criteres(tableau):
    yield ENTETE_CRITERES
    for c in tableau.criteres:
        yield _cellules_critere(c)


ENTETE_REGIONS = ["Région", "Nom", "Dossiers", *[e.label for e in Etape], "Sites audités"]


def _lignes_regions(tableau):
    """Les dossiers par étape et les sites audités de chaque région (tableau national seulement)."""
    yield ENTETE_REGIONS
    for r in tableau.regions:
        yield [r.code, r.nom, r.total, *r.cellules(), r.sites_audites]


ENTETE_CRITERES_REGIONS = ["Région", "Nom", *ENTETE_CRITERES]


def _lignes_criteres_par_region(tableau):
    """La part des sites conformes à chaque critère, région par région (tableau national seulement)."""
    yield ENTETE_CRITERES_REGIONS
    for r in tableau.regions_auditees:
        for c in tableau.criteres:
            if c.code in r.criteres:
                yield [r.code, r.nom, *_cellules_critere(r.criteres[c.code])]


ENTETE_CRITERES_DEPARTEMENTS = ["Département", "Nom", *ENTETE_CRITERES]


def _lignes_criteres_par_departement(tableau):
    """La part des sites conformes à chaque critère, département par département (exports seulement)."""
    yield ENTETE_CRITERES_DEPARTEMENTS
    lignes = {}
    for code_dep, nom_dep, code, titre, bloquant, resultat, n in (
        ComptageCritere.objects.filter(departement_id__in=tableau.departement_ids, nombre__gt=0)
        .values_list(
            "departement__code", "departement__nom", "critere__code", "critere__titre", "critere__bloquant", "resultat"
        )
        .annotate(n=Sum("nombre"))
        .order_by("departement__code", "critere__ordre", "critere__code", "-critere__referentiel__date")
    ):
        cle = (code_dep, nom_dep, code)
        ligne = lignes.setdefault(cle, LigneCritere(code, titre, bloquant))
        ligne.conformes += n if resultat == ResultatAudit.CONFORME else 0
        ligne.non_conformes += n if resultat == ResultatAudit.NON_CONFORME else 0
        ligne.sans_objet += n if resultat == ResultatAudit.SANS_OBJET else 0
    for (code_dep, nom_dep, _), c in lignes.items():
        yield [code_dep, nom_dep, *_cellules_critere(c)]


def _blocs(tableau):
    """Les blocs des exports, dans l'ordre : (titre de la feuille, lignes). Les régions : tableau national seul."""
    blocs = [
        ("Départements", _lignes(tableau)),
        ("Critères", _lignes_criteres(tableau)),
        ("Critères par département", _lignes_criteres_par_departement(tableau)),
    ]
    if tableau.national:
        blocs += [("Régions", _lignes_regions(tableau)), ("Critères par région", _lignes_criteres_par_region(tableau))]
    return blocs


def en_csv(tableau) -> bytes:
    flux = io.StringIO()
    ecrivain = tableurs.EcrivainCsv(flux, delimiter=";")
    for rang, (_, lignes) in enumerate(_blocs(tableau)):
        if rang:
            ecrivain.writerow([])
        ecrivain.writerows(lignes)
    return ("\ufeff" + flux.getvalue()).encode("utf-8")


def en_xlsx(tableau) -> bytes:
    classeur = Workbook(write_only=True)
    for titre, lignes in _blocs(tableau):
        feuille = classeur.create_sheet(titre)
        for valeurs in lignes:
            feuille.append(tableurs.ligne(valeurs))
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
