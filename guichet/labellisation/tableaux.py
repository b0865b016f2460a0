"""Le tableau de bord de la labellisation, départemental ou national, et ses exports (CSV, XLSX).

Tout se compte en base, par agrégats, jamais structure par structure : les dossiers par étape et par
département, les audits à réaliser, et, sur le dernier audit conclu de chaque site, les non-conformités par
critère et la part des sites conformes à chaque critère (conformes parmi conformes et non conformes ; « sans
objet » n'y compte pas). Ces derniers se lisent dans les comptes tenus par département et critère à la
conclusion de chaque audit (`ComptageCritere`), pas dans les lignes d'audit. Une poignée de requêtes quel que
soit le nombre de sites.
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils import timezone
from openpyxl import Workbook

from guichet import tableurs
from guichet.labellisation.models import Audit, ComptageCritere, Dossier, Etape, ResultatAudit
from guichet.plans_d_action import services as plans
from guichet.plans_d_action.models import Origine


@dataclass
class LigneDepartement:
    code: str
    nom: str
    region: str
    par_etape: dict = field(default_factory=dict)
    audits_dus: int = 0
    actions_en_retard: int = 0

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
class Tableau:
    national: bool
    departements: list[LigneDepartement]
    regions: list[tuple[str, dict]]
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


def calculer(departements, national=False, jour=None) -> Tableau:
    jour = jour or timezone.localdate()
    # Jamais les contours (GeoJSON) des départements et des communes : le tableau n'en montre rien.
    departements = list(departements.select_related("region").only("code", "nom", "region__nom").order_by("code"))
    ids = [d.pk for d in departements]
    dossiers = Dossier.objects.filter(structure__commune__departement_id__in=ids)

    zeros = {e.value: 0 for e in Etape}
    lignes = {
        d.pk: LigneDepartement(d.code, d.nom, d.region.nom if d.region else "", dict(zeros)) for d in departements
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

    criteres = {}
    for code, titre, bloquant, resultat, n in ComptageCritere.objects.par_critere(ids):
        ligne = criteres.setdefault(code, LigneCritere(code, titre, bloquant))
        if resultat == ResultatAudit.CONFORME:
            ligne.conformes += n
        elif resultat == ResultatAudit.NON_CONFORME:
            ligne.non_conformes += n
        else:
            ligne.sans_objet += n

    regions = defaultdict(lambda: dict(zeros, en_attente=0))
    for ligne in lignes.values():
        for etape, n in ligne.par_etape.items():
            regions[ligne.region][etape] += n
        regions[ligne.region]["en_attente"] += sum(
            ligne.par_etape[e] for e in (Etape.AUDIT_REALISE, Etape.AVIS_FAVORABLE, Etape.AVIS_DEFAVORABLE)
        )
    return Tableau(
        national=national,
        departements=[ligne for ligne in lignes.values() if ligne.total or not national],
        regions=sorted(regions.items()),
        par_etape=dict(par_etape),
        audits_dus=audits_dus,
        actions_en_retard=list(
            en_retard.select_related(None)
            .select_related("plan__structure")
            .only("libelle", "echeance", "plan__titre", "plan__structure__nom")
            .order_by("echeance", "pk")[:50]
        ),
        criteres=sorted(criteres.values(), key=lambda c: (-c.non_conformes, c.code)),
        sites_audites=Audit.objects.filter(compte_dans_id__in=ids).count(),
        maintenant=timezone.localtime(),
        departement_ids=ids,
    )


ENTETE = ["Département", "Nom", "Région", *[e.label for e in Etape], "Audits à réaliser", "Actions en retard"]
ENTETE_CRITERES = ["Critère", "Intitulé", "Bloquant", "Conformes", "Non conformes", "Sans objet", "Part conforme (%)"]


def _lignes(tableau):
    yield ENTETE
    for d in tableau.departements:
        yield [d.code, d.nom, d.region, *d.cellules(), d.audits_dus, d.actions_en_retard]


def _lignes_criteres(tableau):
    yield ENTETE_CRITERES
    for c in tableau.criteres:
        yield [
            c.code,
            c.titre,
            "oui" if c.bloquant else "non",
            c.conformes,
            c.non_conformes,
            c.sans_objet,
            c.part_conformes if c.part_conformes is not None else "",
        ]


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
        part = c.part_conformes if c.part_conformes is not None else ""
        bloquant = "oui" if c.bloquant else "non"
        yield [code_dep, nom_dep, c.code, c.titre, bloquant, c.conformes, c.non_conformes, c.sans_objet, part]


def en_csv(tableau) -> bytes:
    flux = io.StringIO()
    ecrivain = tableurs.EcrivainCsv(flux, delimiter=";")
    ecrivain.writerows(_lignes(tableau))
    ecrivain.writerow([])
    ecrivain.writerows(_lignes_criteres(tableau))
    ecrivain.writerow([])
    ecrivain.writerows(_lignes_criteres_par_departement(tableau))
    return ("\ufeff" + flux.getvalue()).encode("utf-8")


def en_xlsx(tableau) -> bytes:
    classeur = Workbook(write_only=True)
    for titre, lignes in (
        ("Départements", _lignes(tableau)),
        ("Critères", _lignes_criteres(tableau)),
        ("Critères par département", _lignes_criteres_par_departement(tableau)),
    ):
        feuille = classeur.create_sheet(titre)
        for valeurs in lignes:
            feuille.append(tableurs.ligne(valeurs))
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
