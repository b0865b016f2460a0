"""Le statut se déduit du fil ; les dates recopiées sur la demande sont celles du fil."""

from datetime import datetime, timedelta

import pytest

from guichet.demandes import echeances, services
from guichet.demandes.models import CHAMPS_DU_FIL, Cote, Demande, Message, Nature, Statut, Utilite
from tests.demandes.factories import LUNDI, PARIS, ouvrir

H = timedelta(hours=1)


def _statuts_coherents(demande, maintenant):
    """Le statut de l'objet et le filtre de QuerySet du même nom désignent la même chose."""
    statut = demande.statut_au(maintenant)
    for s in Statut:
        dedans = Demande.objects.avec_statut(s, maintenant).filter(pk=demande.pk).exists()
        assert dedans == (s == statut), (s, statut)
    return statut


def test_echeance_a_l_envoi(m):
    demande = ouvrir(m)
    assert demande.departement == m.dep_a
    assert demande.operateur == demande.operateur_initial == m.caf
    assert demande.echeance_le == datetime(2026, 3, 12, 10, 0, tzinfo=PARIS)
    assert demande.echeance_le == echeances.echeance(LUNDI, "01")
    # Envoyée un vendredi à 16 h : le week-end ne compte pas.
    vendredi = ouvrir(m, maintenant=datetime(2026, 3, 13, 16, 0, tzinfo=PARIS))
    assert vendredi.echeance_le == datetime(2026, 3, 18, 16, 0, tzinfo=PARIS)


def test_statuts_le_long_du_fil(m):
    demande = ouvrir(m)
    assert _statuts_coherents(demande, LUNDI + H) == Statut.ENVOYEE
    assert demande.heures_restantes(LUNDI + H) == timedelta(hours=71)

    services.prendre_en_charge(demande, m.referent_caf_a, maintenant=LUNDI + 2 * H)
    assert _statuts_coherents(demande, LUNDI + 3 * H) == Statut.PRISE_EN_CHARGE
    assert demande.prise_en_charge_par == m.referent_caf_a
    assert demande.premiere_reponse_le is None  # « je m'en occupe » n'est pas une réponse

    services.ecrire(demande, m.referent_caf_a, "Note pour ma collègue", interne=True, maintenant=LUNDI + 4 * H)
    assert _statuts_coherents(demande, LUNDI + 5 * H) == Statut.PRISE_EN_CHARGE

    services.ecrire(demande, m.referent_caf_a, "Pouvez-vous préciser ?", maintenant=LUNDI + 6 * H)
    assert demande.premiere_reponse_le == LUNDI + 6 * H
    assert _statuts_coherents(demande, LUNDI + 7 * H) == Statut.REPONSE_RECUE

    services.ecrire(demande, m.conseiller_a1, "Voici la précision.", maintenant=LUNDI + 8 * H)
    assert _statuts_coherents(demande, LUNDI + 9 * H) == Statut.EN_ATTENTE
    # Une fois la première réponse donnée, le délai ne court plus : jamais « en retard ».
    assert _statuts_coherents(demande, LUNDI + timedelta(days=30)) == Statut.EN_ATTENTE
    assert demande.heures_restantes(LUNDI + 9 * H) is None

    services.marquer_traitee(demande, m.referent_caf_a2, "Dossier régularisé.", maintenant=LUNDI + 10 * H)
    assert _statuts_coherents(demande, LUNDI + 11 * H) == Statut.TRAITEE
    assert demande.premiere_reponse_le == LUNDI + 6 * H

    services.cloturer(demande, m.gestionnaire_a1, Utilite.OUI, maintenant=LUNDI + 12 * H)
    assert _statuts_coherents(demande, LUNDI + 13 * H) == Statut.CLOTUREE
    assert (demande.cloturee_le, demande.utile) == (LUNDI + 12 * H, "oui")

    services.rouvrir(demande, m.conseiller_a1, "Ce n'est pas réglé", maintenant=LUNDI + 14 * H)
    assert _statuts_coherents(demande, LUNDI + 15 * H) == Statut.EN_ATTENTE
    assert (demande.cloturee_le, demande.utile, demande.traitee_le) == (None, "", None)


