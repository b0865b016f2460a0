"""Banc : la page « Trouver une France services » sous gunicorn, N clients simultanés en boucle fermée,
comparée dans la même exécution à une vue nue servie à travers le même middleware.

Prérequis : la base de démonstration (`make donnees`, SQLite dans ./data, ou DATABASE_URL).
Le serveur tourne en profil production (DEBUG=false) sur 127.0.0.1 ; les clients sont des fils
Python avec connexions persistantes. Trois phases de même durée sur le même serveur : vue nue, page
« Trouver », vue nue ; le rapport est le débit de la page sur le débit moyen de la vue nue (les deux
phases de la vue nue encadrent la page : une charge extérieure qui varie se voit à leur écart).
Cibles : rapport ≥ 0,5, p95 < 100 ms à 20 clients, zéro erreur.
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
parser.add_argument("--duree", type=float, default=20.0, help="secondes de mesure par phase (après 5 s d'échauffement)")
parser.add_argument("--workers", type=int, default=2, help="workers gunicorn (défaut : un par cœur)")
parser.add_argument("--port", type=int, default=8765)
parser.add_argument("--a-froid", action="store_true", help="mesurer sans remplir d'abord le cache des pages")
args = parser.parse_args()

env = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "banc-d-essai-" + "x" * 40),
    "GUICHET_CLES_JOURNAL": os.environ.get("GUICHET_CLES_JOURNAL", "banc:" + "banc-d-essai-" * 4),
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
    sys.exit(
        "Base vide : lancez d'abord `make donnees` "
        "(ou `guichet import_territoires --wet-run`, puis `guichet demo --wet-run`)."
    )
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
        "--pythonpath",
        str(RACINE / "bench"),
        "banc_wsgi",
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
    # Prêt quand chaque worker répond (le premier appel d'un processus importe toutes les applications).
    for _ in range(300):
        try:
            connexion = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            connexion.request("GET", "/banc/vue-nue/")
            if connexion.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)

    def page_trouver(hasard):
        return "/trouver/?" + urllib.parse.urlencode({"q": hasard.choice(noms)}), b"Les plus proches de"

    def page_nue(hasard):
        return "/banc/vue-nue/", b"Vue nue"

    def mesurer(page, duree, echauffement=0.0):
        """`args.clients` clients en boucle fermée pendant `duree` secondes : (durées en ms, erreurs)."""
        durees, erreurs, verrou = [], [], threading.Lock()
        debut_mesure = time.monotonic() + echauffement
        fin = debut_mesure + duree

        def client(graine):
            hasard = random.Random(graine)
            connexion = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
            while (maintenant := time.monotonic()) < fin:
                chemin, attendu = page(hasard)
                t0 = time.perf_counter()
                try:
                    connexion.request("GET", chemin)
                    reponse = connexion.getresponse()
                    corps = reponse.read()
                    ok = reponse.status == 200 and attendu in corps
                except (OSError, http.client.HTTPException):
                    ok = False
                    connexion = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
                duree_ms = (time.perf_counter() - t0) * 1000
                if maintenant >= debut_mesure:
                    with verrou:
                        (durees.append(duree_ms) if ok else erreurs.append(chemin))
            connexion.close()  # sinon un worker synchrone attend une requête qui ne vient pas

        fils = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for f in fils:
            f.start()
        for f in fils:
            f.join()
        return durees, erreurs

    mesurer(page_nue, 5)  # échauffement des workers, non compté

    def remplir_le_cache():
        """Chaque commune demandée trois fois (chaque worker garde ses pages : il faut que les deux la
        voient), non compté : on mesure le régime établi d'un site qui tourne, où une page reste juste
        jusqu'à la prochaine ouverture ou fermeture d'un lieu montré."""
        a_demander = [nom for nom in noms for _ in range(3)]
        verrou, debut = threading.Lock(), time.monotonic()

        def client():
            connexion = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            while True:
                with verrou:
                    if not a_demander:
                        connexion.close()
                        return
                    nom = a_demander.pop()
                try:
                    connexion.request("GET", "/trouver/?" + urllib.parse.urlencode({"q": nom}))
                    connexion.getresponse().read()
                except (OSError, http.client.HTTPException):
                    connexion = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)

        fils = [threading.Thread(target=client) for _ in range(args.clients)]
        for f in fils:
            f.start()
        for f in fils:
            f.join()
        return time.monotonic() - debut

    if not args.a_froid:
        duree_remplissage = remplir_le_cache()
    mesures = {}
    mesures["nue (avant)"] = mesurer(page_nue, args.duree)
    mesures["trouver"] = mesurer(page_trouver, args.duree)
    mesures["nue (après)"] = mesurer(page_nue, args.duree)
finally:
    serveur.send_signal(signal.SIGTERM)
    try:
        serveur.wait(timeout=40)
    except subprocess.TimeoutExpired:
        serveur.kill()
        serveur.wait()

print(
    f"Base : {django.db.connection.vendor}, {nb_structures} structures labellisées ; gunicorn {args.workers} workers ; "
    f"{args.clients} clients simultanés, {args.duree:.0f} s par phase ; {len(noms)} communes cherchées au hasard"
)
if not args.a_froid:
    print(f"Cache des pages rempli en {duree_remplissage:.1f} s ({3 * len(noms)} pages demandées, non comptées)")
debits = {}
for nom, (durees, erreurs) in mesures.items():
    debits[nom] = len(durees) / args.duree
    print(f"{nom} : débit {debits[nom]:.1f} pages/s ; erreurs : {len(erreurs)}")
    if durees:
        afficher(
            f"GET {'/trouver/?q=<commune>' if nom == 'trouver' else '/banc/vue-nue/'} ({nom})", percentiles(durees)
        )
nue = (debits["nue (avant)"] + debits["nue (après)"]) / 2
print(f"Rapport page « Trouver » / vue nue : {debits['trouver'] / nue:.2f}× (cible ≥ 0,5×)")
