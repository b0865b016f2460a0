"""Une demande envoyée sous un mandat enregistré : le mandat doit être de la structure, valide et couvrir
l'opérateur et la démarche, sinon rien n'est envoyé et le message dit pourquoi ; le référent voit la portée et
la validité du mandat sur la demande ; l'usage est journalisé, et un mandat pour une seule démarche ne sert
qu'une fois."""

import datetime

from django.urls import reverse
from django.utils import timezone

from guichet.demandes.models import Demande
from guichet.demarches.models import Demarche
from guichet.journal.models import EntreeJournal
from guichet.mandats import services as mandats
from guichet.mandats.models import Mandat
from tests.comptes.conftest import connecter
from tests.demandes.test_vues import _formulaire


def _mandat(m, **changement):
    arguments = {
        "agent": m.conseiller_a1,
        "structure": m.a1,
        "nom": "Dupontel",
        "prenom": "Jeannine",
        "date_naissance": datetime.date(1980, 5, 17),
        "operateurs": [m.caf],
        "duree": Mandat.Duree.PERIODE,
        "consentement": Mandat.Consentement.CASE,
        "attestation": True,
    } | changement
    return mandats.recueillir(**arguments).mandat


def _envoyer(client, m, mandat, **autres):
    donnees = _formulaire(m, mandat_reference=mandat.reference, mandat_nature="", mandat_date="", **autres)
    return client.post(reverse("demandes:nouvelle"), donnees)


def test_une_demande_sous_mandat_valide_est_envoyee_et_l_usage_journalise(client, m):
    mandat = _mandat(m)
    connecter(client, m.conseiller_a1)
    reponse = _envoyer(client, m, mandat)
    demande = Demande.objects.get()
    assert reponse.status_code == 302
    assert demande.mandat == mandat and demande.mandat_nature == "enregistre" and demande.mandat_date == mandat.debut
    entree = EntreeJournal.objects.get(action="utilisation", objet_type="mandats.mandat")
    assert entree.details["operateur"] == "caf" and entree.details["objet"] == f"demandes.demande:{demande.pk}"


def test_le_referent_voit_la_portee_et_la_validite_du_mandat(client, m):
    mandat = _mandat(m)
    connecter(client, m.conseiller_a1)
    _envoyer(client, m, mandat)
    connecter(client, m.referent_caf_a)
    contenu = client.get(Demande.objects.get().get_absolute_url()).content.decode()
    assert f"Mandat {mandat.reference}" in contenu
    assert "Valide" in contenu and mandat.fin.strftime("%d/%m/%Y") in contenu and m.caf.nom in contenu


def test_une_demande_hors_de_la_portee_est_refusee_avec_la_raison(client, m):
    mandat = _mandat(m)
    connecter(client, m.conseiller_a1)
    reponse = _envoyer(client, m, mandat, operateur=m.cpam.pk)
    assert reponse.status_code == 200 and not Demande.objects.exists()
    assert f"Le mandat {mandat.reference} ne couvre pas {m.cpam.nom}" in reponse.content.decode().replace("&#x27;", "'")


def test_une_demarche_hors_du_mandat_est_refusee(client, m):
    couverte, autre = Demarche.objects.filter(operateur=m.caf)[:2]
    mandat = _mandat(m, demarches=[couverte])
    connecter(client, m.conseiller_a1)
    reponse = _envoyer(client, m, mandat, objet=autre.pk)
    assert not Demande.objects.exists()
    assert "ne couvre pas la démarche" in reponse.content.decode()
    assert _envoyer(client, m, mandat, objet=couverte.pk).status_code == 302


def test_un_mandat_revoque_ou_expire_est_refuse(client, m):
    revoque = _mandat(m)
    mandats.revoquer(revoque, auteur=m.conseiller_a1)
    connecter(client, m.conseiller_a1)
    assert "a été révoqué le" in _envoyer(client, m, revoque).content.decode()
    expire = _mandat(m)
    Mandat.objects.filter(pk=expire.pk).update(fin=timezone.localdate() - datetime.timedelta(days=1))
    assert "a pris fin le" in _envoyer(client, m, expire).content.decode()
    assert not Demande.objects.exists()


def test_un_mandat_pour_une_seule_demarche_ne_sert_qu_une_fois(client, m):
    mandat = _mandat(m, duree=Mandat.Duree.DEMARCHE)
    connecter(client, m.conseiller_a1)
    assert _envoyer(client, m, mandat).status_code == 302
    reponse = _envoyer(client, m, mandat, accompagnement="")
    assert "une seule démarche, déjà faite" in reponse.content.decode()
    assert Demande.objects.count() == 1


def test_le_mandat_d_une_autre_structure_est_inconnu(client, m):
    mandat = _mandat(m, agent=m.conseiller_a2, structure=m.a2)
    connecter(client, m.conseiller_a1)
    reponse = _envoyer(client, m, mandat)
    assert "aucun mandat de cette France services ne porte cette référence" in reponse.content.decode()
    assert not Demande.objects.exists()


def test_sans_reference_la_nature_et_la_date_restent_exigees(client, m):
    connecter(client, m.conseiller_a1)
    reponse = client.post(reverse("demandes:nouvelle"), _formulaire(m, mandat_nature="", mandat_date=""))
    contenu = reponse.content.decode()
    assert "« Nature du mandat » : choisissez-la" in contenu and "« Date du mandat » : indiquez-la" in contenu
    assert not Demande.objects.exists()


def test_le_referent_voit_qui_est_le_conseiller_et_son_habilitation(client, m):
    from guichet.reseau.models import Structure
    from tests.formation.factories import former

    connecter(client, m.conseiller_a1)
    client.post(reverse("demandes:nouvelle"), _formulaire(m))
    demande = Demande.objects.get()
    connecter(client, m.referent_caf_a)
    contenu = client.get(demande.get_absolute_url()).content.decode()
    assert "Non habilité" in contenu
    Structure.objects.filter(pk=m.a1.pk).update(statut=Structure.Statut.LABELLISEE)
    former(m.conseiller_a1, m.a1)
    contenu = client.get(demande.get_absolute_url()).content.decode()
    assert "Tiers de confiance habilité" in contenu
