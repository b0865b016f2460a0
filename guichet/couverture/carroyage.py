"""La couche fine de population : les carreaux de 200 m de l'INSEE (Filosofi), quand un utilisateur la fournit.

`guichet import_carroyage FICHIER.csv` lit le CSV (séparateur « , » ou « ; ») ligne à ligne — la mémoire ne
tient que des tableaux compacts, jamais les lignes — avec deux colonnes : l'identifiant du carreau
(`Idcar_200m`, « CRS3035RES200mN2029800E4252400 » : coin sud-ouest en Lambert azimutal équivalent européen,
EPSG:3035) et le nombre d'habitants (`Ind`). Une ligne fautive arrête l'import en la nommant (rien n'est
écrit). Les centres des carreaux, convertis en latitude et longitude (formules inverses de Snyder sur
l'ellipsoïde GRS80), sont rangés dans `carroyage.npz` du dossier des données. Chaque carreau est rattaché à
la commune dont la mairie est la plus proche (son département pour les chiffres par département) : une
approximation au bord des communes, dite dans le rapport.
"""

import csv
import io
import math
import re
from array import array
from pathlib import Path

import numpy as np
from django.conf import settings
from scipy.spatial import cKDTree

from guichet.couverture.donnees import Origines, lire_origines
from guichet.couverture.estimation import sur_la_sphere

NOM_FICHIER = "carroyage.npz"
IDENTIFIANT = re.compile(r"^CRS3035RES(\d+)mN(\d+)E(\d+)$")
COLONNES_ID = ("idcar_200m", "idcar", "id_carreau")
COLONNES_POP = ("ind", "ind_c", "population")

# EPSG:3035 (ETRS89-LAEA) : ellipsoïde GRS80, origine 52° N 10° E, fausses coordonnées 4 321 000 / 3 210 000.
A, E2 = 6378137.0, 0.0066943800229
E = math.sqrt(E2)
LAT0, LON0, FE, FN = math.radians(52.0), math.radians(10.0), 4321000.0, 3210000.0


def _q(phi):
    s = math.sin(phi)
    return (1 - E2) * (s / (1 - E2 * s * s) - (1 / (2 * E)) * math.log((1 - E * s) / (1 + E * s)))


QP = _q(math.pi / 2)
BETA1 = math.asin(_q(LAT0) / QP)
RQ = A * math.sqrt(QP / 2)
D = A * (math.cos(LAT0) / math.sqrt(1 - E2 * math.sin(LAT0) ** 2)) / (RQ * math.cos(BETA1))


def laea_vers_latlon(est, nord):
    """Coordonnées EPSG:3035 (mètres) → (latitude, longitude) en degrés, vectorisé."""
    x, y = np.asarray(est, dtype=float) - FE, np.asarray(nord, dtype=float) - FN
    rho = np.hypot(x / D, D * y)
    rho = np.where(rho == 0, 1e-9, rho)
    c = 2 * np.arcsin(np.clip(rho / (2 * RQ), -1, 1))
    q = QP * (np.cos(c) * math.sin(BETA1) + D * y * np.sin(c) * math.cos(BETA1) / rho)
    lam = LON0 + np.arctan2(
        x * np.sin(c), D * rho * math.cos(BETA1) * np.cos(c) - D * D * y * math.sin(BETA1) * np.sin(c)
    )
    beta = np.arcsin(np.clip(q / QP, -1, 1))
    e4, e6 = E2 * E2, E2 * E2 * E2
    phi = (
        beta
        + (E2 / 3 + 31 * e4 / 180 + 517 * e6 / 5040) * np.sin(2 * beta)
        + (23 * e4 / 360 + 251 * e6 / 3780) * np.sin(4 * beta)
        + (761 * e6 / 45360) * np.sin(6 * beta)
    )
    return np.degrees(phi), np.degrees(lam)


class CarroyageInvalide(ValueError):
    pass


