"""Le calcul des agrégats : ensembliste (INSERT … SELECT … GROUP BY), par jours entiers.

- `recalculer(debut, fin)` refait les agrégats des jours [debut, fin] (tous départements) à partir
  des accompagnements, puis ceux des mois touchés à partir des agrégats du jour ;
- `actualiser()` trouve les jours à refaire : ceux des accompagnements créés ou modifiés depuis le
  dernier calcul (`modifie_le`, `bulk_create` compris) et ceux signalés par les suppressions et les
  déplacements (`JourARecalculer`, voir signaux.py) ; sans calcul antérieur, tout est refait ;
  le détail mensuel par structure n'est refait que pour les structures touchées ;
- `tout_recalculer()` refait tout.

La requête SELECT est écrite avec l'ORM (mêmes conditions que la lecture directe, mesures.py) puis
insérée telle quelle : sous PostgreSQL comme sous SQLite, une seule instruction par table et par
plage de jours, sans aller-retour ligne à ligne.
"""

import time as chrono
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Max, Min, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from guichet.activite.models import Accompagnement
from guichet.statistiques.mesures import CONDITIONS, NOMS, NOMS_COURTS
from guichet.statistiques.models import (
    ActiviteJour,
    ActiviteMois,
    DemarcheJour,
    DemarcheJourFrance,
    DemarcheMois,
    EtatAgregats,
    JourARecalculer,
    StructureDemarcheMois,
    StructureJour,
)
from guichet.temps import PARIS, debut_du_jour, jour_local

TABLES = (
    ActiviteJour,
    ActiviteMois,
    DemarcheJour,
    DemarcheJourFrance,
    DemarcheMois,
    StructureJour,
    StructureDemarcheMois,
)

# Une écriture enregistrée juste avant un calcul mais validée juste après n'est pas vue par lui :
# le calcul suivant relit les modifications depuis (dernier calcul − MARGE). Recalculer un jour
# deux fois ne change rien.
MARGE = timedelta(minutes=5)


def _comptes(noms):
    return {nom: Count("pk", filter=CONDITIONS[nom]) if CONDITIONS[nom] is not None else Count("pk") for nom in noms}


# Préfixe des sommes relues dans un agrégat (une annotation ne peut pas porter le nom d'un champ).
SOMME = "somme_"


def _sommes(noms):
    return {SOMME + nom: Sum(nom) for nom in noms}


def _inserer(modele, queryset):
    """INSERT INTO <table> (<colonnes>) SELECT … : chaque alias du SELECT (sans le préfixe SOMME) est
    le nom du champ de `modele` qui reçoit la colonne, dans l'ordre où le compilateur les produit."""
    compilateur = queryset.order_by().query.get_compiler(connection=connection)
    sql, params = compilateur.as_sql()
    colonnes = [alias.removeprefix(SOMME) for _, _, alias in compilateur.select]
    noms = ", ".join(connection.ops.quote_name(modele._meta.get_field(c).column) for c in colonnes)
    with connection.cursor() as curseur:
        curseur.execute(f"INSERT INTO {connection.ops.quote_name(modele._meta.db_table)} ({noms}) {sql}", params)
        return max(curseur.rowcount, 0)


def _source(debut: date, fin: date):
    """Les accompagnements des jours locaux [debut, fin], avec leur jour et leur département."""
    return Accompagnement.objects.filter(
        le__gte=debut_du_jour(debut), le__lt=debut_du_jour(fin + timedelta(days=1))
    ).annotate(jour=TruncDate("le", tzinfo=PARIS), departement=F("structure__commune__departement_id"))


def premier_du_mois(jour: date) -> date:
    return jour.replace(day=1)


def mois_suivant(mois: date) -> date:
    return (mois.replace(day=28) + timedelta(days=4)).replace(day=1)


