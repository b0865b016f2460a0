from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from guichet.activite import demo
from guichet.activite.models import Accompagnement, Resultat
from guichet.reseau import demo as demo_reseau
from tests.territoires.factories import CantonFactory, CommuneFactory, DepartementFactory


@pytest.fixture
def reseau_demo(db):
    for code in ("01", "19"):
        departement = DepartementFactory(code=code)
        for i in range(8):
            commune = CommuneFactory(departement=departement, latitude=45 + i * 0.05, longitude=5 + i * 0.05)
            if i < 3:
                CantonFactory(departement=departement, bureau_centralisateur=commune)
    demo_reseau.peupler()


def test_accompagnements_de_demonstration(reseau_demo):
    bilan = demo.peupler()
    lignes = Accompagnement.objects.all()
    assert bilan == {"accompagnements": lignes.count()}
    assert 300 < lignes.count() < 5000
    # Seulement les structures de démonstration du département 01, saisies par leurs agents.
    assert set(lignes.values_list("structure__commune__departement__code", flat=True)) == {"01"}
    assert not lignes.filter(agent__isnull=True).exists()
    assert all(
        a.agent.habilitations.filter(structure=a.structure).exists() for a in lignes.select_related("agent")[:50]
    )
    maintenant = timezone.now()
    assert not lignes.filter(le__gt=maintenant).exists()
    assert not lignes.filter(le__lt=maintenant - timedelta(weeks=demo.SEMAINES, days=1)).exists()
    # La répartition nationale, à quelques points près ; environ 80 % résolus sur place.
    n = lignes.count()
    parts = Counter(lignes.values_list("operateur__code", flat=True))
    assert parts.most_common(1)[0][0] in {"france-titres", "caf", "assurance-maladie"}
    assert abs(parts["france-titres"] / n - 0.19) < 0.05
    assert 0.7 < lignes.filter(resultat=Resultat.RESOLU).count() / n < 0.88
    # Les démarches appartiennent à l'opérateur de l'accompagnement.
    assert not lignes.exclude(demarche__isnull=True).exclude(demarche__operateur=F("operateur")).exists()
    # Le compte conseiller@ a des saisies récentes : suggestions et « Comme la dernière fois » ont de quoi faire.
    assert lignes.filter(agent__email=f"conseiller@{demo_reseau.DOMAINE}").exists()


def test_relancer_remplace_sans_doublon(reseau_demo):
    premier = demo.peupler()
    assert demo.peupler() == premier
    assert Accompagnement.objects.count() == premier["accompagnements"]
    # Avant de recréer le réseau, nettoyer() libère les structures de démonstration (PROTECT).
    assert demo.nettoyer() == premier["accompagnements"]
    demo_reseau.peupler()
    assert demo.peupler() == premier


def test_sans_reseau_rien(db):
    assert demo.peupler() == {}
