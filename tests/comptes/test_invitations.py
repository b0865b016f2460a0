import re

import pytest
from django.core import mail
from django.urls import reverse

from guichet.comptes.models import Habilitation, Invitation, Role, Utilisateur
from tests.comptes.conftest import connecter
from tests.comptes.factories import MOT_DE_PASSE, InvitationFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

BON_MOT_DE_PASSE = "Une phrase de passe solide 2026 !"


def lien_du_mail(message):
    url = re.search(r"https?://\S+/comptes/invitation/(\S+)/", message.body)
    assert url, message.body
    return reverse("comptes:invitation", args=[url.group(1)])


def inscription(**autres):
    return {
        "first_name": "Léa",
        "last_name": "Durand",
        "password1": BON_MOT_DE_PASSE,
        "password2": BON_MOT_DE_PASSE,
        **autres,
    }


def test_parcours_complet(client, monde):
    # Le responsable invite depuis la page de l'équipe.
    connecter(client, monde.gestionnaire_a1)
    reponse = client.post(
        reverse("gestion:inviter", args=[monde.a1.pk]),
        {"email": "Lea.Durand@Example.fr", "role": "conseiller"},
    )
    assert reponse.status_code == 302
    assert reponse.url == reverse("gestion:agents", args=[monde.a1.pk])
    assert "lea.durand@example.fr" in client.get(reponse.url).content.decode()  # en attente

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea.durand@example.fr"]
    assert "France services A1" in message.body
    lien = lien_du_mail(message)
    client.logout()

    # La personne ouvre le lien et crée son compte.
    page = client.get(lien)
    assert page.status_code == 200
    assert "lea.durand@example.fr" in page.content.decode()
    reponse = client.post(lien, inscription())
    assert reponse.status_code == 302
    assert reponse.url == reverse("comptes:espace")

    lea = Utilisateur.objects.get(email="lea.durand@example.fr")
    assert lea.get_full_name() == "Léa Durand"
    assert lea.check_password(BON_MOT_DE_PASSE)
    assert Habilitation.objects.get(utilisateur=lea).structure == monde.a1
    assert Habilitation.objects.get(utilisateur=lea).role == Role.CONSEILLER
    assert Invitation.objects.get().acceptee_le is not None
    espace = client.get(reverse("comptes:espace"), {"compte": "1"})
    assert espace.status_code == 200
    assert "France services A1" in espace.content.decode()

    # Le lien ne sert qu'une fois.
    client.logout()
    reponse = client.get(lien)
    assert reponse.status_code == 410
    assert "déjà été utilisé" in reponse.content.decode()
    reponse = client.post(lien, inscription(first_name="Intrus"))
    assert reponse.status_code == 410
    assert Utilisateur.objects.filter(first_name="Intrus").count() == 0


def test_lien_expire(client):
    invitation = InvitationFactory(expiree=True)
    lien = reverse("comptes:invitation", args=[invitation.jeton])
    reponse = client.get(lien)
    assert reponse.status_code == 410
    assert "a expiré" in reponse.content.decode()
    assert client.post(lien, inscription()).status_code == 410
    assert not Utilisateur.objects.filter(email=invitation.email).exists()


def test_lien_inconnu(client):
    reponse = client.get(reverse("comptes:invitation", args=["nimporte-quoi"]))
    assert reponse.status_code == 404
    assert "n'existe pas" in reponse.content.decode()


def test_mot_de_passe_faible_refuse(client):
    invitation = InvitationFactory()
    lien = reverse("comptes:invitation", args=[invitation.jeton])
    reponse = client.post(lien, inscription(password1="motdepasse", password2="motdepasse"))
    assert reponse.status_code == 200
    assert not Utilisateur.objects.filter(email=invitation.email).exists()
    assert reponse.context["form"].errors["password1"]


def test_mot_de_passe_proche_de_l_adresse_refuse(client):
    invitation = InvitationFactory(email="jean.dupontel@example.fr")
    lien = reverse("comptes:invitation", args=[invitation.jeton])
    reponse = client.post(lien, inscription(password1="jean.dupontel", password2="jean.dupontel"))
    assert reponse.status_code == 200
    assert not Utilisateur.objects.filter(email=invitation.email).exists()


def test_mots_de_passe_differents_refuses(client):
    invitation = InvitationFactory()
    reponse = client.post(
        reverse("comptes:invitation", args=[invitation.jeton]), inscription(password2=BON_MOT_DE_PASSE + "x")
    )
    assert "Les deux mots de passe ne sont pas identiques." in reponse.content.decode()
    assert Invitation.objects.get().acceptee_le is None


def test_compte_existant_doit_se_connecter(client):
    existant = UtilisateurFactory(email="deja@example.fr")
    invitation = InvitationFactory(email="deja@example.fr", role=Role.GESTIONNAIRE)
    lien = reverse("comptes:invitation", args=[invitation.jeton])

    page = client.get(lien)
    assert page.status_code == 200
    assert "Un compte existe déjà" in page.content.decode()
    # Sans connexion, aucun moyen de s'approprier le compte ni de le rattacher.
    reponse = client.post(lien, inscription())
    assert reponse.status_code == 200
    assert not Habilitation.objects.filter(utilisateur=existant).exists()

    # Connexion puis retour au lien : rattachement.
    reponse = client.post(
        reverse("comptes:connexion"), {"username": "deja@example.fr", "password": MOT_DE_PASSE, "next": lien}
    )
    assert reponse.url == lien
    assert "Rejoindre l'équipe" in client.get(lien).content.decode()
    reponse = client.post(lien)
    assert reponse.status_code == 302
    habilitation = Habilitation.objects.get(utilisateur=existant)
    assert (habilitation.role, habilitation.structure) == (Role.GESTIONNAIRE, invitation.structure)
    assert client.post(lien).status_code == 410


