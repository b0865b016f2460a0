"""Courriels sans donnée personnelle ; rappels, escalade et récapitulatif idempotents (horloge simulée)."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from guichet.demandes import relances, services
from guichet.demandes.models import Recapitulatif, Relance
from tests.demandes.factories import LUNDI, PARIS, SECRETS, ouvrir, pdf

RAPPEL = datetime(2026, 3, 11, 10, 0, tzinfo=PARIS)  # 48 heures ouvrées après LUNDI
ECHEANCE = datetime(2026, 3, 12, 10, 0, tzinfo=PARIS)  # 72 heures ouvrées après LUNDI
MINUTE = timedelta(minutes=1)


def _sans_secret(courriels):
    for courriel in courriels:
        texte = f"{courriel.subject}\n{courriel.body}\n{courriel.to}"
        fuites = [s for s in SECRETS if s in texte]
        assert not fuites, (courriel.subject, fuites)
        assert "Droits suspendus" not in texte  # pas même l'objet


def test_nouvelle_demande_previent_chaque_referent(m, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demande = ouvrir(m, pieces=[(pdf(), "a.pdf", "application/pdf")])
    assert sorted(c.to for c in mail.outbox) == sorted([[m.referent_caf_a.email], [m.referent_caf_a2.email]])
    assert {c.subject for c in mail.outbox} == {
        f"Nouvelle demande — demande n° {demande.pk} — la CAF — {demande.structure.nom}"
    }
    assert all(f"/espace/demandes/{demande.pk}/" in c.body for c in mail.outbox)
    _sans_secret(mail.outbox)


def test_pas_de_courriel_avant_la_validation(m, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        ouvrir(m)
    assert not mail.outbox and len(rappels) == 1


def test_messages_previennent_l_autre_cote(m, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demande = ouvrir(m)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ecrire(demande, m.referent_caf_a, "Réponse avec Dupontel")
    assert [c.to for c in mail.outbox] == [[m.conseiller_a1.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ecrire(demande, m.referent_caf_a, "note Jeannine", interne=True)
    assert not mail.outbox  # une note interne ne prévient personne
    with django_capture_on_commit_callbacks(execute=True):
        services.ecrire(demande, m.conseiller_a1, "Précision sur 280057505612389")
    assert sorted(c.to[0] for c in mail.outbox) == sorted([m.referent_caf_a.email, m.referent_caf_a2.email])
    with django_capture_on_commit_callbacks(execute=True):
        services.prendre_en_charge(demande, m.referent_caf_a2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ecrire(demande, m.conseiller_a1, "Autre précision")
    assert [c.to for c in mail.outbox] == [[m.referent_caf_a2.email]]  # celle qui s'en occupe
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.inviter(demande, m.referent_caf_a2, m.cpam)
    assert [c.to for c in mail.outbox] == [[m.referent_cpam_a.email]]
    _sans_secret(mail.outbox)


def _ouvrir(m, **kwargs):
    """Une demande ouverte dont la notification « nouvelle demande » est déjà partie (il y a longtemps)."""
    from guichet.demandes import taches

    demande = ouvrir(m, **kwargs)
    taches.notifier_demande.call(demande.pk)
    mail.outbox.clear()
    return demande


def _relancer(maintenant, capture):
    """Une exécution de la commande périodique ; les récapitulatifs quotidiens sont retirés de mail.outbox."""
    with capture(execute=True):
        bilan = relances.relancer(maintenant)
    mail.outbox[:] = [c for c in mail.outbox if "récapitulatif" not in c.subject]
    return bilan


def test_rappels_et_escalade_une_seule_fois(m, django_capture_on_commit_callbacks):
    demande = _ouvrir(m)
    capture = django_capture_on_commit_callbacks
    assert str(_relancer(RAPPEL - MINUTE, capture)).startswith("0 rappel(s) à 48 h, 0 rappel(s) d'échéance")
    assert not mail.outbox

    bilan = _relancer(RAPPEL + MINUTE, capture)
    assert bilan.rappels_48h == 1 and bilan.rappels_echeance == bilan.escalades == 0
    assert sorted(c.to[0] for c in mail.outbox) == sorted([m.referent_caf_a.email, m.referent_caf_a2.email])
    assert {c.subject.split(" — ")[0] for c in mail.outbox} == {"Rappel"}
    mail.outbox.clear()
    assert _relancer(RAPPEL + 15 * MINUTE, capture).rappels_48h == 0  # déjà envoyé
    assert not mail.outbox

    bilan = _relancer(ECHEANCE + MINUTE, capture)
    assert (bilan.rappels_48h, bilan.rappels_echeance, bilan.escalades) == (0, 1, 1)
    destinataires = sorted((c.subject.split(" — ")[0], c.to[0]) for c in mail.outbox)
    assert destinataires == sorted(
        [
            ("Demande en retard", m.responsable_caf_a.email),
            ("Échéance atteinte", m.referent_caf_a.email),
            ("Échéance atteinte", m.referent_caf_a2.email),
        ]
    )
    _sans_secret(mail.outbox)
    mail.outbox.clear()
    for plus_tard in (ECHEANCE + 15 * MINUTE, ECHEANCE + timedelta(days=3)):
        bilan = _relancer(plus_tard, capture)
        assert (bilan.rappels_48h, bilan.rappels_echeance, bilan.escalades) == (0, 0, 0)
    assert not mail.outbox
    assert Relance.objects.filter(demande=demande).count() == 3


def test_une_reponse_arrete_les_rappels(m, django_capture_on_commit_callbacks):
    _ouvrir(m)
    demande = _ouvrir(m)
    services.ecrire(demande, m.referent_caf_a, "Réponse", maintenant=LUNDI + timedelta(hours=1))
    bilan = _relancer(ECHEANCE + MINUTE, django_capture_on_commit_callbacks)
    assert (bilan.rappels_echeance, bilan.escalades) == (1, 1)  # l'autre demande seulement
    assert not Relance.objects.filter(demande=demande).exists()


def test_service_arrete_pas_deux_rappels_d_un_coup(m, django_capture_on_commit_callbacks):
    _ouvrir(m)
    bilan = _relancer(ECHEANCE + timedelta(hours=5), django_capture_on_commit_callbacks)
    assert (bilan.rappels_48h, bilan.rappels_echeance, bilan.escalades) == (0, 1, 1)


def test_escalade_sans_responsable_signalee(m, django_capture_on_commit_callbacks):
    demande = _ouvrir(m, operateur=m.cpam)
    bilan = _relancer(ECHEANCE + MINUTE, django_capture_on_commit_callbacks)
    assert bilan.escalades == 1 and bilan.escalades_sans_responsable == [demande.pk]
    assert f"demandes n° {demande.pk}" in str(bilan)
    assert Relance.objects.get(demande=demande, nature=Relance.Nature.ESCALADE).destinataires == 0


def test_reorientation_donne_de_nouveaux_rappels(m, django_capture_on_commit_callbacks):
    demande = _ouvrir(m)
    _relancer(RAPPEL + MINUTE, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.rerouter(demande, m.referent_caf_a, m.cpam, maintenant=RAPPEL + timedelta(hours=1))
    mail.outbox.clear()
    bilan = _relancer(RAPPEL + timedelta(hours=1) + timedelta(days=2) + MINUTE, django_capture_on_commit_callbacks)
    assert bilan.rappels_48h == 1
    assert [c.to for c in mail.outbox if c.subject.startswith("Rappel —")] == [[m.referent_cpam_a.email]]


def test_recapitulatif_quotidien(m, django_capture_on_commit_callbacks):
    _ouvrir(m)
    _ouvrir(m)
    capture = django_capture_on_commit_callbacks
    mardi_7h = datetime(2026, 3, 10, 7, 30, tzinfo=PARIS)
    with capture(execute=True):
        assert relances.recapituler(mardi_7h) == 0  # avant 8 h
    mardi_8h = datetime(2026, 3, 10, 8, 5, tzinfo=PARIS)
    with capture(execute=True):
        relances.recapituler(mardi_8h)
    recaps = [c for c in mail.outbox if c.subject == "Votre récapitulatif quotidien guichet"]
    # Seuls les référents qui ont des demandes à traiter le reçoivent (les deux CAF de A).
    assert sorted(c.to[0] for c in recaps) == sorted([m.referent_caf_a.email, m.referent_caf_a2.email])
    assert all("2 demandes attendent une réponse" in c.body for c in recaps)
    _sans_secret(recaps)
    mail.outbox.clear()
    with capture(execute=True):
        relances.recapituler(mardi_8h + timedelta(hours=3))
    assert not mail.outbox  # une fois par jour
    samedi = datetime(2026, 3, 14, 9, 0, tzinfo=PARIS)
    with capture(execute=True):
        assert relances.recapituler(samedi) == 0
    assert Recapitulatif.objects.filter(jour=mardi_8h.date()).count() > 2


def test_commande_a_blanc_puis_pour_de_vrai(m, capsys, django_capture_on_commit_callbacks):
    _ouvrir(m)
    call_command("relancer_demandes", "--maintenant", "2026-03-12T10:01")
    assert "Simulation" in capsys.readouterr().out
    assert not Relance.objects.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        call_command("relancer_demandes", "--wet-run", "--maintenant", "2026-03-12T10:01")
    assert "1 rappel(s) d'échéance, 1 escalade(s)" in capsys.readouterr().out
    assert Relance.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("relancer_demandes", "--wet-run", "--maintenant", "2026-03-12T10:16")
    assert "0 rappel(s) d'échéance, 0 escalade(s)" in capsys.readouterr().out


def test_commande_date_illisible(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--maintenant"):
        call_command("relancer_demandes", "--maintenant", "jeudi")


def test_evenements_proches_regroupes_en_un_courriel(m):
    from guichet.demandes import taches
    from guichet.demandes.models import NotificationEnAttente

    # Trois événements en quelques minutes, avant que la tâche différée ne parte : un courriel par
    # destinataire, qui les rassemble, au sujet qui nomme la demande, l'opérateur et la structure.
    demande = ouvrir(m)
    services.ecrire(demande, m.referent_caf_a, "Une première réponse")
    services.marquer_traitee(demande, m.referent_caf_a, "Dossier régularisé")
    assert NotificationEnAttente.objects.filter(demande=demande).count() == 3
    assert taches.notifier_demande.call(demande.pk) == 3  # deux référents (nouvelle), l'agent (deux messages)
    agent = [c for c in mail.outbox if c.to == [m.conseiller_a1.email]]
    assert len(agent) == 1
    assert agent[0].subject == f"Nouveau message — demande n° {demande.pk} — la CAF — {demande.structure.nom}"
    assert "La CAF a répondu" in agent[0].body
    # La tâche suivante (programmée par le deuxième événement) ne trouve plus rien à envoyer.
    assert taches.notifier_demande.call(demande.pk) == 0 and len(mail.outbox) == 3
    _sans_secret(mail.outbox)
