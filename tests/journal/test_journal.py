import io
import threading
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from guichet.journal import services
from guichet.journal.models import PRECEDENT_INITIAL, EntreeJournal
from guichet.journal.services import (
    empreinte_de,
    journal_deverrouille,
    journaliser,
    premiere_rupture,
    verifier_chaine,
)
from tests.comptes.factories import UtilisateurFactory
from tests.territoires.factories import DepartementFactory

SQLITE = connection.vendor == "sqlite"


def _sql(requete, parametres=()):
    with connection.cursor() as curseur:
        curseur.execute(requete, parametres)


def _trois_entrees(acteur=None):
    objet = DepartementFactory(code="01")
    return [
        journaliser(acteur, "creation", objet, {"champs": ["nom"]}),
        journaliser(acteur, "lecture", objet),
        journaliser(acteur, "export", None, {"lignes": 12}),
    ]


# Écriture


def test_les_entrees_sont_chainees(db):
    acteur = UtilisateurFactory(email="agent@example.fr")
    a, b, c = _trois_entrees(acteur)
    assert [a.numero, b.numero, c.numero] == [1, 2, 3]
    assert a.precedent == PRECEDENT_INITIAL
    assert b.precedent == a.empreinte and c.precedent == b.empreinte
    assert len({a.empreinte, b.empreinte, c.empreinte}) == 3
    for entree in EntreeJournal.objects.all():
        assert entree.empreinte == empreinte_de(entree.contenu_signe())
    assert a.acteur == acteur and a.acteur_libelle == "agent@example.fr"
    assert (a.objet_type, a.objet_id) == ("territoires.departement", str(a.objet_id))
    assert c.objet_type == "" and c.details == {"lignes": 12}
    assert verifier_chaine() is None


def test_l_empreinte_couvre_chaque_champ(db):
    entree = journaliser(None, "lecture", ("demandes.demande", 7), {"n": 1})
    base = entree.contenu_signe()
    for cle, autre in [
        ("numero", 2),
        ("acteur", "autre"),
        ("action", "export"),
        ("objet_type", "x"),
        ("objet_id", "8"),
        ("details", {"n": 2}),
        ("precedent", "f" * 64),
        ("horodatage", "2020-01-01T00:00:00.000000+00:00"),
    ]:
        assert empreinte_de({**base, cle: autre}) != entree.empreinte, cle


def test_acteur_systeme_et_details_normalises(db):
    entree = journaliser(None, "purge", ("demandes.demande", 42), {"le": date(2026, 3, 1), "nombre": 3})
    entree.refresh_from_db()
    assert entree.acteur is None and entree.acteur_libelle == "système"
    assert entree.details == {"le": "2026-03-01", "nombre": 3}
    assert entree.empreinte == empreinte_de(entree.contenu_signe())


@pytest.mark.parametrize(
    "details",
    [{"nom": "Dupont"}, {"usager_nir": "1234"}, {"champs": {"corps": "bonjour"}}, {"liste": [{"telephone": "06"}]}],
)
def test_details_personnels_refuses(db, details):
    with pytest.raises(ValueError, match="donnée personnelle"):
        journaliser(None, "lecture", None, details)
    assert not EntreeJournal.objects.exists()


def test_action_obligatoire(db):
    with pytest.raises(ValueError):
        journaliser(None, "", None)


def test_un_numero_en_double_est_refuse_par_la_base(db):
    """Même si deux écrivains lisaient la même « dernière » entrée, la base refuserait la fourche."""
    entree = journaliser(None, "lecture", None)
    with pytest.raises(IntegrityError), transaction.atomic():
        EntreeJournal.objects.create(
            numero=entree.numero, acteur_libelle="x", action="lecture", precedent=entree.precedent, empreinte="0"
        )


@pytest.mark.skipif(SQLITE, reason="SQLite sérialise déjà les écritures ; concurrence testée sous PostgreSQL")
def test_ecrivains_concurrents_ne_fourchent_pas(transactional_db):
    erreurs = []

    def ecrire():
        try:
            for _ in range(15):
                journaliser(None, "lecture", ("demandes.demande", 1))
        except Exception as exc:  # remonté dans le test principal
            erreurs.append(exc)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=ecrire) for _ in range(6)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert erreurs == []
    assert EntreeJournal.objects.count() == 90
    assert sorted(EntreeJournal.objects.values_list("numero", flat=True)) == list(range(1, 91))
    assert verifier_chaine() is None


# Ajout seul, imposé par la base


def test_modifier_par_l_orm_est_refuse(db):
    entree = journaliser(None, "lecture", ("demandes.demande", 1))
    with pytest.raises(DatabaseError), transaction.atomic():
        EntreeJournal.objects.filter(pk=entree.pk).update(action="export")
    entree.action = "export"
    with pytest.raises(DatabaseError), transaction.atomic():
        entree.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("UPDATE journal_entreejournal SET details = %s", ['{"x": 1}'])
    assert EntreeJournal.objects.get().action == "lecture"


def test_supprimer_est_refuse(db):
    entree = journaliser(None, "lecture", None)
    with pytest.raises(DatabaseError), transaction.atomic():
        entree.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        EntreeJournal.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("DELETE FROM journal_entreejournal")
    assert EntreeJournal.objects.count() == 1


@pytest.mark.skipif(SQLITE, reason="TRUNCATE n'existe que sous PostgreSQL")
def test_truncate_refuse(db):
    journaliser(None, "lecture", None)
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("TRUNCATE journal_entreejournal")
    assert EntreeJournal.objects.count() == 1