def test_connecte_avec_un_autre_compte(client):
    UtilisateurFactory(email="deja@example.fr")
    autre = UtilisateurFactory(email="autre@example.fr")
    invitation = InvitationFactory(email="deja@example.fr")
    connecter(client, autre)
    lien = reverse("comptes:invitation", args=[invitation.jeton])
    assert "connecté·e avec un autre compte" in client.get(lien).content.decode()
    client.post(lien)
    assert not Habilitation.objects.exists()
    assert Invitation.objects.get().acceptee_le is None


def test_connecte_alors_que_l_invite_n_a_pas_de_compte(client):
    autre = UtilisateurFactory(email="autre@example.fr")
    invitation = InvitationFactory(email="nouveau@example.fr")
    connecter(client, autre)
    lien = reverse("comptes:invitation", args=[invitation.jeton])
    client.post(lien, inscription())
    assert not Utilisateur.objects.filter(email="nouveau@example.fr").exists()
    assert not Habilitation.objects.exists()


def test_message_identique_compte_existant_ou_non(client, monde):
    UtilisateurFactory(email="deja@example.fr")
    connecter(client, monde.gestionnaire_a1)
    for email in ("deja@example.fr", "nouveau@example.fr"):
        client.post(reverse("gestion:inviter", args=[monde.a1.pk]), {"email": email, "role": "conseiller"})
    deja, nouveau = mail.outbox
    assert deja.subject == nouveau.subject
    sans_lien = [re.sub(r"https?://\S+", "LIEN", m.body) for m in (deja, nouveau)]
    assert sans_lien[0] == sans_lien[1]


def test_lien_construit_sur_l_adresse_du_site(client, monde, settings):
    # Même si un Host forgé passait, l'adresse du lien vient des réglages, jamais de l'en-tête.
    settings.GUICHET_URL = "https://guichet.example.gouv.fr"
    settings.ALLOWED_HOSTS = ["*"]
    connecter(client, monde.gestionnaire_a1)
    client.post(
        reverse("gestion:inviter", args=[monde.a1.pk]),
        {"email": "x@example.fr", "role": "conseiller"},
        headers={"host": "pirate.example"},
    )
    (message,) = mail.outbox
    assert "https://guichet.example.gouv.fr/comptes/invitation/" in message.body
    assert "pirate.example" not in message.body


def test_inviter_un_membre_de_l_equipe_refuse(client, monde):
    connecter(client, monde.gestionnaire_a1)
    reponse = client.post(
        reverse("gestion:inviter", args=[monde.a1.pk]),
        {"email": "conseiller-a1@example.fr", "role": "conseiller"},
    )
    assert reponse.status_code == 200
    assert "déjà partie de l&#x27;équipe" in reponse.content.decode()
    assert not mail.outbox


def test_role_d_invitation_limite(client, monde):
    connecter(client, monde.gestionnaire_a1)
    reponse = client.post(
        reverse("gestion:inviter", args=[monde.a1.pk]), {"email": "chef@example.fr", "role": "national"}
    )
    assert reponse.status_code == 200
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("personne", ["conseiller_a1", "prefecture_a", "referent_caf_a", "auditeur_a"])
def test_seuls_responsable_et_national_invitent(client, monde, personne):
    connecter(client, getattr(monde, personne))
    reponse = client.post(
        reverse("gestion:inviter", args=[monde.a1.pk]), {"email": "x@example.fr", "role": "conseiller"}
    )
    assert reponse.status_code == 403
    assert not mail.outbox


def test_responsable_n_invite_pas_ailleurs(client, monde):
    connecter(client, monde.gestionnaire_a1)
    for structure, attendu in ((monde.a2, 404), (monde.b, 404)):
        reponse = client.post(
            reverse("gestion:inviter", args=[structure.pk]), {"email": "x@example.fr", "role": "conseiller"}
        )
        assert reponse.status_code == attendu
    assert not mail.outbox


def test_national_invite_partout(client, monde):
    connecter(client, monde.national)
    reponse = client.post(
        reverse("gestion:inviter", args=[monde.b.pk]), {"email": "x@example.fr", "role": "gestionnaire"}
    )
    assert reponse.status_code == 302
    assert Invitation.objects.get().invite_par == monde.national


def test_le_courriel_d_invitation_part_en_tache_de_fond(settings, monde):
    """Avec le moteur de tâches en base, la requête ne fait que mettre le courriel en file ; la tâche l'envoie."""
    from django_tasks_db.models import DBTaskResult

    from guichet.comptes import services

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.inviter(monde.a1, "lea.durand@example.fr", Role.CONSEILLER, monde.gestionnaire_a1)
    assert not mail.outbox
    (en_file,) = DBTaskResult.objects.all()
    assert en_file.task_path == "guichet.comptes.taches.envoyer_invitation"
    en_file.task.call(*en_file.args_kwargs["args"], **en_file.args_kwargs["kwargs"])
    (message,) = mail.outbox
    assert message.to == ["lea.durand@example.fr"]
