"""La démonstration (versements 2026 faits en partie, conventions en deux versions) et les blocs de « Mon espace »."""

from decimal import Decimal

import pytest

from guichet.accueil import blocs_pour
from guichet.conventions import demo as demo_conventions
from guichet.conventions.models import Convention
from guichet.financement import demo as demo_financement
from guichet.financement import services
from guichet.financement.models import Bareme, Versement
from guichet.reseau import demo as demo_reseau
from tests.reseau.test_demo import geographie  # noqa: F401  (fixture)


def test_demonstration_versements_et_conventions(geographie):  # noqa: F811
    demo_reseau.peupler()
    Bareme.objects.all().delete()  # la démonstration repose les barèmes, comme après un vidage de la base
    bilan = demo_financement.peupler()
    assert Bareme.objects.get(annee=2026).forfait == Decimal("30000.00")
    subvention = services.subvention(2026, demo_financement._structures())
    assert bilan["versements de la subvention"] == Versement.objects.count() > 0
    total = subvention.total
    assert 0 < total.verse < total.du  # versée en partie
    assert any(ligne.reste == 0 for ligne in subvention.lignes)
    assert any(ligne.verse == 0 for ligne in subvention.lignes)

    bilan = demo_conventions.peupler()
    assert bilan["conventions-cadres (deux versions chacune)"] == 3  # 01, 19, 74
    assert Convention.objects.count() == 6
    assert Convention.objects.filter(version=2, precedente__isnull=False).count() == 3
    # Relancée, elle remplace la précédente (les versements protègent les structures : nettoyés d'abord).
    demo_conventions.nettoyer()
    demo_financement.nettoyer()
    demo_reseau.peupler()
    demo_financement.peupler()
    demo_conventions.peupler()
    assert Convention.objects.count() == 6


@pytest.mark.django_db
def test_blocs_de_mon_espace(monde):
    def titres(user):
        return {bloc.titre: bloc for bloc in blocs_pour(user)}

    national = titres(monde.national)
    assert "Conventions-cadres départementales" in national
    bloc = next(b for t, b in national.items() if t.startswith("Subvention de fonctionnement"))
    assert bloc.chiffres[0].libelle == "Dû"
    prefecture = titres(monde.prefecture_a)
    assert any(t.startswith("Subvention de fonctionnement") for t in prefecture)
    assert "Conventions-cadres départementales" in prefecture
    for personne in ("gestionnaire_a1", "conseiller_a1", "referent_caf_a", "auditeur_a", "staff", "sans_role"):
        vus = titres(getattr(monde, personne))
        assert not any(t.startswith("Subvention") or t.startswith("Conventions") for t in vus), personne
