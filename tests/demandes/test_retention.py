import io
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from guichet.comptes.models import Role
from guichet.demandes import retention
from guichet.demandes.models import Demande, Message, Nature, PieceJointe, Relance, Statut
from guichet.journal.models import EntreeJournal
from guichet.journal.services import verifier_chaine
from guichet.temps import PARIS
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.demandes.factories import DemandeFactory, ajouter_au_fil
from tests.qualite.factories import IDENTITE, cloturer, piece_jointe, repondre, structure_dans

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=PARIS)


def _brut(table, colonnes, pk):
    with connection.cursor() as curseur:
        curseur.execute(f"SELECT {', '.join(colonnes)} FROM {table} WHERE id = %s", [pk])
        return curseur.fetchone()


@pytest.fixture
def demande_close(db):
    """Une demande complète, clôturée le 10 janvier 2026 à 16 h, avec deux pièces jointes."""
    demande = DemandeFactory(envoyee_le=T0, structure=structure_dans(), auteur=UtilisateurFactory(), **IDENTITE)
    envoi = demande.messages.get()
    piece_jointe(envoi)
    reponse = repondre(demande, T0 + timedelta(days=1))
    piece_jointe(reponse, b"%PDF-1.4 attestation", "attestation.pdf")
    cloturer(demande, datetime(2026, 1, 10, 16, 0, tzinfo=PARIS), utile="oui")
    demande.refresh_from_db()
    return demande


# Effacement six mois après la clôture


def test_il_y_a_mois():
    assert retention.il_y_a_mois(datetime(2026, 8, 31, 12, tzinfo=PARIS), 6) == datetime(2026, 2, 28, 12, tzinfo=PARIS)
    assert retention.il_y_a_mois(datetime(2028, 8, 31, 12, tzinfo=PARIS), 6) == datetime(2028, 2, 29, 12, tzinfo=PARIS)
    assert retention.il_y_a_mois(datetime(2026, 3, 15, 9, tzinfo=PARIS), 6) == datetime(2025, 9, 15, 9, tzinfo=PARIS)


def test_pas_d_effacement_avant_six_mois(demande_close):
    avant = datetime(2026, 7, 10, 15, 59, tzinfo=PARIS)
    bilan = retention.purger(avant, ecrire=True)
    assert bilan.effacees == []
    demande_close.refresh_from_db()
    assert demande_close.usager_nom == IDENTITE["usager_nom"]
    assert demande_close.donnees_effacees_le is None


def test_effacement_apres_six_mois(demande_close, django_capture_on_commit_callbacks):
    fichiers = list(PieceJointe.objects.values_list("fichier", flat=True))
    assert len(fichiers) == 2 and all(default_storage.exists(f) for f in fichiers)
    metadonnees = Demande.objects.filter(pk=demande_close.pk).values(
        "envoyee_le", "cloturee_le", "premiere_reponse_le", "operateur", "structure", "departement", "objet", "utile"
    )[0]
    maintenant = datetime(2026, 7, 10, 16, 0, tzinfo=PARIS)

    with django_capture_on_commit_callbacks(execute=True):
        bilan = retention.purger(maintenant, ecrire=True)

    assert bilan.effacees == [demande_close.pk] and bilan.fichiers_effaces == 2
    demande = Demande.objects.get(pk=demande_close.pk)
    assert demande.donnees_effacees_le == maintenant
    # Plus rien de personnel : ni en clair, ni chiffré.
    champs = [*Demande.CHAMPS_PERSONNELS]
    assert _brut("demandes_demande", champs, demande.pk) == (None,) * len(champs)
    assert _brut("demandes_demande", ["objet_libre"], demande.pk) == ("",)
    assert list(Message.objects.filter(demande=demande).values_list("corps", flat=True)) == [None] * 3
    assert not PieceJointe.objects.exists()
    assert not any(default_storage.exists(f) for f in fichiers)
    # Les métadonnées anonymes restent, pour les statistiques.
    apres = Demande.objects.filter(pk=demande.pk).values(*metadonnees)[0]
    assert apres == metadonnees
    assert Message.objects.filter(demande=demande).count() == 3
    # Journalisé, sans donnée personnelle.
    entree = EntreeJournal.objects.get(action="purge", objet_id=str(demande.pk))
    assert entree.objet_type == "demandes.demande" and entree.acteur is None
    assert entree.details["pieces_jointes"] == 2 and entree.details["messages"] == 3
    assert "Dupont" not in str(entree.details)
    assert EntreeJournal.objects.filter(action="purge", objet_type="").count() == 1  # le bilan de la passe
    assert verifier_chaine() is None
    # Une seconde passe ne refait rien.
    assert retention.purger(maintenant + timedelta(days=1), ecrire=True).effacees == []