def _recalculer_mois(premier: date, dernier: date) -> int:
    """Les agrégats mensuels des mois [premier, dernier] (premiers jours), depuis les agrégats du jour."""
    fin = mois_suivant(dernier)
    ActiviteMois.objects.filter(mois__gte=premier, mois__lt=fin).delete()
    DemarcheMois.objects.filter(mois__gte=premier, mois__lt=fin).delete()
    jours = {"jour__gte": premier, "jour__lt": fin}
    lignes = _inserer(
        ActiviteMois,
        ActiviteJour.objects.filter(**jours)
        .values("departement", "operateur", mois=TruncMonth("jour"))
        .annotate(**_sommes(NOMS)),
    )
    lignes += _inserer(
        DemarcheMois,
        DemarcheJour.objects.filter(**jours)
        .values("departement", "operateur", "demarche", mois=TruncMonth("jour"))
        .annotate(**_sommes(NOMS_COURTS)),
    )
    return lignes


def recalculer_structures_mois(premier: date, dernier: date, structures=None) -> int:
    """Le détail opérateur × démarche des mois [premier, dernier] (premiers jours), depuis les
    accompagnements : pour les structures données, ou toutes (None)."""
    fin = mois_suivant(dernier)
    anciennes = StructureDemarcheMois.objects.filter(mois__gte=premier, mois__lt=fin)
    source = Accompagnement.objects.filter(le__gte=debut_du_jour(premier), le__lt=debut_du_jour(fin))
    if structures is not None:
        anciennes = anciennes.filter(structure_id__in=structures)
        source = source.filter(structure_id__in=structures)
    anciennes.delete()
    return _inserer(
        StructureDemarcheMois,
        source.values(
            "structure",
            "operateur",
            "demarche",
            departement=F("structure__commune__departement_id"),
            mois=TruncMonth("le", tzinfo=PARIS, output_field=DateField()),
        ).annotate(**_comptes(NOMS_COURTS)),
    )


def recalculer(debut: date, fin: date, mois: bool = True) -> int:
    """Refait les agrégats des jours [debut, fin] puis (si `mois`) des mois qui les contiennent ;
    renvoie le nombre de lignes écrites."""
    with transaction.atomic():
        for modele in (ActiviteJour, DemarcheJour, DemarcheJourFrance, StructureJour):
            modele.objects.filter(jour__gte=debut, jour__lte=fin).delete()
        source = _source(debut, fin)
        lignes = _inserer(
            ActiviteJour,
            source.values("jour", "departement", "operateur").annotate(**_comptes(NOMS)),
        )
        lignes += _inserer(
            DemarcheJour,
            source.values("jour", "departement", "operateur", "demarche").annotate(**_comptes(NOMS_COURTS)),
        )
        lignes += _inserer(
            DemarcheJourFrance,
            DemarcheJour.objects.filter(jour__gte=debut, jour__lte=fin)
            .values("jour", "operateur", "demarche")
            .annotate(**_sommes(NOMS_COURTS)),
        )
        lignes += _inserer(
            StructureJour,
            source.values("jour", "structure", "departement").annotate(**_comptes(NOMS)),
        )
        if mois:
            lignes += _recalculer_mois(premier_du_mois(debut), premier_du_mois(fin))
            lignes += recalculer_structures_mois(premier_du_mois(debut), premier_du_mois(fin))
    return lignes


def plages(jours) -> list[tuple[date, date]]:
    """Regroupe des jours en plages consécutives : {1, 2, 3, 7} → [(1, 3), (7, 7)]."""
    resultat = []
    for jour in sorted(set(jours)):
        if resultat and jour - resultat[-1][1] == timedelta(days=1):
            resultat[-1] = (resultat[-1][0], jour)
        else:
            resultat.append((jour, jour))
    return resultat


def plages_de_mois(plages_de_jours) -> list[tuple[date, date]]:
    """Les mois touchés par des plages de jours, regroupés en plages de mois consécutifs (premiers jours)."""
    mois = set()
    for debut, fin in plages_de_jours:
        m = premier_du_mois(debut)
        while m <= fin:
            mois.add(m)
            m = mois_suivant(m)
    resultat = []
    for m in sorted(mois):
        if resultat and mois_suivant(resultat[-1][1]) == m:
            resultat[-1] = (resultat[-1][0], m)
        else:
            resultat.append((m, m))
    return resultat


