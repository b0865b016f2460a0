from datetime import date

import pytest

from guichet.reseau.models import Structure
from tests.comptes.monde import construire_monde


def labelliser(structure, jour, statut=Structure.Statut.LABELLISEE):
    structure.changer_statut(statut, date=date.fromisoformat(jour))


@pytest.fixture
def monde(db):
    """Le monde des droits : a1 labellisée le 1er juillet 2026, a2 toute l'année, b (autre département) un bus
    labellisé en 2026."""
    m = construire_monde()
    labelliser(m.a1, "2026-07-01")
    labelliser(m.a2, "2021-02-01")
    m.b.forme = Structure.Forme.ITINERANTE
    m.b.save()
    labelliser(m.b, "2026-07-01")
    return m