def test_supprimer_un_compte_garde_son_libelle_et_la_chaine(db):
    acteur = UtilisateurFactory(email="parti@example.fr")
    journaliser(acteur, "lecture", ("demandes.demande", 1))
    acteur.delete()
    entree = EntreeJournal.objects.get()
    assert entree.acteur is None and entree.acteur_libelle == "parti@example.fr"
    assert verifier_chaine() is None


def test_changer_d_acteur_est_refuse(db):
    journaliser(UtilisateurFactory(), "lecture", None)
    autre = UtilisateurFactory()
    with pytest.raises(DatabaseError), transaction.atomic():
        EntreeJournal.objects.update(acteur=autre)


def test_declencheurs_en_place(db):
    assert services.declencheurs_manquants() == set()


def test_flush_vide_aussi_le_journal(transactional_db):
    journaliser(None, "lecture", None)
    call_command("flush", interactive=False, verbosity=0)
    assert EntreeJournal.objects.count() == 0
    # Verrouillé de nouveau ensuite.
    journaliser(None, "lecture", None)
    with pytest.raises(DatabaseError):
        EntreeJournal.objects.all().delete()


# Vérification de la chaîne


def _verifier():
    sortie, erreur = io.StringIO(), None
    try:
        call_command("verifier_journal", stdout=sortie)
    except CommandError as exc:
        erreur = exc
    return sortie.getvalue(), erreur


def test_commande_chaine_intacte(db):
    _trois_entrees()
    call_command("ancrer_journal", stdout=io.StringIO())
    sortie, erreur = _verifier()
    assert erreur is None
    assert "intact : 3 entrées" in sortie


def test_commande_journal_vide(db):
    sortie, erreur = _verifier()
    assert erreur is None and "0 entrées" in sortie


def test_une_entree_modifiee_est_detectee(db):
    a, b, c = _trois_entrees()
    with journal_deverrouille():
        _sql("UPDATE journal_entreejournal SET action = %s WHERE id = %s", ["suppression", b.pk])
    assert verifier_chaine() == b
    _, erreur = _verifier()
    assert erreur is not None and erreur.returncode == 1
    assert "entrée n° 2" in str(erreur) and "contenu a été modifié" in str(erreur)


def test_des_details_modifies_sont_detectes(db):
    a, b, c = _trois_entrees()
    with journal_deverrouille():
        _sql("UPDATE journal_entreejournal SET details = %s WHERE id = %s", ['{"lignes": 13}', c.pk])
    assert verifier_chaine() == c


def test_une_entree_supprimee_est_detectee(db):
    a, b, c = _trois_entrees()
    with journal_deverrouille():
        _sql("DELETE FROM journal_entreejournal WHERE id = %s", [b.pk])
    rupture = premiere_rupture()
    assert rupture[0] == c and "manquante" in rupture[1]
    _, erreur = _verifier()
    assert erreur.returncode == 1 and "entrée n° 3" in str(erreur)


def test_une_entree_recalculee_casse_la_suivante(db):
    """Recalculer l'empreinte d'une entrée falsifiée ne suffit pas : la suivante ne la suit plus."""
    a, b, c = _trois_entrees()
    b.action = "suppression"
    nouvelle = empreinte_de(b.contenu_signe())
    with journal_deverrouille():
        _sql(
            "UPDATE journal_entreejournal SET action = %s, empreinte = %s WHERE id = %s",
            ["suppression", nouvelle, b.pk],
        )
    rupture = premiere_rupture()
    assert rupture[0] == c and "ne suit pas" in rupture[1]


def test_declencheur_absent_detecte(db):
    if SQLITE:
        _sql("DROP TRIGGER journal_entreejournal_sans_suppression")
    else:
        _sql("DROP TRIGGER journal_entreejournal_sans_vidage ON journal_entreejournal")
    _, erreur = _verifier()
    assert erreur.returncode == 1 and "non protégé" in str(erreur)


# Administration


def test_admin_en_lecture_seule(client, db):
    from tests.comptes.conftest import connecter

    admin = UtilisateurFactory(is_staff=True, is_superuser=True)
    connecter(client, admin)
    entree = journaliser(None, "lecture", ("demandes.demande", 1))
    assert client.get("/admin/journal/entreejournal/").status_code == 200
    assert client.get(f"/admin/journal/entreejournal/{entree.pk}/change/").status_code == 200
    assert client.get("/admin/journal/entreejournal/add/").status_code == 403
    assert client.post(f"/admin/journal/entreejournal/{entree.pk}/delete/").status_code == 403


# Dépendances


def test_le_journal_n_importe_aucune_application_metier():
    """Le journal est une couche basse : les applications l'importent, jamais l'inverse."""
    import ast
    from pathlib import Path

    import guichet.journal

    racine = Path(guichet.journal.__file__).parent
    importes = set()
    for fichier in racine.rglob("*.py"):
        for noeud in ast.walk(ast.parse(fichier.read_text())):
            if isinstance(noeud, ast.ImportFrom) and noeud.module:
                importes.add(noeud.module)
            elif isinstance(noeud, ast.Import):
                importes.update(alias.name for alias in noeud.names)
    from django.apps import apps

    applications = {config.name for config in apps.get_app_configs() if config.name.startswith("guichet.")}
    metier = {m for m in importes if any(m == a or m.startswith(a + ".") for a in applications - {"guichet.journal"})}
    assert metier == set()


def test_le_controle_des_cles_de_chiffrement_est_enregistre_par_les_demandes():
    from django.core import checks

    from guichet.chiffrement import verifier_cles_chiffrement

    assert verifier_cles_chiffrement in checks.registry.registry.get_checks(include_deployment_checks=True)
