"""Le réseau de démonstration montre des non-conformités réalistes, pas tout en vert."""

import io
import json

from django.core.management import call_command

from guichet.formation import demo as demo_formation
from guichet.reseau import demo
from tests.reseau.test_demo import geographie  # noqa: F401  (fixture)


def test_la_demonstration_montre_des_sites_sous_24_h_et_a_un_seul_agent(geographie):  # noqa: F811
    demo.peupler()
    demo_formation.peupler()  # les agents formés : le critère « deux agents » les compte
    sortie = io.StringIO()
    call_command("conformite", "--json", stdout=sortie, stderr=io.StringIO())
    rapport = json.loads(sortie.getvalue())
    assert len(rapport["sites"]) == 9
    par_critere = rapport["par_critere"]
    assert par_critere["horaires"]["non_conforme"] >= 2  # une antenne à 18 h, le bus
    assert par_critere["horaires"]["conforme"] >= 5
    assert par_critere["agents"]["non_conforme"] >= 1
    assert par_critere["agents"]["conforme"] >= 5
