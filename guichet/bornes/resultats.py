"""Les tableaux de résultats des bornes (national par département, département par structure, structure par
mois) et leur export CSV, sous la règle du secret des données ouvertes (`guichet.statistiques.secret`) :
une case de moins de 5 avis n'est pas montrée, ni une case que le total publié permettrait de retrouver.
Une part (satisfaits, problème résolu, reviendrait) n'est montrée que sur au moins 5 réponses à sa question."""

import io
from dataclasses import dataclass, field

from guichet.bornes import services
from guichet.reseau.models import Structure
from guichet.statistiques.periodes import MOIS, decaler_mois
from guichet.statistiques.secret import SEUIL, masquer
from guichet.tableurs import EcrivainCsv
from guichet.territoires.models import Departement

SEUIL_FAIBLE = 0.8  # en dessous, le score d'une structure est signalé (plan d'action possible)
MASQUE = "secret"


@dataclass
class Ligne:
    cle: str
    libelle: str
    reponses: int | None
    part_satisfaits: float | None = None
    part_resolu: float | None = None
    part_reviendrait: float | None = None
    masquee: bool = False
    lien: str = ""
    objet: object = None  # la structure d'une ligne de structure (plan d'action)

    @property
    def faible(self) -> bool:
        return self.part_satisfaits is not None and self.part_satisfaits < SEUIL_FAIBLE


@dataclass
class Tableau:
    titre: str
    niveau: str  # "national", "departement" ou "structure"
    colonne: str
    periode: services.Periode
    lignes: list[Ligne] = field(default_factory=list)
    total: Ligne | None = None

    @property
    def lignes_et_total(self) -> list[Ligne]:
        return [*self.lignes, self.total]


def _part(sommes, oui, sur):
    return services.part(sommes[oui], sommes[sur]) if sommes[sur] >= SEUIL else None


def _lignes(entrees) -> tuple[list[Ligne], Ligne]:
    """`entrees` : (cle, libelle, sommes, lien, objet). Masque les cases sous le seuil et celles que le total
    permettrait de retrouver ; renvoie les lignes et le total."""
    vides = dict.fromkeys(services.CHAMPS_SOMMES, 0)
    bruts = [{"i": i, "marge": 0, "reponses": (s or vides)["reponses"]} for i, (_, _, s, _, _) in enumerate(entrees)]
    # Une case vide (aucun avis) est masquée mais ne protège personne : elle n'entre pas dans le masquage
    # secondaire, qui ne masque une autre case que si les cases masquées somment de 1 à 4 avis.
    non_vides = [b for b in bruts if b["reponses"]]
    masques = {b["i"]: b for b in masquer(non_vides, total="reponses", groupes=[], marges=[("marge",)])}
    masques = [masques.get(b["i"], {"reponses": None}) for b in bruts]
    lignes = []
    cumul = dict(vides)
    for (cle, libelle, sommes, lien, objet), masque in zip(entrees, masques, strict=True):
        sommes = sommes or vides
        for champ in services.CHAMPS_SOMMES:
            cumul[champ] += sommes[champ] or 0
        if masque["reponses"] is None:
            lignes.append(Ligne(cle, libelle, None, masquee=True, lien=lien, objet=objet))
            continue
        lignes.append(_ligne(cle, libelle, sommes, lien, objet))
    total = (
        _ligne("total", "Total", cumul) if cumul["reponses"] >= SEUIL else Ligne("total", "Total", None, masquee=True)
    )
    return lignes, total


def _ligne(cle, libelle, sommes, lien="", objet=None) -> Ligne:
    return Ligne(
        cle,
        libelle,
        sommes["reponses"],
        part_satisfaits=_part(sommes, "satisfaits", "reponses"),
        part_resolu=_part(sommes, "resolu_oui", "resolu_reponses"),
        part_reviendrait=_part(sommes, "reviendrait_oui", "reviendrait_reponses"),
        lien=lien,
        objet=objet,
    )


def national(periode, lien_departement) -> Tableau:
    sommes = services.sommes(periode, "departement_id")
    departements = Departement.objects.filter(pk__in=list(sommes)).order_by("code")
    entrees = [(d.code, f"{d.code} — {d.nom}", sommes[d.pk], lien_departement(d), d) for d in departements]
    t = Tableau("Satisfaction des usagers — national", "national", "Département", periode)
    t.lignes, t.total = _lignes(entrees)
    return t


def departement(departement, periode, lien_structure) -> Tableau:
    structures = Structure.objects.filter(commune__departement=departement)
    sommes = services.sommes(periode, "structure_id", filtres={"departement": departement})
    retenues = structures.filter(pk__in=list(sommes)).order_by("nom")
    entrees = [(s.matricule, s.nom, sommes.get(s.pk), lien_structure(s), s) for s in retenues]
    t = Tableau(f"Satisfaction des usagers — {departement.code} {departement.nom}", "departement", "Structure", periode)
    t.lignes, t.total = _lignes(entrees)
    return t


def structure(structure, periode) -> Tableau:
    sommes = services.sommes(periode, "mois", filtres={"structure": structure})
    entrees = []
    mois = periode.debut
    while mois <= periode.fin:
        entrees.append((f"{mois:%Y-%m}", f"{MOIS[mois.month - 1]} {mois.year}", sommes.get(mois), "", None))
        mois = decaler_mois(mois, 1)
    t = Tableau(f"Satisfaction des usagers — {structure.nom}", "structure", "Mois", periode)
    t.lignes, t.total = _lignes(entrees)
    return t


def _pourcent(valeur):
    return "" if valeur is None else f"{valeur * 100:.1f}".replace(".", ",")


def en_csv(t: Tableau) -> str:
    """Le tableau en CSV (séparateur « ; », parts en pour cent) ; une case sous le secret vaut « secret »."""
    flux = io.StringIO()
    ecrivain = EcrivainCsv(flux, delimiter=";")
    ecrivain.writerow([f"période {t.periode.libelle}"])
    ecrivain.writerow(["code", t.colonne.lower(), "avis", "satisfaits (%)", "problème résolu (%)", "reviendraient (%)"])
    for ligne in [*t.lignes, t.total]:
        if ligne.masquee:
            ecrivain.writerow([ligne.cle, ligne.libelle, MASQUE, MASQUE, MASQUE, MASQUE])
            continue
        ecrivain.writerow(
            [
                ligne.cle,
                ligne.libelle,
                ligne.reponses,
                _pourcent(ligne.part_satisfaits) or MASQUE,
                _pourcent(ligne.part_resolu) or MASQUE,
                _pourcent(ligne.part_reviendrait) or MASQUE,
            ]
        )
    return flux.getvalue()
