"""`guichet financement` : dû, versé, reste par structure et au total, en texte ou en JSON."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from guichet.financement.models import SourceFinancement, Versement

pytestmark = pytest.mark.django_db


def lancer(*arguments):
    sortie = io.StringIO()
    call_command("financement", *arguments, stdout=sortie, stderr=io.StringIO())
    return sortie.getvalue()


def test_json_par_structure_et_total(monde):
    Versement.objects.create(
        structure=monde.a1,
        annee=2026,
        source=SourceFinancement.objects.get(code="fnfs"),
        date=date(2026, 9, 1),
        montant=Decimal("5000.00"),
        reference="M-7",
    )
    rapport = json.loads(lancer("--annee", "2026", "--departement", "01", "--json"))
    assert rapport["annee"] == 2026
    sites = {s["matricule"]: s for s in rapport["sites"]}
    assert sites[monde.a1.matricule] == {
        "matricule": monde.a1.matricule,
        "du": "15123.29",
        "verse": "5000.00",
        "reste": "10123.29",
    }
    assert set(sites) == {monde.a1.matricule, monde.a2.matricule}
    assert rapport["total"] == {"du": "45123.29", "verse": "5000.00", "reste": "40123.29"}
    tout = json.loads(lancer("--annee", "2026", "--json"))
    assert tout["total"]["du"] == "90246.58"


def test_texte(monde):
    texte = lancer("--annee", "2026", "--departement", "02")
    assert "Subvention 2026 du département 02 : 1 structure, 45\u202f123,29\u00a0€ dû" in texte
    assert monde.b.matricule in texte


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--annee", "2026", "--departement", "99"], "Département « 99 » inconnu."),
        (["--annee", "2031"], "Aucun barème de la subvention pour 2031"),
    ],
)
def test_erreurs_en_francais(monde, arguments, message):
    with pytest.raises(CommandError, match=message):
        lancer(*arguments)
