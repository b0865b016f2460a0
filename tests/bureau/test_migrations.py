"""Les migrations de données : liens des 12 opérateurs et guides lus dans guides.json."""

import importlib
import json

import pytest
from django.apps import apps

from guichet.bureau.models import EtapeGuide, LienOperateur
from guichet.demarches.models import Demarche
from guichet.reseau.models import Operateur

pytestmark = pytest.mark.django_db

migration_guides = importlib.import_module("guichet.bureau.migrations.0003_guides")
GUIDES = json.loads(migration_guides.FICHIER.read_text(encoding="utf-8"))["guides"]


def test_liens_des_douze_operateurs():
    nationaux = Operateur.objects.filter(national=True)
    assert nationaux.count() == 12
    for operateur in nationaux:
        liens = LienOperateur.objects.actifs().filter(operateur=operateur)
        assert liens.filter(nature=LienOperateur.Nature.SITE_PUBLIC).count() == 1, operateur.code
    assert all(url.startswith("https://") for url in LienOperateur.objects.values_list("url", flat=True))
    partenaires = set(
        LienOperateur.objects.filter(nature=LienOperateur.Nature.ESPACE_PARTENAIRE).values_list(
            "operateur__code", flat=True
        )
    )
    assert {"caf", "assurance-maladie"} <= partenaires


def test_tous_les_guides_sont_charges():
    assert len(GUIDES) >= 6
    assert {"demenagement", "naissance", "retraite", "perte-emploi", "deces", "handicap"} <= {
        g["evenement"] for g in GUIDES
    }
    assert EtapeGuide.objects.count() == sum(len(g["etapes"]) for g in GUIDES)
    for guide in GUIDES:
        etapes = list(EtapeGuide.objects.filter(evenement__code=guide["evenement"]).order_by("ordre"))
        assert [e.titre for e in etapes] == [e["titre"] for e in guide["etapes"]]
        assert [e.ordre for e in etapes] == list(range(1, len(etapes) + 1))
        for etape, source in zip(etapes, guide["etapes"], strict=True):
            assert etape.operateur.code == source["operateur"]
            assert (etape.demarche.code if etape.demarche else None) == source["demarche"]
            assert etape.fiches == source["fiches"]
            assert etape.cerfas == source["cerfas"]
            assert etape.services_en_ligne == source["services_en_ligne"]
        assert all(e.fiches for e in etapes), guide["evenement"]


def _charger_avec(tmp_path, monkeypatch, guides):
    fichier = tmp_path / "guides.json"
    fichier.write_text(json.dumps({"guides": guides}), encoding="utf-8")
    monkeypatch.setattr(migration_guides, "FICHIER", fichier)
    migration_guides.charger(apps, None)


def _etape(**autres):
    return {"operateur": "caf", "demarche": "aide-logement", "titre": "Étape", "fiches": ["F12006"], **autres}


def test_demarche_introuvable_arrete_la_migration(tmp_path, monkeypatch):
    guide = {"evenement": "logement", "etapes": [_etape(), _etape(demarche="demarche-disparue", titre="Deuxième")]}
    with pytest.raises(migration_guides.GuideInvalide) as erreur:
        _charger_avec(tmp_path, monkeypatch, [guide])
    message = str(erreur.value)
    assert "« logement », étape 2 (Deuxième)" in message
    assert "« demarche-disparue »" in message and "« caf »" in message


@pytest.mark.parametrize(
    "guide, extrait",
    [
        ({"evenement": "inconnu", "etapes": []}, "l'événement de vie « inconnu » est introuvable"),
        ({"evenement": "logement", "etapes": [_etape(operateur="pas-la")]}, "l'opérateur « pas-la » est introuvable"),
        (
            {"evenement": "logement", "etapes": [_etape(fiches=["12006"])]},
            "identifiant(s) de fiche invalide(s) : 12006",
        ),
        (
            {"evenement": "logement", "etapes": [_etape(services_en_ligne=[{"libelle": "x", "url": "http://a.fr"}])]},
            "doit commencer par https://",
        ),
        ({"evenement": "logement", "etapes": [_etape(cerfas=[{"numero": "1"}])]}, "champ(s) libelle manquant(s)"),
    ],
)
def test_donnees_invalides_refusees(tmp_path, monkeypatch, guide, extrait):
    with pytest.raises(migration_guides.GuideInvalide, match=None) as erreur:
        _charger_avec(tmp_path, monkeypatch, [guide])
    assert extrait in str(erreur.value)


def test_recharger_remplace_les_etapes(tmp_path, monkeypatch):
    _charger_avec(tmp_path, monkeypatch, [{"evenement": "logement", "etapes": [_etape(demarche=None)]}])
    [etape] = EtapeGuide.objects.filter(evenement__code="logement")
    assert etape.demarche is None and etape.titre == "Étape"
    assert Demarche.objects.filter(operateur__code="caf", code="aide-logement").exists()
