"""Exports : les agrégats d'un tableau de bord (CSV, XLSX) et les données ouvertes (CSV, secret
statistique appliqué)."""

import io
from datetime import date

from openpyxl import Workbook

from guichet import tableurs
from guichet.reseau.models import Operateur
from guichet.statistiques import secret
from guichet.statistiques.mesures import GROUPES_PAR_CODE, NOMBRE
from guichet.statistiques.models import ActiviteMois
from guichet.statistiques.periodes import fin_du_mois
from guichet.territoires.models import Departement

ENTETES = ["Rubrique", "Libellé", "Précision", "Accompagnements", "Part (%)", "Résolus sur place", "Taux (%)"]


def _nombre(valeur):
    return "" if valeur is None else valeur


def sections(t):
    """Les lignes d'un tableau, rubrique par rubrique : (rubrique, [lignes de 7 valeurs])."""
    synthese = [
        ("Champ", t.champ.libelle, "", "", "", "", ""),
        ("Période", t.periode.libelle, f"{t.periode.debut:%d/%m/%Y} – {t.periode.fin:%d/%m/%Y}", "", "", "", ""),
        ("Accompagnements", "Période", "", t.nombre, "", t.total["resultat_resolu"], _nombre(t.taux_resolu)),
        (
            "Accompagnements",
            "Période précédente",
            t.precedente.libelle,
            t.total_precedent[NOMBRE],
            "",
            t.total_precedent["resultat_resolu"],
            _nombre(t.taux_resolu_precedent),
        ),
        ("Évolution (%)", "", "", _nombre(t.evolution), "", "", ""),
    ]
    resultat = [("Synthèse", synthese)]
    resultat.append(("Comparaisons", [_ligne_comparaison(c) for c in t.comparaisons]))
    for bloc in [t.serie, *t.blocs, *([t.repartition] if t.repartition else [])]:
        resultat.append((bloc.titre, [_ligne(bloc, ligne) for ligne in bloc.lignes]))
    return resultat


def _ligne(bloc, ligne):
    return (
        bloc.titre,
        ligne.libelle,
        ligne.detail,
        ligne.nombre,
        _nombre(ligne.part),
        _nombre(ligne.resolus),
        _nombre(ligne.taux_resolu),
    )


def _ligne_comparaison(c):
    return (
        "Comparaisons",
        c.libelle,
        f"{c.structures} structure(s) active(s), {_nombre(c.par_structure)} par structure active",
        c.nombre,
        "",
        c.resolus,
        _nombre(c.taux_resolu),
    )


def en_csv(t) -> bytes:
    """Point-virgule et BOM UTF-8 : s'ouvre tel quel dans un tableur réglé en français."""
    sortie = io.StringIO()
    ecrivain = tableurs.EcrivainCsv(sortie, delimiter=";")
    ecrivain.writerow(ENTETES)
    for _, lignes in sections(t):
        ecrivain.writerows(lignes)
    return ("\ufeff" + sortie.getvalue()).encode()


def _titre_feuille(titre, pris):
    propre = "".join(c for c in titre if c not in "[]:*?/\\")[:31]
    base, n = propre, 2
    while propre in pris:
        propre = f"{base[:28]} {n}"
        n += 1
    pris.add(propre)
    return propre


def en_xlsx(t) -> bytes:
    classeur = Workbook(write_only=True)
    pris = set()
    for titre, lignes in sections(t):
        feuille = classeur.create_sheet(_titre_feuille(titre, pris))
        feuille.append(ENTETES)
        for ligne in lignes:
            feuille.append(tableurs.ligne(ligne))
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


# Données ouvertes

COLONNES_OUVERTES = [NOMBRE, *[m.nom for code in ("resultat", "canal") for m in GROUPES_PAR_CODE[code].mesures]]
GROUPES_OUVERTS = [[m.nom for m in GROUPES_PAR_CODE[code].mesures] for code in ("resultat", "canal")]
# Marges protégées : le total d'un opérateur un mois donné (France entière), celui d'un département.
MARGES_OUVERTES = [("mois", "code_operateur"), ("mois", "code_departement")]
ENTETES_OUVERTES = ["mois", "code_departement", "departement", "code_operateur", "operateur", *COLONNES_OUVERTES]


def lignes_ouvertes(premier_mois: date, dernier_mois: date):
    """Mois entiers × département × opérateur, secret statistique appliqué."""
    # Une ligne d'ActiviteMois par mois × département × opérateur : ce sont les lignes publiées.
    brutes = ActiviteMois.objects.filter(mois__gte=premier_mois, mois__lte=fin_du_mois(dernier_mois)).values(
        "mois", "departement_id", "operateur_id", *COLONNES_OUVERTES
    )
    deps = {d.pk: d for d in Departement.objects.all()}
    ops = {o.pk: o for o in Operateur.objects.all()}
    lignes = []
    for b in brutes:
        d, o = deps.get(b["departement_id"]), ops.get(b["operateur_id"])
        if d is None or o is None:
            continue
        ligne = {
            "mois": f"{b['mois']:%Y-%m}",
            "code_departement": d.code,
            "departement": d.nom,
            "code_operateur": o.code,
            "operateur": o.nom,
        }
        ligne.update({c: b[c] for c in COLONNES_OUVERTES})
        lignes.append(ligne)
    lignes.sort(key=lambda x: (x["mois"], x["code_departement"], x["code_operateur"]))
    return secret.masquer(lignes, NOMBRE, GROUPES_OUVERTS, marges=MARGES_OUVERTES)


def donnees_ouvertes_csv(premier_mois: date, dernier_mois: date) -> bytes:
    """Virgule, UTF-8 sans BOM ; une case masquée est vide, et la colonne `secret_statistique`
    nomme les colonnes masquées de la ligne (« ligne » : toute la ligne)."""
    sortie = io.StringIO()
    ecrivain = tableurs.EcrivainCsv(sortie)
    ecrivain.writerow([*ENTETES_OUVERTES, "secret_statistique"])
    for ligne in lignes_ouvertes(premier_mois, dernier_mois):
        ecrivain.writerow([_nombre(ligne[c]) for c in ENTETES_OUVERTES] + [" ".join(ligne["masquees"])])
    return sortie.getvalue().encode()
