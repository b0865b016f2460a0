import pytest
from django.urls import reverse

from guichet.comptes import services
from guichet.comptes.models import Habilitation, Role
from tests.comptes.conftest import connecter
from tests.comptes.factories import InvitationFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

ESPACE = reverse("comptes:espace") + "?compte=1"  # les agents sont sinon menés à leur bureau


def test_espace_du_responsable(client, monde):
    contenu = connecter(client, monde.gestionnaire_a1).get(ESPACE).content.decode()
    assert "Responsable de structure" in contenu
    assert reverse("gestion:structure", args=[monde.a1.pk]) in contenu
    assert reverse("gestion:agents", args=[monde.a1.pk]) in contenu
    assert reverse("gestion:liste") in contenu


def test_espace_du_conseiller_sans_lien_d_invitation(client, monde):
    contenu = connecter(client, monde.conseiller_a1).get(ESPACE).content.decode()
    assert "Conseiller France Services" in contenu
    assert reverse("gestion:structure", args=[monde.a1.pk]) in contenu
    assert reverse("gestion:agents", args=[monde.a1.pk]) not in contenu


def test_espace_du_referent_et_de_la_prefecture(client, monde):
    contenu = connecter(client, monde.referent_caf_a).get(ESPACE).content.decode()
    assert "Référent d&#x27;opérateur" in contenu or "Référent d'opérateur" in contenu
    assert "Les Allocations familiales, Ain (01)" in contenu
    assert "validée pour cette session" in contenu


def test_espace_sans_role(client, monde):
    contenu = connecter(client, monde.sans_role).get(ESPACE).content.decode()
    assert "aucun rôle" in contenu
    assert reverse("gestion:liste") not in contenu


def test_page_403_en_francais(client, monde):
    reponse = connecter(client, monde.conseiller_a1).get(reverse("gestion:modifier", args=[monde.a1.pk]))
    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.content.decode()


def test_accepter_une_invitation_d_une_autre_adresse_refuse(monde):
    invitation = InvitationFactory(email="lea@example.fr", structure=monde.a1)
    with pytest.raises(services.InvitationInutilisable):
        services.accepter_invitation(invitation, UtilisateurFactory(email="autre@example.fr"))
    assert not Habilitation.objects.filter(structure=monde.a1, utilisateur__email="autre@example.fr").exists()


def test_accepter_deux_fois_refuse(monde):
    invitation = InvitationFactory(email="lea@example.fr", structure=monde.a1)
    lea = UtilisateurFactory(email="lea@example.fr")
    services.accepter_invitation(invitation, lea)
    with pytest.raises(services.InvitationInutilisable):
        services.accepter_invitation(invitation, lea)  # objet en mémoire périmé : la base fait foi
    assert Habilitation.objects.filter(utilisateur=lea, role=Role.CONSEILLER).count() == 1


def test_invitations_en_attente(monde):
    active = InvitationFactory(structure=monde.a1)
    InvitationFactory(structure=monde.a1, expiree=True)
    InvitationFactory(structure=monde.a1, acceptee=True)
    assert list(monde.a1.invitations.en_attente()) == [active]


def test_duree_en_francais():
    from datetime import timedelta

    from guichet.comptes.templatetags.comptes_tags import duree

    assert duree(timedelta(minutes=15)) == "15 minutes"
    assert duree(timedelta(hours=1, minutes=30)) == "1 heure 30 minutes"
    assert duree(timedelta(hours=2)) == "2 heures"
    assert duree(timedelta(seconds=20)) == "1 minute"
