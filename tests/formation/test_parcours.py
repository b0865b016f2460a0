"""Le parcours en données versionnées : la version initiale posée par la migration, et son évolution."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from guichet.formation import services
from guichet.formation.models import Modalite, Module, Parcours, Partie
from guichet.reseau.models import Operateur
from tests.comptes.factories import HabilitationFactory
from tests.formation.factories import former, parcours

pytestmark = pytest.mark.django_db


def test_la_version_initiale_fait_5_jours_et_demi_en_presentiel():
    version = parcours()
    assert version is not None and version.publie
    socle = version.modules.filter(partie=Partie.SOCLE)
    metiers = version.modules.filter(partie=Partie.METIERS)
    demi = lambda modules: sum((m.demi_journees for m in modules if m.modalite == Modalite.PRESENTIEL), Decimal(0))  # noqa: E731
    assert demi(socle) == 5  # 2,5 jours
    assert demi(metiers) == 6  # 3 jours
    assert socle.filter(modalite=Modalite.EN_LIGNE).count() >= 1  # les modules en ligne obligatoires
    assert version.modules.filter(partie=Partie.CONTINUE).exists()


def test_un_module_metier_par_operateur_national_organise_par_evenements_de_vie():
    metiers = parcours().modules.filter(partie=Partie.METIERS)
    assert set(metiers.values_list("operateur__code", flat=True)) == set(
        Operateur.objects.filter(national=True).values_list("code", flat=True)
    )
    assert "J'attends un enfant" in metiers.get(operateur__code="caf").evenements_de_vie
    assert all(m.evenements_de_vie for m in metiers)


def test_la_formation_continue_ne_compte_pas_pour_etre_forme():
    codes = services.codes_initiaux()
    assert codes and not any(code.startswith("continue-") for code in codes)


def _nouvelle_version(date_effet, publie=True, module_en_plus=True):
    ancienne = parcours()
    version = Parcours.objects.create(
        code=f"v-{date_effet}", titre="Nouvelle version", date_effet=date_effet, publie=publie
    )
    for m in ancienne.modules.all():
        m.pk, m.parcours = None, version
        m.save()
    if module_en_plus:
        Module.objects.create(
            parcours=version,
            code="socle-accessibilite",
            titre="Accessibilité numérique",
            partie=Partie.SOCLE,
            demi_journees=1,
        )
    return version


def test_une_version_publiee_en_vigueur_remplace_la_precedente_et_garde_les_codes():
    structure = HabilitationFactory(conseiller=True)
    agent = structure.utilisateur
    former(agent, structure.structure)
    assert services.etat_du_parcours(agent).forme

    # Un brouillon, ou une version publiée mais pas encore en vigueur, ne change rien.
    _nouvelle_version(timezone.localdate() - timedelta(days=1), publie=False)
    _nouvelle_version(timezone.localdate() + timedelta(days=30))
    assert services.etat_du_parcours(agent).forme

    # En vigueur : les modules déjà suivis comptent (même code), le nouveau reste à faire.
    nouvelle = _nouvelle_version(timezone.localdate())
    etat = services.etat_du_parcours(agent)
    assert etat.parcours == nouvelle
    assert not etat.forme
    assert [ligne.module.code for ligne in etat.restants] == ["socle-accessibilite"]
    assert services.agents_formes([agent]) == set()