def test_en_retard_apres_72_heures_ouvrees(m):
    demande = ouvrir(m)
    echeance = datetime(2026, 3, 12, 10, 0, tzinfo=PARIS)
    assert _statuts_coherents(demande, echeance - timedelta(minutes=1)) == Statut.ENVOYEE
    assert _statuts_coherents(demande, echeance + timedelta(minutes=1)) == Statut.EN_RETARD
    assert list(Demande.objects.en_retard(echeance + H)) == [demande]
    assert not Demande.objects.en_retard(echeance - H).exists()
    # Le vendredi 13 à 12 h : 26 heures ouvrées de retard ; le lundi suivant à 12 h, 26 aussi + 12.
    assert demande.heures_restantes(datetime(2026, 3, 13, 12, 0, tzinfo=PARIS)) == -timedelta(hours=26)
    assert demande.heures_restantes(datetime(2026, 3, 16, 12, 0, tzinfo=PARIS)) == -timedelta(hours=50)
    # Une prise en charge n'arrête pas le retard.
    services.prendre_en_charge(demande, m.referent_caf_a, maintenant=echeance + H)
    assert _statuts_coherents(demande, echeance + 2 * H) == Statut.EN_RETARD


def test_reorientation_repart_a_zero_pour_le_nouvel_operateur(m):
    demande = ouvrir(m)
    services.prendre_en_charge(demande, m.referent_caf_a, maintenant=LUNDI + H)
    mardi = LUNDI + timedelta(days=1)
    services.rerouter(demande, m.referent_caf_a, m.cpam, "Relève de la CPAM", maintenant=mardi)
    assert demande.operateur == m.cpam and demande.operateur_initial == m.caf and demande.reroutee
    assert demande.routee_le == mardi
    assert demande.echeance_le == datetime(2026, 3, 13, 10, 0, tzinfo=PARIS)
    assert demande.prise_en_charge_le is None
    assert _statuts_coherents(demande, mardi + H) == Statut.ENVOYEE


def test_le_fil_recalcule_donne_le_meme_etat(m):
    """`appliquer_fil` repart des messages : l'état recopié ne dépend pas de l'ordre des appels."""
    demande = ouvrir(m)
    services.ecrire(demande, m.referent_caf_a, "Réponse", maintenant=LUNDI + H)
    services.rerouter(demande, m.referent_caf_a, m.cpam, maintenant=LUNDI + 2 * H)
    services.inviter(demande, m.referent_cpam_a, m.caf, maintenant=LUNDI + 3 * H)
    services.marquer_traitee(demande, m.referent_caf_a2, "Dossier régularisé.", maintenant=LUNDI + 4 * H)
    services.cloturer(demande, m.conseiller_a1, Utilite.NE_SAIT_PAS, maintenant=LUNDI + 5 * H)
    avant = {c: getattr(demande, c) for c in ["operateur_id" if c == "operateur" else c for c in CHAMPS_DU_FIL]}
    Demande.objects.filter(pk=demande.pk).update(
        premiere_reponse_le=None, cloturee_le=None, utile="", attente_de=Cote.REFERENT, operateur=m.caf
    )
    relue = Demande.objects.get(pk=demande.pk)
    relue.appliquer_fil()
    relue = Demande.objects.get(pk=demande.pk)
    assert {c: getattr(relue, c) for c in avant} == avant
    assert relue.premiere_reponse_le == LUNDI + 4 * H  # la réponse à la CAF ne compte plus après réorientation
    assert relue.operateur == m.cpam and relue.utile == Utilite.NE_SAIT_PAS


def test_identite_chiffree_en_base(m):
    from django.db import connection

    demande = ouvrir(m)
    services.ecrire(demande, m.referent_caf_a, "Réponse très confidentielle", maintenant=LUNDI + H)
    with connection.cursor() as curseur:
        curseur.execute("SELECT usager_nom, usager_nir, description FROM demandes_demande WHERE id = %s", [demande.pk])
        ligne = curseur.fetchone()
        curseur.execute("SELECT corps FROM demandes_message WHERE nature = 'message'")
        (corps,) = curseur.fetchone()
    assert "Dupontel" not in ligne[0] and "280057505612389" not in ligne[1] and "confidentielle" not in ligne[2]
    assert "confidentielle" not in corps
    relue = Demande.objects.get(pk=demande.pk)
    assert (relue.usager_nom, relue.usager_date_naissance_date.year) == ("Dupontel", 1980)
    assert Message.objects.get(nature=Nature.MESSAGE).corps == "Réponse très confidentielle"


def test_statut_inconnu():
    with pytest.raises(ValueError):
        Demande.objects.avec_statut("perdue")
