"""Outils partagés des bancs d'essai : base temporaire, percentiles."""

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
