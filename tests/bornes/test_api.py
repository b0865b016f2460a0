"""POST /api/v1/bornes/reponses : jeton d'appareil, idempotence, validation, cadence."""

from datetime import datetime, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from guichet.api import jetons
from guichet.bornes import services
from guichet.bornes.models import Avis, SatisfactionMois
from tests.bornes.conftest import avis

pytestmark = pytest.mark.django_db
URL = "/api/v1/bornes/reponses"


def satisfaction(structure):
    """Les agrégats de la structure, tous mois confondus : des avis d'il y a deux heures et de maintenant peuvent
    tomber dans deux mois (le 1er, peu après minuit)."""
    return SatisfactionMois.objects.filter(structure=structure).aggregate(
        reponses=Sum("reponses"), satisfaits=Sum("satisfaits"), signales=Sum("signales")
    )


def poster(client, jeton, corps):
    return client.post(URL, corps, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {jeton}")


@pytest.fixture
def borne(monde):
    return services.appairer(monde.a1, "Sortie", monde.gestionnaire_a1)


def test_avis_enregistres_une_seule_fois(client, monde, borne):
    _, jeton = borne
    lot = avis(3)
    reponse = poster(client, jeton, lot)
    assert reponse.status_code == 200, reponse.content
    assert reponse.json() == {"crees": 3, "deja_presents": 0, "signales": 0}
    # Renvoyer la file (coupure au retour de la réponse) : rien de plus.
    reponse = poster(client, jeton, lot + lot[:1])
    assert reponse.json() == {"crees": 0, "deja_presents": 4, "signales": 0}
    assert Avis.objects.filter(structure=monde.a1).count() == 3
    assert satisfaction(monde.a1)["reponses"] == 3


def test_jeton_stocke_en_empreinte_seulement(monde, borne):
    objet, jeton = borne
    assert jeton.startswith("brn_") and jeton not in (objet.empreinte, objet.prefixe)
    assert objet.empreinte == services.empreinte(jeton)


@pytest.mark.parametrize("jeton", ["brn_inconnu", "", "gch_jeton-personnel"])
def test_jeton_inconnu_refuse(client, monde, jeton):
    reponse = poster(client, jeton, avis(1))
    assert reponse.status_code == 401
    assert Avis.objects.count() == 0


def test_un_jeton_personnel_d_agent_n_ouvre_pas_la_borne(client, monde):
    _, clair = jetons.creer_jeton(monde.conseiller_a1, "poste")
    assert poster(client, clair, avis(1)).status_code == 401


def test_borne_revoquee_refusee(client, monde, borne):
    objet, jeton = borne
    assert poster(client, jeton, avis(1)).status_code == 200
    services.revoquer(objet)
    reponse = poster(client, jeton, avis(1))
    assert reponse.status_code == 401
    assert "révoqué" in reponse.json()["detail"]
    assert reponse["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/bornes/moi", HTTP_AUTHORIZATION=f"Bearer {jeton}").status_code == 401
    assert Avis.objects.count() == 1


def test_sans_session_ni_jeton(client, monde):
    assert client.post(URL, avis(1), content_type="application/json").status_code == 401


def test_une_session_d_agent_ne_suffit_pas(client, monde):
    client.force_login(monde.gestionnaire_a1)
    assert client.post(URL, avis(1), content_type="application/json").status_code == 401


def test_erreurs_nomment_l_avis_et_le_champ(client, monde, borne):
    _, jeton = borne
    lot = avis(3)
    lot[1]["note"] = 7
    lot[2]["attente"] = "une heure"
    lot[2]["couleur"] = "bleu"
    lot[0]["id"] = "pas-un-uuid"
    reponse = poster(client, jeton, lot)
    assert reponse.status_code == 422
    erreurs = {(e["index"], e["champ"]) for e in reponse.json()["erreurs"]}
    assert erreurs == {(0, "id"), (1, "note"), (2, "attente"), (2, "couleur")}
    assert Avis.objects.count() == 0  # tout ou rien


@pytest.mark.parametrize(
    "corps",
    [b"{pas du json", b'{"id": 1}', b"[1, 2]", b'[{"note": true}]', b"[" * 5000 + b"]" * 5000],
)
def test_corps_invalides_refuses_sans_erreur_serveur(client, monde, borne, corps):
    reponse = poster(client, borne[1], corps)
    assert reponse.status_code == 422
    assert reponse.json()["erreurs"]


def test_date_dans_le_futur_ou_trop_ancienne(client, monde, borne):
    futur = avis(1, debut=timezone.now() + timedelta(hours=1))
    ancien = avis(1, debut=timezone.now() - timedelta(days=90))
    reponse = poster(client, borne[1], futur + ancien)
    assert {(e["index"], e["champ"]) for e in reponse.json()["erreurs"]} == {(0, "le"), (1, "le")}


def test_avis_trop_rapproches_signales_et_hors_des_chiffres(client, monde, borne):
    _, jeton = borne
    humains = avis(3, ecart=timedelta(seconds=40))
    rafale = avis(5, debut=timezone.now() - timedelta(minutes=30), ecart=timedelta(seconds=1), note=1)
    reponse = poster(client, jeton, humains + rafale)
    assert reponse.json() == {"crees": 8, "deja_presents": 0, "signales": 5}
    assert Avis.objects.filter(signale=True).count() == 5  # gardés, jamais perdus
    agregat = satisfaction(monde.a1)
    assert (agregat["reponses"], agregat["satisfaits"], agregat["signales"]) == (3, 3, 5)


def test_un_avis_arrive_plus_tard_signale_aussi_son_voisin_deja_garde(client, monde, borne):
    _, jeton = borne
    (premier,) = avis(1)
    poster(client, jeton, [premier])
    (voisin,) = avis(1, debut=datetime.fromisoformat(premier["le"]) + timedelta(seconds=2))
    assert poster(client, jeton, [voisin]).json()["signales"] == 1
    assert Avis.objects.filter(signale=True).count() == 2
    assert satisfaction(monde.a1)["reponses"] == 0


def test_plus_de_dix_avis_dans_la_minute_signales(client, monde, borne):
    _, jeton = borne
    reponse = poster(client, jeton, avis(12, ecart=timedelta(seconds=4)))  # 12 avis en 44 s
    assert reponse.json()["signales"] == 2
    assert satisfaction(monde.a1)["reponses"] == 10


def test_la_borne_connait_sa_structure(client, monde, borne):
    reponse = client.get("/api/v1/bornes/moi", HTTP_AUTHORIZATION=f"Bearer {borne[1]}")
    assert reponse.json() == {"borne": "Sortie", "structure": monde.a1.nom, "matricule": monde.a1.matricule}


def test_documentee_dans_l_openapi(client, monde):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/bornes/reponses"]["post"]
    assert {"200", "401", "422"} <= set(operation["responses"])
    assert "Idempotent" in operation["description"]
    assert document["components"]["securitySchemes"]


def test_l_exemple_documente_est_accepte(client, monde, borne):
    document = client.get("/api/v1/openapi.json").json()
    exemple = document["paths"]["/api/v1/bornes/reponses"]["post"]["requestBody"]["content"]["application/json"][
        "example"
    ]
    exemple[0]["le"] = timezone.now().isoformat()
    assert poster(client, borne[1], exemple).json()["crees"] == 1
