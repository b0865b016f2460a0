"""La subvention d'une année lue en base : historique des statuts, versements, totaux, requêtes par lots."""

from datetime import date
from decimal import Decimal

import pytest

from guichet.financement import services
from guichet.financement.models import Bareme, SourceFinancement, Versement
from guichet.reseau.models import Structure
from tests.financement.conftest import labelliser
from tests.reseau.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_lignes_du_verse_reste(monde):
    Versement.objects.create(
        structure=monde.a2,
        annee=2026,
        source=SourceFinancement.objects.get(code="fnadt"),
        date=date(2026, 3, 1),
        montant=Decimal("10000.00"),
        reference="M-1",
    )
    subvention = services.subvention(2026)
    lignes = {ligne.matricule: ligne for ligne in subvention.lignes}
    assert lignes[monde.a1.matricule].du.total == Decimal("15123.29")
    assert lignes[monde.a2.matricule].du.total == Decimal("30000.00")
    assert lignes[monde.a2.matricule].reste == Decimal("20000.00")
    assert lignes[monde.b.matricule].du.total == Decimal("45123.29")  # bus, première année
    total = subvention.total
    assert (total.du, total.verse, total.reste) == (
        Decimal("90246.58"),
        Decimal("10000.00"),
        Decimal("80246.58"),
    )
    par_source = {t.libelle: t for t in subvention.par_source()}
    assert par_source["Banque des Territoires"].du == Decimal("30000.00")
    assert par_source["FNADT"].verse == Decimal("10000.00")
    assert sum(t.du for t in par_source.values()) == total.du
    assert sum(t.du for t in subvention.par_region()) == total.du


def test_suspension_inscrite_dans_l_historique(monde):
    labelliser(monde.a2, "2026-03-01", Structure.Statut.SUSPENDUE)
    labelliser(monde.a2, "2026-03-31")
    assert services.ligne_de(monde.a2, 2026).du.jours == 335


def test_date_de_labellisation_sans_historique(monde):
    s = StructureFactory(commune=monde.a1.commune, date_labellisation=date(2026, 7, 1))
    assert services.ligne_de(s, 2026).du.total == Decimal("15123.29")
    assert services.ligne_de(s, 2025) is None  # ni dû ni versement


def test_antenne_sans_forfait_propre(monde):
    antenne = StructureFactory(
        commune=monde.a1.commune, format=Structure.Format.ANTENNE, date_labellisation=date(2020, 1, 1)
    )
    assert services.ligne_de(antenne, 2026) is None


def test_bareme_manquant_message_clair(monde):
    with pytest.raises(services.BaremeManquant, match="Aucun barème de la subvention pour 2031"):
        services.subvention(2031)


def test_requetes_par_lots(monde, django_assert_max_num_queries):
    services.subvention(2026)  # pour chauffer les caches de Django (types de contenu…)
    for i in range(20):
        s = StructureFactory(commune=monde.a1.commune)
        labelliser(s, f"2026-01-{i + 1:02d}")
    with django_assert_max_num_queries(5):
        subvention = services.subvention(2026)
        total = subvention.total
    assert len(subvention.lignes) == 23 == total.sites


def test_bareme_changeable_par_decision(monde):
    Bareme.objects.filter(annee=2026).update(forfait=Decimal("36500.00"))
    assert services.ligne_de(monde.a1, 2026).du.total == Decimal("18400.00")  # 36 500 × 184 / 365


def test_le_service_reverifie_le_reste_du(monde):
    # Deux saisies ouvertes en même temps : la seconde, validée par son formulaire, est refusée par le service.
    from django.core.exceptions import ValidationError

    fnadt = SourceFinancement.objects.get(code="fnadt")
    options = {"structure": monde.a1, "annee": 2026, "source": fnadt, "date": date(2026, 3, 1), "auteur": None}
    services.enregistrer_versement(montant=Decimal("15000.00"), reference="A", **options)
    with pytest.raises(ValidationError, match="dépasse le reste dû"):
        services.enregistrer_versement(montant=Decimal("200.00"), reference="B", **options)
    assert Versement.objects.count() == 1
