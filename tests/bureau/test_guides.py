"""Les guides par événement de vie : pages, ordre, fiches, formulaires et services en ligne."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from guichet.bureau.models import EtapeGuide
from guichet.demarches.models import EvenementDeVie
from tests.comptes.conftest import connecter

pytestmark = pytest.mark.django_db

GUIDES = json.loads((Path(__file__).resolve().parents[2] / "guichet/bureau/donnees/guides.json").read_text())


def test_liste_des_guides(client, monde):
    contenu = connecter(client, monde.referent_caf_a).get(reverse("bureau:guides")).content.decode()
    for guide in GUIDES["guides"]:
        evenement = EvenementDeVie.objects.get(code=guide["evenement"])
        assert reverse("bureau:guide", args=[evenement.code]) in contenu


def test_guide_dans_l_ordre_avec_fiches_cerfas_et_services(client, monde):
    reponse = connecter(client, monde.conseiller_a1).get(reverse("bureau:guide", args=["demenagement"]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "<h1>Je déménage</h1>" in contenu
    attendu = next(g for g in GUIDES["guides"] if g["evenement"] == "demenagement")["etapes"]
    positions = [
        contenu.index(escape(f"Étape {rang} — {etape['titre']}")) for rang, etape in enumerate(attendu, start=1)
    ]
    assert positions == sorted(positions)
    # Sans base de connaissances, une fiche renvoie à service-public.fr.
    assert 'href="https://www.service-public.fr/particuliers/vosdroits/F12118"' in contenu
    assert "Cerfa n° 12669*02" in contenu
    assert 'href="https://immatriculation.ants.gouv.fr"' in contenu
    assert "Certificat d&#x27;immatriculation (ANTS)" in contenu
    assert "Changement d&#x27;adresse sur la carte grise" in contenu  # libellé de la démarche du catalogue


def test_chaque_guide_s_affiche(client, monde):
    connecter(client, monde.prefecture_a)
    for guide in GUIDES["guides"]:
        reponse = client.get(reverse("bureau:guide", args=[guide["evenement"]]))
        assert reponse.status_code == 200
        assert len(reponse.context["etapes"]) == len(guide["etapes"])


def test_fiche_de_la_base_de_connaissances(client, monde):
    from guichet.bureau import services
    from guichet.bureau.services import FicheGuide
    from tests.connaissances.factories import FicheFactory

    FicheFactory(identifiant="F12118", titre="Changer l'adresse sur sa carte grise")
    etapes = services.etapes_du_guide(EvenementDeVie.objects.get(code="demenagement"))
    carte_grise = next(e for e in etapes if "F12118" in e.fiches)
    assert carte_grise.fiches_resolues[0] == FicheGuide(
        "F12118", "Changer l'adresse sur sa carte grise", "/espace/connaissances/fiches/F12118/", True
    )
    contenu = connecter(client, monde.conseiller_a1).get(reverse("bureau:guide", args=["demenagement"])).content
    assert 'href="/espace/connaissances/fiches/F12118/">Changer l&#x27;adresse sur sa carte grise</a>' in (
        contenu.decode()
    )


def test_guides_refuses_sans_role(client, monde):
    connecter(client, monde.sans_role)
    assert client.get(reverse("bureau:guides")).status_code == 403
    assert client.get(reverse("bureau:guide", args=["demenagement"])).status_code == 403


def test_evenement_sans_guide_introuvable(client, monde):
    EvenementDeVie.objects.create(code="evenement-vide", libelle="Sans guide")
    connecter(client, monde.conseiller_a1)
    assert client.get(reverse("bureau:guide", args=["evenement-vide"])).status_code == 404
    assert client.get(reverse("bureau:guide", args=["inconnu"])).status_code == 404
    assert EtapeGuide.objects.filter(evenement__code="evenement-vide").count() == 0


def test_fiche_importee_montre_son_titre(client, monde):
    from guichet.connaissances.models import Fiche

    Fiche.objects.create(
        identifiant="F2008",
        type="F",
        titre="Prime de déménagement",
        date="2020-01-01",
        url_source="https://www.service-public.fr/particuliers/vosdroits/F2008",
    )
    contenu = connecter(client, monde.conseiller_a1).get(reverse("bureau:guide", args=["demenagement"])).content
    contenu = contenu.decode()
    assert f'href="{reverse("connaissances:fiche", args=["F2008"])}">Prime de déménagement</a>' in contenu
    assert "Fiche F2008 sur service-public.fr" not in contenu
    assert "Fiche F12006 sur service-public.fr" in contenu  # non importée : identifiant et lien externe
