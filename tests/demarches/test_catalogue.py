"""Le catalogue des démarches, posé par la migration de données 0002_catalogue."""

import importlib

import pytest
from django.db.models import Count

from guichet.demarches.models import Demarche, EvenementDeVie
from guichet.reseau.models import Operateur

pytestmark = pytest.mark.django_db

catalogue = importlib.import_module("guichet.demarches.migrations.0002_catalogue")

CODES_OPERATEURS = {
    "france-travail",
    "france-titres",
    "assurance-maladie",
    "finances-publiques",
    "point-justice",
    "france-renov",
    "cheque-energie",
    "assurance-retraite",
    "msa",
    "la-poste",
    "caf",
    "urssaf",
}
CODES_EVENEMENTS = {
    "demenagement",
    "naissance",
    "perte-emploi",
    "retraite",
    "deces",
    "handicap",
    "separation",
    "etudes",
    "creation-entreprise",
    "logement",
}


def test_au_moins_huit_demarches_par_operateur_national():
    comptes = dict(Operateur.objects.filter(national=True).annotate(n=Count("demarches")).values_list("code", "n"))
    assert set(comptes) == CODES_OPERATEURS
    trop_peu = {code: n for code, n in comptes.items() if n < 8}
    assert not trop_peu
    # Chaque opérateur : exactement les démarches de la migration, toutes actives.
    for code, demarches in catalogue.CATALOGUE.items():
        assert comptes[code] == len(demarches)
    assert not Demarche.objects.filter(active=False).exists()


def test_evenements_de_vie_aux_codes_du_contrat_et_tous_relies():
    assert set(EvenementDeVie.objects.values_list("code", flat=True)) == CODES_EVENEMENTS
    assert EvenementDeVie.objects.get(code="demenagement").libelle == "Je déménage"
    assert EvenementDeVie.objects.get(code="naissance").libelle == "J'attends un enfant"
    assert EvenementDeVie.objects.get(code="deces").libelle == "Décès d'un proche"
    sans_demarche = EvenementDeVie.objects.annotate(n=Count("demarches")).filter(n=0)
    assert not sans_demarche.exists()
    # Au moins deux opérateurs pour chaque événement : un parcours, pas une démarche isolée.
    for evenement in EvenementDeVie.objects.all():
        assert evenement.demarches.values("operateur").distinct().count() >= 2, evenement.code


def test_sigles_dans_les_mots_cles():
    def mots(operateur, code):
        return Demarche.objects.get(operateur__code=operateur, code=code).mots_cles.split()

    assert "APL" in mots("caf", "aide-logement")
    assert "RSA" in mots("caf", "rsa")
    assert "AAH" in mots("caf", "aah")
    assert {"CSS", "CMU"} <= set(mots("assurance-maladie", "css"))
    assert "NIR" in mots("assurance-maladie", "affiliation")
    assert {"CNI", "ANTS"} <= set(mots("france-titres", "pre-demande-cni"))
    assert "PAS" in mots("finances-publiques", "prelevement-source")
    assert "ASPA" in mots("assurance-retraite", "aspa")


def test_codes_uniques_et_mots_cles_dans_la_longueur_du_champ():
    longueur = Demarche._meta.get_field("mots_cles").max_length
    for demarches in catalogue.CATALOGUE.values():
        codes = [d[0] for d in demarches]
        assert len(codes) == len(set(codes))
        assert all(len(d[2]) <= longueur for d in demarches)


def test_migration_reversible():
    from django.apps import apps as apps_courantes

    avant = Demarche.objects.count()
    catalogue.supprimer(apps_courantes, None)
    assert not Demarche.objects.filter(operateur__code__in=CODES_OPERATEURS).exists()
    assert not EvenementDeVie.objects.exists()
    catalogue.creer(apps_courantes, None)
    assert Demarche.objects.count() == avant
    assert EvenementDeVie.objects.count() == len(CODES_EVENEMENTS)