@dataclass
class Bilan:
    complet: bool = False
    jours: int = 0
    lignes: int = 0
    duree_ms: int = 0
    plages: list = field(default_factory=list)

    def texte(self):
        nature = "Recalcul complet" if self.complet else "Mise à jour"
        return (
            f"{nature} : {self.jours} jour(s) en {len(self.plages)} plage(s), {self.lignes} ligne(s) "
            f"d'agrégats écrites en {self.duree_ms} ms."
        )


def a_recalculer(etat: EtatAgregats):
    """Ce qui a bougé depuis le dernier calcul : {(jour, structure)} des accompagnements créés ou
    modifiés et des signalements (suppressions, déplacements), et les signalements à effacer une
    fois traités."""
    signales = {
        pk: (jour, structure)
        for pk, jour, structure in JourARecalculer.objects.values_list("pk", "jour", "structure_id")
    }
    modifies = (
        Accompagnement.objects.filter(modifie_le__gte=etat.jusqu_a - MARGE)
        .annotate(jour=TruncDate("le", tzinfo=PARIS))
        .values_list("jour", "structure_id")
        .order_by()
        .distinct()
    )
    return set(modifies) | set(signales.values()), list(signales)


def _etendue():
    bornes = Accompagnement.objects.aggregate(debut=Min("le"), fin=Max("le"))
    if bornes["debut"] is None:
        return None
    return jour_local(bornes["debut"]), jour_local(bornes["fin"])


def actualiser(complet: bool = False, ecrire: bool = True) -> Bilan:
    """Met les agrégats à jour (ou les refait tous si `complet`, ou s'ils n'ont jamais été calculés).
    sans `ecrire` : compte ce qui serait refait, sans rien écrire."""
    depart = chrono.perf_counter()
    with transaction.atomic():
        EtatAgregats.objects.get_or_create(pk=1)
        etat = EtatAgregats.objects.select_for_update().get(pk=1)
        instant = timezone.now()
        complet = complet or etat.jusqu_a is None
        if complet:
            etendue = _etendue()
            a_faire = [etendue] if etendue else []
            signalements = list(JourARecalculer.objects.values_list("pk", flat=True))
            touchees = None
        else:
            couples, signalements = a_recalculer(etat)
            a_faire = plages(jour for jour, _ in couples)
            touchees = {}
            for jour, structure in couples:
                touchees.setdefault(premier_du_mois(jour), set()).add(structure)
        bilan = Bilan(complet=complet, plages=a_faire, jours=sum((b - a).days + 1 for a, b in a_faire))
        if not ecrire:
            return bilan
        if complet:
            for modele in TABLES:
                modele.objects.all().delete()
        for debut, fin in a_faire:
            bilan.lignes += recalculer(debut, fin, mois=False)
        # Puis chaque mois touché, une fois, depuis les agrégats du jour ; le détail par structure
        # depuis les accompagnements, pour les structures touchées seulement.
        for premier, dernier in plages_de_mois(a_faire):
            bilan.lignes += _recalculer_mois(premier, dernier)
            if touchees is None:
                bilan.lignes += recalculer_structures_mois(premier, dernier)
        for mois, structures in sorted((touchees or {}).items()):
            bilan.lignes += recalculer_structures_mois(mois, mois, sorted(structures))
        JourARecalculer.objects.filter(pk__in=signalements).delete()
        bilan.duree_ms = round((chrono.perf_counter() - depart) * 1000)
        etat.jusqu_a = instant
        etat.calcule_le = timezone.now()
        etat.duree_ms = bilan.duree_ms
        etat.jours_recalcules = bilan.jours
        etat.save()
    return bilan


def tout_recalculer() -> Bilan:
    return actualiser(complet=True)