def test_simulation_ne_change_rien(demande_close):
    maintenant = datetime(2026, 8, 1, tzinfo=PARIS)
    bilan = retention.purger(maintenant)
    assert bilan.effacees == [demande_close.pk] and bilan.fichiers_effaces == 2
    demande_close.refresh_from_db()
    assert demande_close.usager_nom == IDENTITE["usager_nom"] and demande_close.donnees_effacees_le is None
    assert PieceJointe.objects.count() == 2
    assert not EntreeJournal.objects.filter(action="purge").exists()


def test_une_demande_ouverte_n_est_jamais_effacee(db):
    demande = DemandeFactory(envoyee_le=T0, structure=structure_dans(), auteur=UtilisateurFactory(), **IDENTITE)
    repondre(demande, T0 + timedelta(days=1))
    bilan = retention.purger(T0 + timedelta(days=400), ecrire=False)
    assert demande.pk not in bilan.effacees


# Demandes sans nouvelles : avertissement à 23 jours, clôture à 30


@pytest.fixture
def silencieuse(db):
    structure = structure_dans("01")
    auteur = UtilisateurFactory(email="auteur@example.fr")
    collegue = HabilitationFactory(role=Role.CONSEILLER, structure=structure).utilisateur
    HabilitationFactory(utilisateur=auteur, role=Role.CONSEILLER, structure=structure)
    HabilitationFactory(role=Role.CONSEILLER, structure=structure_dans("02"))  # une autre structure
    demande = DemandeFactory(envoyee_le=T0, structure=structure, auteur=auteur, **IDENTITE)
    repondre(demande, T0 + timedelta(days=1))  # dernier message : 6 janvier 10 h
    demande.refresh_from_db()
    return demande, {auteur.email, collegue.email}


def test_pas_d_avertissement_avant_23_jours(silencieuse):
    demande, _ = silencieuse
    bilan = retention.purger(demande.dernier_message_le + timedelta(days=23) - timedelta(minutes=1), ecrire=True)
    assert bilan.averties == [] and not mail.outbox


def test_avertissement_a_23_jours_puis_cloture_a_30(silencieuse, django_capture_on_commit_callbacks):
    demande, adresses = silencieuse
    dernier = demande.dernier_message_le

    with django_capture_on_commit_callbacks(execute=True):
        bilan = retention.purger(dernier + timedelta(days=23), ecrire=True)
    assert bilan.averties == [demande.pk] and bilan.courriels == 2
    assert {m.to[0] for m in mail.outbox} == adresses
    for courriel in mail.outbox:
        texte = courriel.subject + courriel.body
        for valeur in IDENTITE.values():
            assert valeur not in texte
        assert "Dupont" not in texte and "allocation" not in texte
        assert f"/espace/demandes/{demande.pk}/" in courriel.body
    avertissement = Relance.objects.get(demande=demande, nature=retention.NATURE_AVERTISSEMENT)
    assert avertissement.envoyee_le == dernier + timedelta(days=23)
    assert avertissement.routee_le == dernier and avertissement.destinataires == 2
    assert EntreeJournal.objects.filter(action="avertissement", objet_id=str(demande.pk)).count() == 1

    # Le lendemain : pas de second avertissement.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purger(dernier + timedelta(days=24), ecrire=True).averties == []
    assert not mail.outbox

    # À 30 jours moins une minute : toujours ouverte.
    assert retention.purger(dernier + timedelta(days=30, minutes=-1), ecrire=True).cloturees == []
    # À 30 jours : clôturée par le fil.
    maintenant = dernier + timedelta(days=30)
    bilan = retention.purger(maintenant, ecrire=True)
    assert bilan.cloturees == [demande.pk]
    demande.refresh_from_db()
    assert demande.statut_au(maintenant) == Statut.CLOTUREE
    assert demande.cloturee_le == maintenant and demande.utile == ""
    cloture = demande.messages.get(nature=Nature.CLOTURE)
    assert cloture.auteur is None and cloture.corps == retention.TEXTE_CLOTURE
    assert EntreeJournal.objects.filter(action="cloture_automatique", objet_id=str(demande.pk)).count() == 1
    assert verifier_chaine() is None

    # Six mois plus tard, ses données sont effacées.
    bilan = retention.purger(maintenant + timedelta(days=184), ecrire=True)
    assert bilan.effacees == [demande.pk]


