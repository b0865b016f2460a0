"""POST /api/v1/accompagnements : un objet ou une liste, idempotent, tout ou rien, session ou jeton."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from guichet.activite.models import Accompagnement
from guichet.activite.services import TAILLE_MAX_LOT
from guichet.api import jetons
from tests.activite.conftest import lieux  # noqa: F401  (fixture partagée)
from tests.comptes.conftest import connecter

pytestmark = pytest.mark.django_db

URL = "/api/v1/accompagnements"


def item(**champs):
    return {
        "id": str(uuid.uuid4()),
        "operateur": "caf",
        "demarche": "prime-activite",
        "type_aide": "demarche_en_ligne",
        "resultat": "resolu",
        "duree": "moins_15",
        **champs,
    }


def poster(client, corps, **entetes):
    return client.post(URL, corps, content_type="application/json", **entetes)


@pytest.fixture
def agent(client, lieux):  # noqa: F811
    return connecter(client, lieux.conseiller)


def test_un_objet_seul(agent, lieux):  # noqa: F811
    a = item(canal="telephone", evenement="naissance", tranche_age="plus_75", premiere_visite=True)
    reponse = poster(agent, a)
    assert reponse.status_code == 200
    assert reponse.json() == {
        "crees": 1,
        "deja_presents": 0,
        "resultats": [{"index": 0, "id": a["id"], "statut": "cree"}],
    }
    enregistre = Accompagnement.objects.get()
    assert str(enregistre.pk) == a["id"]
    assert (enregistre.structure, enregistre.agent, enregistre.canal) == (lieux.a1, lieux.conseiller, "telephone")
    assert (enregistre.demarche.code, enregistre.evenement.code, enregistre.premiere_visite) == (
        "prime-activite",
        "naissance",
        True,
    )
    assert abs(enregistre.le - timezone.now()) < timedelta(minutes=1)  # par défaut : l'heure de réception


def test_une_liste_et_le_meme_id_deux_fois(agent, lieux):  # noqa: F811
    hier = (timezone.localtime() - timedelta(days=1)).replace(microsecond=0).isoformat()
    lot = [item(structure="FS-01-001"), item(structure=lieux.a1.pk, le=hier), item()]
    reponse = poster(agent, lot)
    assert reponse.status_code == 200
    assert reponse.json()["crees"] == 3
    assert [r["statut"] for r in reponse.json()["resultats"]] == ["cree"] * 3
    assert Accompagnement.objects.count() == 3
    # Le même lot renvoyé (synchronisation rejouée) : rien de plus, chaque ligne « deja_present ».
    reponse = poster(agent, lot)
    assert reponse.json()["crees"] == 0 and reponse.json()["deja_presents"] == 3
    assert [r["statut"] for r in reponse.json()["resultats"]] == ["deja_present"] * 3
    # Un lot mêlant nouveaux et déjà présents, avec un id répété dans le lot lui-même.
    nouveau = item()
    reponse = poster(agent, [lot[0], nouveau, nouveau])
    assert [r["statut"] for r in reponse.json()["resultats"]] == ["deja_present", "cree", "deja_present"]
    assert Accompagnement.objects.count() == 4


def test_element_invalide_rien_n_est_enregistre(agent):
    lot = [item(), item(type_aide="conseil"), item(operateur="inconnu", id="pas-un-uuid")]
    reponse = poster(agent, lot)
    assert reponse.status_code == 422
    erreurs = reponse.json()["erreurs"]
    assert {(e["index"], e["champ"]) for e in erreurs} == {(1, "type_aide"), (2, "operateur"), (2, "id")}
    assert "valeur « conseil » inconnue" in next(e["message"] for e in erreurs if e["champ"] == "type_aide")
    assert not Accompagnement.objects.exists()  # tout ou rien


@pytest.mark.parametrize(
    ("champs", "champ"),
    [
        ({"duree": None}, "duree"),
        ({"demarche": "carte-grise"}, "demarche"),  # démarche d'un autre opérateur
        ({"evenement": "mariage"}, "evenement"),
        ({"le": "hier"}, "le"),
        ({"le": (timezone.now() + timedelta(days=1)).isoformat()}, "le"),
        ({"premiere_visite": "oui"}, "premiere_visite"),
        ({"couleur": "bleu"}, "couleur"),
        ({"operateur": "mission-locale-aisne"}, "operateur"),
        # Des types inattendus : une erreur nommée, jamais une erreur 500.
        ({"type_aide": ["information"]}, "type_aide"),
        ({"demarche": {"code": "rsa"}}, "demarche"),
        ({"operateur": 12}, "operateur"),
        ({"structure": [1]}, "structure"),
        ({"le": 1700000000}, "le"),
        ({"besoin_handicap": "non"}, "besoin_handicap"),
    ],
)
def test_erreurs_nomment_le_champ(agent, champs, champ):
    reponse = poster(agent, item(**champs))
    assert reponse.status_code == 422
    assert [(e["index"], e["champ"]) for e in reponse.json()["erreurs"]] == [(0, champ)]


def test_corps_illisible_vide_ou_trop_long(agent):
    assert poster(agent, "{pas du json").status_code == 422
    assert poster(agent, []).status_code == 422
    reponse = poster(agent, [item() for _ in range(TAILLE_MAX_LOT + 1)])
    assert reponse.status_code == 422 and f"au plus {TAILLE_MAX_LOT}" in reponse.json()["erreurs"][0]["message"]
    assert poster(agent, ["texte"]).json()["erreurs"][0]["index"] == 0


def test_partenaire_local_de_son_departement(agent, lieux):  # noqa: F811
    reponse = poster(agent, item(operateur="mission-locale-ain", demarche=None))
    assert reponse.status_code == 200
    assert Accompagnement.objects.get().operateur == lieux.mission_locale_ain


def test_structure_d_un_autre_lieu_refusee(agent, lieux):  # noqa: F811
    reponse = poster(agent, [item(), item(structure=lieux.b.matricule)])
    assert reponse.status_code == 403
    assert reponse.json()["erreurs"][0]["index"] == 1 and reponse.json()["erreurs"][0]["champ"] == "structure"
    assert not Accompagnement.objects.exists()


def test_plusieurs_structures_la_structure_est_obligatoire(client, lieux):  # noqa: F811
    connecter(client, lieux.multi)
    reponse = poster(client, item())
    assert reponse.status_code == 422 and reponse.json()["erreurs"][0]["champ"] == "structure"
    assert poster(client, item(structure=lieux.a2.matricule)).status_code == 200
    assert Accompagnement.objects.get().structure == lieux.a2


@pytest.mark.parametrize("qui", ["referent", "sans_role"])
def test_sans_structure_refuse(client, lieux, qui):  # noqa: F811
    connecter(client, getattr(lieux, qui))
    assert poster(client, item()).status_code == 403
    assert not Accompagnement.objects.exists()


def test_anonyme_refuse(client, lieux):  # noqa: F811
    assert poster(client, item()).status_code == 401
    assert not Accompagnement.objects.exists()


def test_session_exige_le_jeton_csrf(lieux):  # noqa: F811
    navigateur = Client(enforce_csrf_checks=True)
    connecter(navigateur, lieux.conseiller)
    assert poster(navigateur, item()).status_code == 403
    navigateur.get("/espace/activite/saisie/")  # pose le cookie CSRF
    jeton_csrf = navigateur.cookies["csrftoken"].value
    assert poster(navigateur, item(), HTTP_X_CSRFTOKEN=jeton_csrf).status_code == 200


def test_jeton_personnel(lieux):  # noqa: F811
    _, clair = jetons.creer_jeton(lieux.conseiller, "Logiciel de la mairie")
    client = Client(enforce_csrf_checks=True)  # sans session ni CSRF
    reponse = poster(client, item(), HTTP_AUTHORIZATION=f"Bearer {clair}")
    assert reponse.status_code == 200
    assert Accompagnement.objects.get().agent == lieux.conseiller
    # Un jeton inconnu, puis le jeton révoqué : refusés.
    assert poster(client, item(), HTTP_AUTHORIZATION="Bearer gch_inconnu").status_code == 401
    jetons.revoquer(lieux.conseiller.jetons_api.get())
    reponse = poster(client, item(), HTTP_AUTHORIZATION=f"Bearer {clair}")
    assert reponse.status_code == 401
    assert "révoqué" in reponse.json()["detail"]
    assert Accompagnement.objects.count() == 1


def test_jeton_d_un_agent_pour_une_autre_structure(lieux):  # noqa: F811
    _, clair = jetons.creer_jeton(lieux.conseiller_b, "Tablette du bus")
    reponse = poster(Client(), item(structure="FS-01-001"), HTTP_AUTHORIZATION=f"Bearer {clair}")
    assert reponse.status_code == 403
    assert not Accompagnement.objects.exists()


def test_documente_dans_openapi(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/accompagnements"]["post"]
    assert "Idempotent" in operation["description"]
    corps = operation["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert corps[1]["type"] == "array"
    assert {"id", "operateur", "type_aide", "resultat", "duree"} <= set(corps[0]["required"])
    assert {"200", "403", "422"} <= set(operation["responses"])
    assert any("bearer" in str(s).lower() for s in schema["components"]["securitySchemes"].values())


@pytest.mark.parametrize(
    ("le", "message"),
    [
        ("2026-02-30T10:00:00", "date ou heure impossible"),
        ("2026-13-01T10:00:00", "date ou heure impossible"),
        ("2026-03-01T25:00:00", "date ou heure impossible"),
        ("2026-03-01T10:00:00+99:00", "date ou heure impossible"),
        ("0001-01-01T00:00:00+01:00", "7 derniers jours"),
        ("9999-12-31T23:59:59", "dans le futur"),
    ],
)
def test_dates_impossibles_ou_hors_fenetre(agent, le, message):
    reponse = poster(agent, item(le=le))
    assert reponse.status_code == 422
    assert reponse.json()["erreurs"][0]["champ"] == "le"
    assert message in reponse.json()["erreurs"][0]["message"]
    assert not Accompagnement.objects.exists()


def test_fenetre_des_dates(agent):
    maintenant = timezone.now()
    assert poster(agent, item(le=(maintenant + timedelta(minutes=5)).isoformat())).status_code == 200
    assert poster(agent, item(le=(maintenant + timedelta(minutes=15)).isoformat())).status_code == 422
    assert poster(agent, item(le=(maintenant - timedelta(days=6, hours=23)).isoformat())).status_code == 200
    assert poster(agent, item(le=(maintenant - timedelta(days=7, hours=1)).isoformat())).status_code == 422


def test_json_profondement_imbrique(agent):
    for corps in ("[" * 100_000 + "]" * 100_000, '{"id": ' + "[" * 100_000 + "]" * 100_000 + "}"):
        reponse = agent.post(URL, corps, content_type="application/json")
        assert reponse.status_code == 422
        assert reponse.json()["detail"] == "Corps illisible : JSON attendu."
    # Sous la limite de l'analyseur, imbriqué dans un champ : refusé sans être recopié.
    reponse = poster(agent, item(structure=[[[[[[1]]]]]], operateur={"a": {"b": "c"}}))
    assert reponse.status_code == 422
    assert {e["champ"] for e in reponse.json()["erreurs"]} == {"structure", "operateur"}
    assert not Accompagnement.objects.exists()


def test_corps_trop_long(agent):
    from guichet.api.accompagnements import TAILLE_MAX_CORPS

    reponse = agent.post(URL, '["' + "x" * 3_300_000 + '"]', content_type="application/json")
    assert reponse.status_code == 413
    assert f"au plus {TAILLE_MAX_CORPS // 1000} Ko" in reponse.json()["erreurs"][0]["message"]
    assert poster(agent, [item() for _ in range(TAILLE_MAX_LOT)]).status_code == 200  # un lot entier passe


def test_sans_authentification_401_avec_www_authenticate(lieux):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    reponse = poster(client, item())
    assert reponse.status_code == 401
    assert reponse["WWW-Authenticate"] == 'Bearer realm="api guichet"'
    assert "Authentification requise" in reponse.json()["erreurs"][0]["message"]
    reponse = poster(client, item(), HTTP_AUTHORIZATION="Bearer gch_inconnu")
    assert reponse.status_code == 401 and 'error="invalid_token"' in reponse["WWW-Authenticate"]
    # Une session ouverte sans jeton CSRF reste un refus (403) : une preuve d'identité a été donnée.
    connecter(client, lieux.conseiller)
    reponse = poster(client, item())
    assert reponse.status_code == 403 and "X-CSRFToken" in reponse.json()["detail"]
    assert not Accompagnement.objects.exists()


def test_schema_construit_sur_les_memes_choix(client, db):
    from guichet.activite.regles import VALEURS

    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/accompagnements"]["post"]
    entree = operation["requestBody"]["content"]["application/json"]["schema"]["oneOf"][0]["properties"]
    assert entree["type_aide"]["enum"] == list(VALEURS["type_aide"])
    assert entree["canal"]["anyOf"][0]["enum"] == list(VALEURS["canal"])
    assert {"401", "413"} <= set(operation["responses"])
    assert "Ko au plus" in operation["description"]


@pytest.mark.parametrize("structure", ["²", "9" * 5000, 10**30])
def test_identifiant_de_structure_illisible(agent, structure):
    """Des chiffres que int() refuse (exposant, plus de 4 300 chiffres) ou hors de toute table : une structure
    inconnue de l'agent (403), pas une erreur 500."""
    reponse = poster(agent, item(structure=structure))
    assert reponse.status_code == 403
    assert [(e["index"], e["champ"]) for e in reponse.json()["erreurs"]] == [(0, "structure")]
