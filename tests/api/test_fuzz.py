"""L'API essayée par un générateur de requêtes (schemathesis) sur son document OpenAPI : données conformes
et non conformes, graine fixe, nombre de cas borné. Aucune réponse 5xx, chaque réponse conforme au schéma
(code documenté, type de contenu, corps)."""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from guichet.api import jetons
from tests.activite.conftest import lieux  # noqa: F401  (fixture partagée)

pytestmark = pytest.mark.django_db

CAS_PAR_OPERATION = 25  # par opération et par mode (conforme, non conforme) : quelques secondes en tout
VERIFICATIONS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def connexion_gardee():
    """Comme le client de test de Django : l'application WSGI appelée dans le test ne ferme pas la connexion
    à la fin de chaque requête (elle porte la transaction du test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_sans_erreur_serveur_ni_ecart_au_schema(lieux, connexion_gardee):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    _, clair = jetons.creer_jeton(lieux.conseiller, "Essais")
    entetes = {"Authorization": f"Bearer {clair}"}
    statuts, sans_cas = Counter(), []
    operations = [resultat.ok() for resultat in schema.get_all_operations()]
    assert {o.label for o in operations} >= {"POST /api/v1/accompagnements", "GET /api/v1/structures"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=CAS_PAR_OPERATION,
                derandomize=True,  # graine fixe : les mêmes cas à chaque exécution
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def essayer(case):
                reponse = case.call_and_validate(headers=entetes, checks=VERIFICATIONS)
                statuts[reponse.status_code] += 1

            try:
                essayer()
            except Unsatisfiable:
                # Aucune donnée non conforme possible (un paramètre de chemin texte sans contrainte).
                sans_cas.append(f"{operation.label} ({mode})")
    assert sans_cas == ["GET /api/v1/structures/{matricule} (negative)"]
    assert sum(statuts.values()) >= 100
    assert not [code for code in statuts if code >= 500]
    print(f"\nFuzz de l'API : {sum(statuts.values())} cas, statuts {dict(sorted(statuts.items()))}")


def test_l_exemple_documente_est_accepte(client, lieux):  # noqa: F811
    document = client.get("/api/v1/openapi.json").json()
    corps = document["paths"]["/api/v1/accompagnements"]["post"]["requestBody"]["content"]["application/json"]
    _, clair = jetons.creer_jeton(lieux.conseiller, "Essais")
    entetes = {"HTTP_AUTHORIZATION": f"Bearer {clair}"}
    reponse = client.post("/api/v1/accompagnements", corps["example"], content_type="application/json", **entetes)
    assert reponse.status_code == 200 and reponse.json()["crees"] == 1
