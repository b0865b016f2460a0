"""L'activité ne connaît pas les applications qui la lisent : elle leur parle par des signaux."""

import ast
from pathlib import Path

import pytest

import guichet.activite
from guichet.activite import services
from guichet.activite.models import Accompagnement
from guichet.activite.signaux import accompagnements_crees

RACINE = Path(guichet.activite.__file__).parent


def _modules_importes(chemin: Path) -> set[str]:
    modules = set()
    for noeud in ast.walk(ast.parse(chemin.read_text())):
        if isinstance(noeud, ast.ImportFrom) and noeud.module:
            modules.add(noeud.module)
        elif isinstance(noeud, ast.Import):
            modules.update(alias.name for alias in noeud.names)
    return modules


def test_l_activite_n_importe_pas_les_statistiques():
    # La commande de génération de données d'essai, outil des statistiques, est la seule exception.
    fautifs = {
        str(chemin.relative_to(RACINE))
        for chemin in RACINE.rglob("*.py")
        if "management" not in chemin.parts
        and any(m.startswith("guichet.statistiques") for m in _modules_importes(chemin))
    }
    assert fautifs == set()


@pytest.mark.django_db
def test_un_lot_enregistre_est_annonce(lieux):
    recus = []

    def recevoir(sender, immediat, **kwargs):
        recus.append((sender, immediat))

    accompagnements_crees.connect(recevoir, dispatch_uid="test-lot-annonce")
    try:
        item = {
            "id": "6f1d3c1e-1111-4a3b-9c1d-000000000001",
            "structure": lieux.a1.pk,
            "operateur": "caf",
            "demarche": "prime-activite",
            "type_aide": "information",
            "resultat": "resolu",
            "canal": "telephone",
            "duree": "15_30",
        }
        services.enregistrer_lot(lieux.conseiller, [item])
        services.enregistrer_lot(lieux.conseiller, [item])  # déjà présent : rien de créé, rien d'annoncé
    finally:
        accompagnements_crees.disconnect(dispatch_uid="test-lot-annonce")
    assert recus == [(Accompagnement, False)]
