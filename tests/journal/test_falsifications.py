"""Le journal face à qui a la main sur la base, mais ni la clé du journal ni le fichier des ancres : chaque
falsification est détectée par `guichet verifier_journal`, qui nomme l'entrée (ou l'ancre) en cause.

Scénarios : modifier une entrée ; la modifier et recalculer toutes les empreintes suivantes (sans la clé,
ou selon l'ancienne chaîne SHA-256) ; supprimer les dernières entrées ; supprimer une entrée du milieu, avec
ou sans renumérotation ; remplacer le fichier des ancres par un faux ; le supprimer ; changer la clé nommée.
"""

import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from guichet.journal import services
from guichet.journal.models import EntreeJournal
from guichet.journal.services import Ancre, journal_deverrouille, journaliser, premiere_rupture

pytestmark = pytest.mark.django_db


def _sql(requete, parametres=()):
    with journal_deverrouille(), connection.cursor() as curseur:
        curseur.execute(requete, parametres)


def _verifier():
    try:
        call_command("verifier_journal", stdout=io.StringIO())
    except CommandError as exc:
        assert exc.returncode == 1
        return str(exc)
    return None


@pytest.fixture
def journal():
    """Six entrées, ancrées à la sixième par la commande périodique."""
    entrees = [journaliser(None, "lecture", ("demandes.demande", n), {"rang": n}) for n in range(1, 7)]
    call_command("ancrer_journal", stdout=io.StringIO())
    assert _verifier() is None
    return entrees


def _json(contenu):
    return json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _reecrire_depuis(numero, signer):
    """L'attaque : modifier l'entrée `numero`, puis recalculer la chaîne de toutes les suivantes avec `signer`."""
    precedent = EntreeJournal.objects.get(numero=numero - 1).empreinte if numero > 1 else "0" * 64
    for entree in EntreeJournal.objects.filter(numero__gte=numero).order_by("numero"):
        if entree.numero == numero:
            entree.action = "suppression"
        entree.precedent = precedent
        entree.empreinte = signer(entree.contenu_signe())
        _sql(
            "UPDATE journal_entreejournal SET action = %s, precedent = %s, empreinte = %s WHERE id = %s",
            [entree.action, entree.precedent, entree.empreinte, entree.pk],
        )
        precedent = entree.empreinte


def test_modifier_une_entree(journal):
    _sql("UPDATE journal_entreejournal SET details = %s WHERE numero = 4", ['{"rang": 40}'])
    erreur = _verifier()
    assert "entrée n° 4" in erreur and "signature de l'empreinte invalide" in erreur


def test_modifier_et_recalculer_toutes_les_suivantes_sans_la_cle(journal):
    _reecrire_depuis(3, lambda contenu: hmac.new(b"cle devinee", _json(contenu), hashlib.sha256).hexdigest())
    erreur = _verifier()
    assert "entrée n° 3" in erreur and "signature de l'empreinte invalide" in erreur


def test_modifier_et_recalculer_selon_l_ancienne_chaine_sha256(journal):
    _reecrire_depuis(2, lambda contenu: hashlib.sha256(_json(contenu)).hexdigest())
    assert "entrée n° 2" in _verifier()


def test_modifier_et_recalculer_avec_la_cle_est_vu_par_l_ancre(journal):
    """Même qui aurait volé la clé et réécrit la chaîne ne peut pas effacer l'ancre déjà publiée."""
    _reecrire_depuis(3, services.empreinte_de)
    assert premiere_rupture() is None
    erreur = _verifier()
    assert "entrée n° 6 différente" in erreur and "réécrite" in erreur


def test_supprimer_les_dernieres_entrees(journal):
    _sql("DELETE FROM journal_entreejournal WHERE numero >= 5")
    assert premiere_rupture() is None  # la chaîne seule ne le voit pas…
    erreur = _verifier()  # …l'ancre, si
    assert "entrée n° 6 absente" in erreur and "tronqué" in erreur and "n° 4" in erreur


def test_supprimer_une_entree_du_milieu(journal):
    _sql("DELETE FROM journal_entreejournal WHERE numero = 3")
    erreur = _verifier()
    assert "entrée n° 4" in erreur and "l'entrée n° 3 manque" in erreur


def test_supprimer_une_entree_du_milieu_et_renumeroter(journal):
    _sql("DELETE FROM journal_entreejournal WHERE numero = 3")
    for numero in (4, 5, 6):
        _sql("UPDATE journal_entreejournal SET numero = %s WHERE numero = %s", [numero - 1, numero])
    erreur = _verifier()
    assert "entrée n° 3" in erreur


def test_remplacer_les_ancres_par_des_fausses(journal):
    """L'attaquant coupe les deux dernières entrées et remplace le fichier des ancres par une ancre de la
    nouvelle tête, signée sans la clé."""
    _sql("DELETE FROM journal_entreejournal WHERE numero >= 5")
    tete = EntreeJournal.objects.get(numero=4)
    fausse = Ancre(4, tete.empreinte, "2026-11-30T12:00:00+00:00", "test")
    fausse = Ancre(
        fausse.numero,
        fausse.empreinte,
        fausse.publiee_le,
        fausse.cle,
        hmac.new(b"cle devinee", fausse.message(), hashlib.sha256).hexdigest(),
    )
    Path(services.chemin_des_ancres()).write_text(fausse.en_ligne() + "\n")
    erreur = _verifier()
    assert "ancre de la ligne 1" in erreur and "falsifiée" in erreur