def lire_csv(chemin) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(latitudes, longitudes, habitants) des centres des carreaux ; CarroyageInvalide nomme la ligne fautive."""
    chemin = Path(chemin)
    if not chemin.is_file():
        raise CarroyageInvalide(f"Fichier introuvable : {chemin.name}.")
    est, nord, habitants = array("d"), array("d"), array("d")
    with open(chemin, encoding="utf-8-sig", newline="") as flux:
        entete = flux.readline()
        separateur = ";" if entete.count(";") > entete.count(",") else ","
        colonnes = [c.strip().strip('"').lower() for c in next(csv.reader(io.StringIO(entete), delimiter=separateur))]
        i_id = next((colonnes.index(c) for c in COLONNES_ID if c in colonnes), None)
        i_pop = next((colonnes.index(c) for c in COLONNES_POP if c in colonnes), None)
        if i_id is None or i_pop is None:
            raise CarroyageInvalide(
                "Ligne 1 : colonnes attendues : l'identifiant du carreau (Idcar_200m) et les habitants (Ind)."
            )
        for numero, ligne in enumerate(csv.reader(flux, delimiter=separateur), start=2):
            if not ligne or not any(ligne):
                continue
            if len(ligne) <= max(i_id, i_pop):
                raise CarroyageInvalide(f"Ligne {numero} : {len(ligne)} colonnes, il en faut {max(i_id, i_pop) + 1}.")
            identifiant = IDENTIFIANT.match(ligne[i_id].strip())
            if identifiant is None:
                raise CarroyageInvalide(f"Ligne {numero} : identifiant de carreau illisible « {ligne[i_id][:40]} ».")
            try:
                n = float(ligne[i_pop].replace(",", "."))
            except ValueError:
                raise CarroyageInvalide(
                    f"Ligne {numero} : nombre d'habitants illisible « {ligne[i_pop][:20]} »."
                ) from None
            if not 0 <= n < 1e6 or math.isnan(n):
                raise CarroyageInvalide(f"Ligne {numero} : nombre d'habitants invraisemblable ({n}).")
            demi = int(identifiant.group(1)) / 2
            nord.append(int(identifiant.group(2)) + demi)
            est.append(int(identifiant.group(3)) + demi)
            habitants.append(n)
    if not habitants:
        raise CarroyageInvalide("Aucun carreau dans le fichier.")
    lat, lon = laea_vers_latlon(np.frombuffer(est), np.frombuffer(nord))
    return lat, lon, np.frombuffer(habitants).copy()


def chemin_du_carroyage() -> Path:
    return Path(settings.DATA_DIR) / NOM_FICHIER


def enregistrer(lat, lon, habitants) -> Path:
    chemin = chemin_du_carroyage()
    chemin.parent.mkdir(parents=True, exist_ok=True)
    provisoire = chemin.with_suffix(".tmp.npz")
    np.savez(provisoire, lat=lat, lon=lon, habitants=habitants.astype(np.float32))
    provisoire.replace(chemin)
    return chemin


def disponible() -> bool:
    return chemin_du_carroyage().is_file()


def lire_origines_carreaux(departements=None) -> Origines:
    """Les carreaux comme origines, rattachés à la commune dont la mairie est la plus proche."""
    with np.load(chemin_du_carroyage()) as d:
        lat, lon, habitants = d["lat"], d["lon"], d["habitants"]
    communes = lire_origines()
    _, k = cKDTree(sur_la_sphere(communes.lat, communes.lon)).query(sur_la_sphere(lat, lon), k=1)
    origines = Origines(
        codes=communes.codes[k],
        noms=communes.noms[k],
        departements=communes.departements[k],
        population=np.rint(habitants).astype(np.int64),
        lat=lat,
        lon=lon,
    )
    if departements:
        origines = origines.sous_ensemble(np.isin(origines.departements, list(departements)))
    return origines
