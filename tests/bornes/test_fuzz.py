"""L'API des bornes essayée par schemathesis avec un vrai jeton d'appareil (le test de toute l'API, lui, n'a
qu'un jeton personnel d'agent, que la borne refuse) : aucune erreur serveur, chaque réponse conforme au schéma."""

from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from guichet.bornes import services
from tests.api.test_fuzz import connexion_gardee  # noqa: F401  (fixture partagée)

pytestmark = pytest.mark.django_db

CAS_PAR_OPERATION = 25
VERIFICATIONS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_api_des_bornes_sans_erreur_serveur(monde, connexion_gardee):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    _, jeton = services.appairer(monde.a1, "Essais")
    entetes = {"Authorization": f"Bearer {jeton}"}
    statuts = Counter()
    operations = [r.ok() for r in schema.get_all_operations() if r.ok().path.startswith("/api/v1/bornes/")]
    assert {o.label for o in operations} == {"POST /api/v1/bornes/reponses", "GET /api/v1/bornes/moi"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if operation.method.upper() == "GET" and mode == GenerationMode.NEGATIVE:
                continue  # sans paramètre : aucune donnée non conforme possible

            @settings(
                max_examples=CAS_PAR_OPERATION,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def essayer(case):
                reponse = case.call_and_validate(headers=entetes, checks=VERIFICATIONS)
                statuts[reponse.status_code] += 1

            essayer()
    assert statuts[200] and statuts[422]
    assert not [code for code in statuts if code >= 500]