def test_avertissement_en_retard_laisse_sept_jours(silencieuse):
    """Si la tâche n'a pas tourné, la demande est avertie d'abord et close seulement 7 jours après."""
    demande, _ = silencieuse
    maintenant = demande.dernier_message_le + timedelta(days=40)
    bilan = retention.purger(maintenant, ecrire=True)
    assert bilan.averties == [demande.pk] and bilan.cloturees == []
    assert retention.purger(maintenant + timedelta(days=6, hours=23), ecrire=True).cloturees == []
    assert retention.purger(maintenant + timedelta(days=7), ecrire=True).cloturees == [demande.pk]


def test_un_message_apres_l_avertissement_relance_le_decompte(silencieuse):
    demande, _ = silencieuse
    dernier = demande.dernier_message_le
    retention.purger(dernier + timedelta(days=23), ecrire=True)
    nouveau = dernier + timedelta(days=25)
    ajouter_au_fil(demande, Nature.MESSAGE, nouveau, cote="agent", auteur=demande.auteur, corps="Des nouvelles ?")
    assert retention.purger(dernier + timedelta(days=31), ecrire=True).cloturees == []
    assert retention.purger(nouveau + timedelta(days=22), ecrire=True).averties == []
    assert retention.purger(nouveau + timedelta(days=23), ecrire=True).averties == [demande.pk]
    assert Relance.objects.filter(demande=demande, nature=retention.NATURE_AVERTISSEMENT).count() == 2


def test_une_note_interne_n_est_pas_une_nouvelle(silencieuse):
    demande, _ = silencieuse
    dernier = demande.dernier_message_le
    ajouter_au_fil(demande, Nature.MESSAGE, dernier + timedelta(days=10), corps="note", interne=True)
    assert retention.purger(dernier + timedelta(days=23), ecrire=True).averties == [demande.pk]


def test_simulation_n_avertit_pas(silencieuse):
    demande, _ = silencieuse
    bilan = retention.purger(demande.dernier_message_le + timedelta(days=35))
    assert bilan.averties == [demande.pk] and bilan.courriels == 2
    assert not mail.outbox and not Relance.objects.exists()
    assert not EntreeJournal.objects.filter(action="avertissement").exists()


# La commande


def test_commande_simulation_puis_action(demande_close, django_capture_on_commit_callbacks):
    sortie = io.StringIO()
    call_command("purger_demandes", "--maintenant", "2026-07-11T09:00", stdout=sortie)
    assert "Simulation" in sortie.getvalue() and "1 dont les données personnelles sont effacées" in sortie.getvalue()
    assert Demande.objects.get(pk=demande_close.pk).donnees_effacees_le is None

    sortie = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purger_demandes", "--wet-run", "--maintenant", "2026-07-11T09:00", "-v", "2", stdout=sortie)
    assert "Fait" in sortie.getvalue() and f"n° {demande_close.pk}" in sortie.getvalue()
    assert Demande.objects.get(pk=demande_close.pk).donnees_effacees_le == datetime(2026, 7, 11, 9, tzinfo=PARIS)


def test_commande_date_illisible(db):
    with pytest.raises(CommandError, match="illisible"):
        call_command("purger_demandes", "--maintenant", "demain")
