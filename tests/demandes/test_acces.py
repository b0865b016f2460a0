"""Qui voit une demande, et comment : chaque frontière refusée est éprouvée."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from guichet.demandes import permissions as permissions_demandes
from guichet.demandes import services
from guichet.demandes.models import PieceJointe
from guichet.journal.models import EntreeJournal
from tests.comptes.conftest import connecter
from tests.demandes.factories import SECRETS, ouvrir, pdf

COMPLET = {"conseiller_a1", "gestionnaire_a1", "referent_caf_a", "referent_caf_a2", "responsable_caf_a"}
ANONYME = {"national", "auditeur_national", "auditeur_a", "prefecture_a", "staff"}
AUCUN = {
    "conseiller_b",  # autre structure (autre département)
    "conseiller_a2",  # autre structure du même département
    "referent_cpam_a",  # autre opérateur
    "referent_caf_b",  # même opérateur, autre département
    "referent_local_b",
    "referent_ft_a",
    "sans_role",
    "inactif",
}


@pytest.fixture
def demande(m):
    return ouvrir(m, pieces=[(pdf(), "justificatif.pdf", "application/pdf")])


def test_matrice_des_acces(m, demande):
    for nom in COMPLET | ANONYME | AUCUN:
        user = getattr(m, nom)
        attendu = (
            permissions_demandes.ACCES_COMPLET
            if nom in COMPLET
            else permissions_demandes.ACCES_ANONYME
            if nom in ANONYME
            else None
        )
        assert permissions_demandes.acces_demande(user, demande) == attendu, nom
        assert (demande in permissions_demandes.demandes_accessibles(user)) == (nom in COMPLET), nom
    assert permissions_demandes.acces_demande(m.national, None) is None


@pytest.mark.parametrize("nom", sorted(AUCUN - {"inactif"}))
def test_hors_perimetre_la_demande_n_existe_pas(client, m, demande, nom):
    connecter(client, getattr(m, nom))
    piece = PieceJointe.objects.get()
    assert client.get(reverse("demandes:detail", args=[demande.pk])).status_code == 404
    assert client.get(reverse("demandes:piece_jointe", args=[piece.pk])).status_code == 404
    reponse = client.post(reverse("demandes:message", args=[demande.pk]), {"message-corps": "intrus"})
    assert reponse.status_code == 404
    assert demande.messages.count() == 1


@pytest.mark.parametrize("nom", sorted(ANONYME))
def test_vue_anonymisee_sans_identite_ni_message(client, m, demande, nom):
    services.ecrire(demande, m.referent_caf_a, "Réponse sur la situation confidentielle de Dupontel")
    connecter(client, getattr(m, nom))
    reponse = client.get(reverse("demandes:detail", args=[demande.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Vue anonymisée" in contenu
    assert not [s for s in SECRETS if s in contenu]
    assert "Droits suspendus" not in contenu  # l'objet libre non plus
    assert "justificatif.pdf" not in contenu
    # Demander l'identité (la pièce jointe, une action) : refusé.
    piece = PieceJointe.objects.get()
    assert client.get(reverse("demandes:piece_jointe", args=[piece.pk])).status_code == 403
    assert client.post(reverse("demandes:message", args=[demande.pk]), {"message-corps": "x"}).status_code == 403
    assert client.post(reverse("demandes:cloturer", args=[demande.pk]), {"cloture-utile": "oui"}).status_code == 403
    # La lecture anonyme est journalisée comme telle.
    assert EntreeJournal.objects.filter(
        acteur=getattr(m, nom), action="lecture", objet_id=str(demande.pk), details={"acces": "anonyme"}
    ).exists()


def test_liste_anonymisee_pour_la_prefecture(client, m, demande):
    ouvrir(m, auteur=m.conseiller_b, structure=m.b)
    connecter(client, m.prefecture_a)
    reponse = client.get(reverse("demandes:liste"), {"filtre": "toutes"})
    assert reponse.status_code == 200
    assert [d.pk for d in reponse.context["page_obj"].object_list] == [demande.pk]  # pas la demande de B
    contenu = reponse.content.decode()
    assert not [s for s in SECRETS if s in contenu] and "Droits suspendus" not in contenu


@pytest.mark.parametrize("nom", sorted(COMPLET))
def test_acces_complet(client, m, demande, nom):
    connecter(client, getattr(m, nom))
    reponse = client.get(reverse("demandes:detail", args=[demande.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Dupontel" in contenu and "280057505612389" in contenu and "Situation confidentielle" in contenu
    assert reponse["Cache-Control"].startswith("max-age=0") or "no-cache" in reponse["Cache-Control"]
    piece = PieceJointe.objects.get()
    telechargement = client.get(reverse("demandes:piece_jointe", args=[piece.pk]))
    assert telechargement.status_code == 200
    assert telechargement.content == pdf().read()
    assert telechargement["Content-Disposition"].startswith("attachment")
    lectures = EntreeJournal.objects.filter(acteur=getattr(m, nom), action="lecture", objet_id=str(demande.pk))
    assert lectures.count() == 2  # la page, puis la pièce jointe


def test_referent_invite_voit_la_demande(client, m, demande):
    connecter(client, m.referent_cpam_a)
    assert client.get(reverse("demandes:detail", args=[demande.pk])).status_code == 404
    services.inviter(demande, m.referent_caf_a, m.cpam)
    assert client.get(reverse("demandes:detail", args=[demande.pk])).status_code == 200


def test_note_interne_invisible_de_la_structure(client, m, demande):
    note = services.ecrire(
        demande,
        m.referent_caf_a,
        "Entre nous : dossier délicat",
        interne=True,
        pieces=[(pdf(), "n.pdf", "application/pdf")],
    )
    piece_note = note.pieces_jointes.get()
    connecter(client, m.conseiller_a1)
    assert "Entre nous" not in client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    assert client.get(reverse("demandes:piece_jointe", args=[piece_note.pk])).status_code == 404
    connecter(client, m.referent_caf_a2)
    assert "Entre nous" in client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()


def test_session_expiree_renvoie_a_la_connexion(client, m, demande, settings):
    connecter(client, m.conseiller_a1)
    url = reverse("demandes:detail", args=[demande.pk])
    assert client.get(url).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("comptes:connexion"))
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_referent_sans_second_facteur_renvoye_au_code(client, m, demande):
    connecter(client, m.referent_caf_a, verifie=False)
    reponse = client.get(reverse("demandes:detail", args=[demande.pk]))
    assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("comptes:double_facteur"))


def test_anonyme_renvoye_a_la_connexion(client, demande):
    for url in (reverse("demandes:liste"), reverse("demandes:nouvelle"), reverse("demandes:detail", args=[demande.pk])):
        reponse = client.get(url)
        assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("comptes:connexion"))


def test_sans_role_n_a_pas_de_liste(client, m):
    connecter(client, m.sans_role)
    assert client.get(reverse("demandes:liste")).status_code == 403
    assert client.get(reverse("demandes:nouvelle")).status_code == 403
    connecter(client, m.referent_caf_a)
    assert client.get(reverse("demandes:nouvelle")).status_code == 403


def test_actions_selon_le_cote_et_l_etat(m, demande):
    def actions(user):
        return permissions_demandes.actions_demande(
            user, demande, permissions_demandes.cote_dans_demande(user, demande)
        )

    assert actions(m.conseiller_a1) == {"message", "cloture"}
    assert actions(m.referent_caf_a) == {"message", "rapides", "invitation", "reroutage"}
    assert actions(m.responsable_caf_a) == {"message", "rapides", "invitation", "reroutage"}
    # Un opérateur invité écrit, prend en charge et invite, mais ne réoriente pas la demande.
    services.inviter(demande, m.referent_caf_a, m.cpam)
    assert actions(m.referent_cpam_a) == {"message", "rapides", "invitation"}
    # Personne n'agit sur le fil sans en être : ni la préfecture (accès anonyme), ni une autre structure.
    assert actions(m.prefecture_a) == set()
    assert actions(m.conseiller_a2) == set()
    services.cloturer(demande, m.conseiller_a1, "oui")
    assert actions(m.conseiller_a1) == {"reouverture"}
    assert actions(m.referent_caf_a) == set()


def test_prefecture_sans_demande_dans_son_departement_a_une_liste_vide(client, m):
    connecter(client, m.prefecture_a)
    reponse = client.get(reverse("demandes:liste"))
    assert reponse.status_code == 200
    assert reponse.context["vue"] == "anonyme"
    assert reponse.context["page_obj"].paginator.count == 0


def test_liste_anonymisee_ne_lit_pas_l_objet_libre(client, m, demande):
    connecter(client, m.prefecture_a)
    reponse = client.get(reverse("demandes:liste"), {"filtre": "toutes"})
    (ligne,) = reponse.context["page_obj"].object_list
    assert "objet_libre" in ligne.get_deferred_fields() and "Droits suspendus" not in reponse.content.decode()
    connecter(client, m.conseiller_a1)
    reponse = client.get(reverse("demandes:liste"), {"filtre": "toutes"})
    assert "Droits suspendus" in reponse.content.decode()  # l'agent de la structure la lit, déchiffrée