def test_supprimer_le_fichier_des_ancres(journal):
    _sql("DELETE FROM journal_entreejournal WHERE numero >= 5")
    services.chemin_des_ancres().unlink()
    erreur = _verifier()
    assert "aucune ancre publiée" in erreur and "n° 4" in erreur


def test_ancre_illisible(journal):
    with services.chemin_des_ancres().open("a") as fichier:
        fichier.write("pas du json\n")
    assert "ancre de la ligne 2" in _verifier()


def test_changer_la_cle_nommee_par_une_entree(journal):
    _sql("UPDATE journal_entreejournal SET cle = %s WHERE numero = 2", ["autre"])
    erreur = _verifier()
    assert "entrée n° 2" in erreur and "« autre »" in erreur


# Ancrage


def test_l_ecrivain_ancre_toutes_les_n_entrees(settings, django_capture_on_commit_callbacks, caplog):
    settings.GUICHET_JOURNAL_ANCRAGE_INTERVALLE = 3
    with caplog.at_level("INFO", logger="guichet.journal.ancres"):
        for n in range(7):
            with django_capture_on_commit_callbacks(execute=True):
                journaliser(None, "lecture", ("demandes.demande", n))
    assert [ancre.numero for _, ancre in services.lire_ancres()] == [3, 6]
    assert sum("Ancre du journal d'audit" in m for m in caplog.messages) == 2
    assert _verifier() is None


def test_l_ecrivain_ne_echoue_pas_si_le_fichier_est_inaccessible(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.GUICHET_JOURNAL_ANCRAGE_INTERVALLE = 1
    (tmp_path / "bloque").write_text("un fichier, pas un dossier")
    settings.GUICHET_JOURNAL_ANCRES = str(tmp_path / "bloque" / "ancres.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        entree = journaliser(None, "lecture", None)
    assert EntreeJournal.objects.get() == entree


def test_ancre_envoyee_par_courriel(settings):
    settings.GUICHET_JOURNAL_ANCRES_EMAIL = ["audit@example.fr"]
    journaliser(None, "lecture", None)
    sortie = io.StringIO()
    call_command("ancrer_journal", stdout=sortie)
    assert "envoyée par courriel" in sortie.getvalue()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["audit@example.fr"]
    assert services.lire_ancres()[0][1].en_ligne() in mail.outbox[0].body


def test_pas_d_ancre_sur_une_chaine_rompue(journal):
    _sql("UPDATE journal_entreejournal SET action = %s WHERE numero = 2", ["export"])
    with pytest.raises(CommandError, match="entrée n° 2"):
        call_command("ancrer_journal", stdout=io.StringIO())
    assert len(services.lire_ancres()) == 1


def test_journal_vide_sans_ancre():
    sortie = io.StringIO()
    call_command("ancrer_journal", stdout=sortie)
    assert "vide" in sortie.getvalue() and _verifier() is None


# Clés


def test_rotation_des_cles(settings, journal):
    ancienne = settings.GUICHET_CLES_JOURNAL[0]
    settings.GUICHET_CLES_JOURNAL = ["k2:" + "n" * 40, ancienne]
    nouvelle = journaliser(None, "lecture", None)
    assert nouvelle.cle == "k2" and EntreeJournal.objects.get(numero=6).cle == "test"
    call_command("ancrer_journal", stdout=io.StringIO())
    assert _verifier() is None
    # Retirer l'ancienne clé rend les entrées qu'elle a signées invérifiables : c'est dit.
    settings.GUICHET_CLES_JOURNAL = ["k2:" + "n" * 40]
    erreur = _verifier()
    assert "entrée n° 1" in erreur and "« test »" in erreur


@pytest.mark.parametrize(
    "cles, message",
    [
        (["sans-separateur"], "identifiant:secret"),
        (["a:court"], "moins de 32"),
        (["a:" + "x" * 32, "a:" + "y" * 32], "deux fois"),
        ([], "vide"),
    ],
)
def test_cles_mal_formees(settings, cles, message):
    from django.core.exceptions import ImproperlyConfigured

    settings.GUICHET_CLES_JOURNAL = cles
    with pytest.raises(ImproperlyConfigured, match=message):
        services.cles_journal()


def test_cle_obligatoire_en_production():
    env = {k: v for k, v in os.environ.items() if k not in {"GUICHET_CLES_JOURNAL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env |= {"DEBUG": "false", "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghij"}
    resultat = subprocess.run([sys.executable, "-m", "guichet", "check"], env=env, capture_output=True, text=True)
    assert resultat.returncode != 0
    assert "GUICHET_CLES_JOURNAL" in resultat.stderr
    env |= {"DEBUG": "true"}
    resultat = subprocess.run([sys.executable, "-m", "guichet", "check"], env=env, capture_output=True, text=True)
    assert resultat.returncode == 0, resultat.stderr


def test_controle_de_demarrage_des_cles(settings):
    assert services.controler_cles() == []
    settings.GUICHET_CLES_JOURNAL = ["a:court"]
    assert [e.id for e in services.controler_cles()] == ["guichet.E002"]
