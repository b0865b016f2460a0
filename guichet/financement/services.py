"""La subvention d'une année, structure par structure, lue en quelques requêtes (par lots, quel que soit
le nombre de structures) : le dû (voir `calcul`), le versé, le reste ; puis les totaux par source et par région.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from guichet.financement import calcul
from guichet.financement.models import Bareme, SourceFinancement, Versement
from guichet.journal.models import Action
from guichet.journal.services import journaliser
from guichet.reseau.models import HistoriqueStatut, Structure

ZERO = Decimal("0.00")


class BaremeManquant(LookupError):
    def __init__(self, annee):
        super().__init__(f"Aucun barème de la subvention pour {annee} : l'équipe nationale doit d'abord le fixer.")
        self.annee = annee


@dataclass
class Ligne:
    """La subvention d'une structure pour l'année."""

    structure_id: int
    matricule: str
    nom: str
    forme: str
    departement_code: str
    departement_nom: str
    region_code: str
    region_nom: str
    du: calcul.Du
    verse: Decimal = ZERO
    verse_par_source: dict = field(default_factory=dict)

    @property
    def reste(self) -> Decimal:
        return self.du.total - self.verse

    @property
    def itinerante(self) -> bool:
        return self.forme == Structure.Forme.ITINERANTE


@dataclass
class Total:
    libelle: str
    du: Decimal = ZERO
    verse: Decimal = ZERO
    sites: int = 0

    @property
    def reste(self) -> Decimal:
        return self.du - self.verse


@dataclass
class Subvention:
    annee: int
    bareme: Bareme
    lignes: list[Ligne]

    @property
    def total(self) -> Total:
        t = Total("Ensemble", sites=len(self.lignes))
        for ligne in self.lignes:
            t.du += ligne.du.total
            t.verse += ligne.verse
        return t

    def par_source(self) -> list[Total]:
        totaux = {s.pk: Total(s.nom) for s in SourceFinancement.objects.all()}
        for ligne in self.lignes:
            for source_id, montant in ligne.du.par_source.items():
                totaux[source_id].du += montant
            for source_id, montant in ligne.verse_par_source.items():
                totaux[source_id].verse += montant
        return [t for t in totaux.values() if t.du or t.verse]

    def par_region(self) -> list[Total]:
        totaux = {}
        for ligne in self.lignes:
            t = totaux.setdefault(ligne.region_code, Total(ligne.region_nom))
            t.du += ligne.du.total
            t.verse += ligne.verse
            t.sites += 1
        return [totaux[code] for code in sorted(totaux)]

    def par_departement(self) -> list[tuple[str, Total]]:
        totaux = {}
        for ligne in self.lignes:
            t = totaux.setdefault(ligne.departement_code, Total(ligne.departement_nom))
            t.du += ligne.du.total
            t.verse += ligne.verse
            t.sites += 1
        return [(code, totaux[code]) for code in sorted(totaux)]


def bareme_de(annee: int) -> Bareme:
    bareme = Bareme.objects.filter(annee=annee).select_related("source_aide_bus").first()
    if bareme is None:
        raise BaremeManquant(annee)
    return bareme


def subvention(annee: int, structures=None) -> Subvention:
    """La subvention de l'année pour ces structures (toutes par défaut) : les structures labellisées au moins
    un jour de l'année, et celles qui ont reçu un versement pour l'année. Les antennes, rattachées à un
    espace labellisé, ne reçoivent pas de forfait propre. Quatre requêtes, quel que soit leur nombre."""
    bareme = bareme_de(annee)
    parts = {p.source_id: p.montant for p in bareme.parts.all()}
    structures = Structure.objects.all() if structures is None else structures
    champs = (
        "pk",
        "matricule",
        "nom",
        "forme",
        "format",
        "date_labellisation",
        "commune__departement__code",
        "commune__departement__nom",
        "commune__departement__region__code",
        "commune__departement__region__nom",
    )
    lues = list(structures.order_by("commune__departement__code", "matricule").values_list(*champs))
    historiques = defaultdict(list)
    for structure_id, date, statut in (
        HistoriqueStatut.objects.filter(structure__in=structures, date__lte=f"{annee}-12-31")
        .order_by("structure_id", "date", "cree_le", "pk")
        .values_list("structure_id", "date", "statut")
    ):
        historiques[structure_id].append(calcul.Changement(date, statut))
    verses = defaultdict(dict)
    for structure_id, source_id, montant in (
        Versement.objects.filter(annee=annee, structure__in=structures)
        .values("structure_id", "source_id")
        .annotate(montant=Sum("montant"))
        .values_list("structure_id", "source_id", "montant")
    ):
        verses[structure_id][source_id] = montant
    lignes = []
    for pk, matricule, nom, forme, format_, date_labellisation, dep_code, dep_nom, reg_code, reg_nom in lues:
        if format_ == Structure.Format.ANTENNE:
            du = calcul.Du(0, calcul.jours_dans_l_annee(annee), ZERO, ZERO, {})
        else:
            changements = calcul.changements_avec_labellisation(historiques[pk], date_labellisation)
            du = calcul.du_pour(
                changements,
                annee,
                forfait=bareme.forfait,
                parts=parts,
                itinerante=forme == Structure.Forme.ITINERANTE,
                aide_bus=bareme.aide_bus,
                source_bus=bareme.source_aide_bus_id,
            )
        if not du.jours and pk not in verses:
            continue
        par_source = verses.get(pk, {})
        lignes.append(
            Ligne(
                pk,
                matricule,
                nom,
                forme,
                dep_code,
                dep_nom,
                reg_code,
                reg_nom,
                du,
                verse=sum(par_source.values(), ZERO),
                verse_par_source=par_source,
            )
        )
    return Subvention(annee, bareme, lignes)


def ligne_de(structure: Structure, annee: int) -> Ligne | None:
    """La ligne d'une structure (None : rien de dû ni de versé cette année)."""
    lignes = subvention(annee, Structure.objects.filter(pk=structure.pk)).lignes
    return lignes[0] if lignes else None


@transaction.atomic
def enregistrer_versement(*, structure, annee, source, date, montant, reference, auteur) -> Versement:
    """Enregistre un versement validé (voir `forms.VersementForm`) et l'inscrit au journal d'audit.

    La structure est verrouillée le temps de revérifier le reste dû : deux saisies simultanées ne versent
    pas à elles deux plus que le dû (ValidationError pour la seconde)."""
    Structure.objects.select_for_update().filter(pk=structure.pk).first()
    ligne = ligne_de(structure, annee)
    reste = ligne.reste if ligne else ZERO
    if montant > reste:
        message = f"Ce versement dépasse le reste dû pour {annee} ({calcul.euros(max(reste, ZERO))})."
        raise ValidationError({"montant": message})
    versement = Versement.objects.create(
        structure=structure,
        annee=annee,
        source=source,
        date=date,
        montant=montant,
        reference=reference,
        saisi_par=auteur,
    )
    journaliser(
        auteur,
        Action.CREATION,
        versement,
        {"structure": structure.matricule, "annee": annee, "montant": str(montant), "date": date.isoformat()},
    )
    return versement
