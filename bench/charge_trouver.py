"""Banc : la page « Trouver une France services » sous gunicorn, N clients simultanés en boucle fermée.

Prérequis : la base de démonstration (`make donnees`, SQLite dans ./data, ou DATABASE_URL).
Le serveur tourne en profil production (DEBUG=false) sur 127.0.0.1 ; les clients sont des fils
Python avec connexions persistantes. Cible : p95 < 100 ms à 20 clients, zéro erreur.
"""

import argparse
import http.client
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

from _commun import RACINE, afficher, percentiles

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--clients", type=int, default=20)
parser.add_argument("--duree", type=float, default=30.0, help="secondes de mesure (après 5 s d'échauffement)")
parser.add_argument("--workers", type=int, default=2, help="workers gunicorn (défaut : un par cœur)")
parser.add_argument("--port", type=int, default=8765)
args = parser.parse_args()

env = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "banc-d-essai-" + "x" * 40),
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
}
guichet = str(RACINE / ".venv" / "bin" / "guichet")
subprocess.run([guichet, "collectstatic", "--noinput", "-v0"], check=True, env=env, cwd=RACINE)

# Les communes cherchées : un échantillon fixe de vraies communes de la base.
sys.path.insert(0, str(RACINE))
os.environ.update(env)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")
import django  # noqa: E402

django.setup()
from guichet.reseau.models import Structure  # noqa: E402
from guichet.territoires.models import Commune  # noqa: E402

nb_structures = Structure.objects.ouvertes_au_public().count()
if not nb_structures:
    sys.exit("Base vide : lancez d'abord `make donnees` (ou `guichet import_territoires` puis `guichet demo`).")
# « Nom (département) », comme la page l'affiche : un nom seul porté par plusieurs communes fait choisir
# (« Vouliez-vous dire… ») au lieu de montrer des résultats.
noms = [
    f"{nom} ({departement})"
    for nom, departement in Commune.objects.filter(population__gte=500)
    .order_by("?")
    .values_list("nom", "departement__code")[:500]
]

serveur = subprocess.Popen(
    [
        str(RACINE / ".venv" / "bin" / "gunicorn"),
        "guichet.wsgi",
        "-w",
        str(args.workers),
        "-b",
        f"127.0.0.1:{args.port}",
        "--log-level",
        "warning",
    ],
    env=env,
    cwd=RACINE,
)
try:
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/")
            break
        except OSError:
            time.sleep(0.2)
    durees, erreurs, verrou = [], [], threading.Lock()
    debut_mesure = time.monotonic() + 5
    fin = debut_mesure + args.duree

    def client(graine):
        hasard = random.Random(graine)
        connexion = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
        while (maintenant := time.monotonic()) < fin:
            chemin = "/trouver/?" + urllib.parse.urlencode({"q": hasard.choice(noms)})
            t0 = time.perf_counter()
            try:
                connexion.request("GET", chemin)
                reponse = connexion.getresponse()
                corps = reponse.read()
                ok = reponse.status == 200 and b"Les plus proches de" in corps
            except (OSError, http.client.HTTPException) as e:
                ok, reponse = False, e
                connexion = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
            duree = (time.perf_counter() - t0) * 1000
            if maintenant >= debut_mesure:
                with verrou:
                    (durees.append(duree) if ok else erreurs.append(chemin))

    fils = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
finally:
    serveur.send_signal(signal.SIGTERM)
    serveur.wait(timeout=20)

print(
    f"Base : {django.db.connection.vendor}, {nb_structures} structures labellisées ; gunicorn {args.workers} workers ; "
    f"{args.clients} clients simultanés pendant {args.duree:.0f} s ; {len(noms)} communes cherchées au hasard"
)
print(f"Débit : {len(durees) / args.duree:.1f} pages/s ; erreurs : {len(erreurs)}")
afficher("GET /trouver/?q=<commune>", percentiles(durees))
