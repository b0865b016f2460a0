"""Outils partagés des bancs d'essai : bases (temporaire, PostgreSQL de banc), réseau synthétique, client national,
percentiles."""

import os
import statistics
import sys
import tempfile
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]


def preparer_django(base_temporaire=True):
    """Configure Django sur une base SQLite temporaire (sauf si DATABASE_URL est donné) et migre."""
    sys.path.insert(0, str(RACINE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")
    os.environ.setdefault("DEBUG", "true")
    if base_temporaire and "DATABASE_URL" not in os.environ:
        os.environ["GUICHET_DATA_DIR"] = tempfile.mkdtemp(prefix="guichet-bench-")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def percentiles(durees_ms):
    d = sorted(durees_ms)
    q = statistics.quantiles(d, n=100, method="inclusive")
    return {
        "n": len(d),
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "max": d[-1],
        "moyenne": statistics.fmean(d),
    }


def afficher(titre, mesures, unite="ms"):
    print(
        f"{titre} : n={mesures['n']}  p50={mesures['p50']:.2f} {unite}  p95={mesures['p95']:.2f} {unite}  "
        f"p99={mesures['p99']:.2f} {unite}  max={mesures['max']:.2f} {unite}"
    )


def base_postgresql_de_banc(prefixe):
    """Règle l'environnement d'un banc PostgreSQL comme en production, dans une base dont le nom commence
    par `prefixe` (créée au besoin, jamais une autre : DATABASE_URL peut changer l'hôte, le compte et la fin
    du nom). Rend le nom de la base."""
    from urllib.parse import urlsplit, urlunsplit

    url = os.environ.get("DATABASE_URL", f"postgres://guichet:guichet@127.0.0.1:5432/{prefixe}")
    morceaux = urlsplit(url)
    base = morceaux.path.lstrip("/")
    if not morceaux.scheme.startswith("postgres") or not base.startswith(prefixe):
        sys.exit(f"Ce banc n'écrit que dans une base PostgreSQL {prefixe}… (DATABASE_URL={url}).")
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # comme en production : gabarits en cache, pas de journal SQL
    os.environ.setdefault("SECRET_KEY", "banc-d-essai-" * 4)
    os.environ.setdefault("GUICHET_CLES_JOURNAL", "banc:" + "banc-d-essai-" * 4)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import psycopg

    with psycopg.connect(urlunsplit(morceaux._replace(path="/postgres")), autocommit=True) as connexion:
        if not connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [base]).fetchone():
            connexion.execute(f'CREATE DATABASE "{base}"')
            print(f"Base {base} créée.")
    return base


def reseau_de_banc(nombre, regions=1):
    """Un réseau synthétique : 101 départements répartis sur `regions` régions, une commune chacun, `nombre`
    structures labellisées (FS-BANC-…) ; rend leurs clés, dans l'ordre de création."""
    from guichet.reseau.models import Structure
    from guichet.territoires.models import Commune, Departement, Region

    codes = ("99", "98", "97", "96")[:regions]
    les_regions = [
        Region.objects.get_or_create(code=code, defaults={"nom": f"Région de banc {code}"})[0] for code in codes
    ]
    for i in range(1, 102):
        code = f"{i:02d}" if i < 96 else f"97{i - 95}"
        departement, _ = Departement.objects.get_or_create(
            code=code, defaults={"nom": f"Banc {code}", "region": les_regions[i % regions]}
        )
        Commune.objects.get_or_create(
            code=f"{code}B01"[:5], defaults={"nom": f"Ville {code}", "departement": departement}
        )
    communes = list(Commune.objects.filter(code__contains="B").order_by("code"))
    existantes = Structure.objects.filter(matricule__startswith="FS-BANC-").count()
    Structure.objects.bulk_create(
        [
            Structure(
                matricule=f"FS-BANC-{i:05d}",
                nom=f"France services de banc {i}",
                commune=communes[i % len(communes)],
                latitude=45.0,
                longitude=2.0,
                statut=Structure.Statut.LABELLISEE,
            )
            for i in range(existantes, nombre)
        ],
        batch_size=1000,
    )
    return list(Structure.objects.filter(matricule__startswith="FS-BANC-").order_by("pk").values_list("pk", flat=True))


def client_national():
    """Un client de test de Django connecté comme membre de l'équipe nationale, second facteur validé, dans un
    environnement de test (fichiers statiques sans manifeste)."""
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from guichet.comptes.models import Habilitation, Role, Utilisateur

    setup_test_environment()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    national, _ = Utilisateur.objects.get_or_create(email="banc-national@banc.invalid")
    Habilitation.objects.get_or_create(utilisateur=national, role=Role.NATIONAL)
    appareil = TOTPDevice.objects.filter(user=national).first() or TOTPDevice.objects.create(
        user=national, name="banc", confirmed=True
    )
    client = Client()
    client.force_login(national, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    return client
