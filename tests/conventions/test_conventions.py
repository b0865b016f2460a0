"""Les conventions-cadres : préparées depuis le réseau, en versions (l'ancienne lisible, figée), en PDF, et qui
les voit (chaque refus)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guichet.conventions import services
from guichet.conventions.models import Convention, Signataire
from guichet.reseau.models import Operateur
from tests.comptes.conftest import connecter
from tests.comptes.monde import construire_monde
from tests.pdf import pages_du_pdf, texte_du_pdf

pytestmark = pytest.mark.django_db

DEBUT, FIN = date(2026, 1, 1), date(2028, 12, 31)


@pytest.fixture
def monde(db):
    m = construire_monde()
    m.a1.nom_porteur = "Communauté de communes du Bugey"
    m.a1.save()
    m.convention = services.preparer_convention(departement=m.dep_a, debut=DEBUT, fin=FIN, auteur=m.prefecture_a)
    return m


def test_preparee_depuis_le_reseau(monde):
    c = monde.convention
    qualites = [s.qualite for s in c.signataires.all()]
    assert qualites[0] == Signataire.Qualite.PREFET
    nationaux = set(Operateur.objects.filter(national=True).values_list("code", flat=True))
    assert {"caf", "cpam"} <= nationaux
    assert qualites.count(Signataire.Qualite.OPERATEUR) == len(nationaux)  # pas le partenaire local de B
    assert "Communauté de communes du Bugey" in {s.nom for s in c.signataires.filter(qualite="porteur")}
    assert {e.operateur.code for e in c.engagements.all()} == nationaux
    assert all(e.delai_reponse_heures == 72 for e in c.engagements.all())
    assert {a.structure for a in c.annexes.all()} == {monde.a1, monde.a2}  # pas b, dans l'autre département


def test_une_seule_convention_par_departement_et_periode(monde):
    with pytest.raises(ValidationError, match="couvre déjà"):
        services.preparer_convention(departement=monde.dep_a, debut=date(2027, 1, 1), fin=date(2029, 12, 31))
    with pytest.raises(ValidationError, match="doit suivre"):
        services.preparer_convention(departement=monde.dep_b, debut=FIN, fin=DEBUT)
    services.preparer_convention(departement=monde.dep_a, debut=date(2029, 1, 1), fin=date(2031, 12, 31))


def test_nouvelle_version_remplace_l_ancienne_qui_reste_lisible(client, monde):
    ancienne = monde.convention
    ancienne.signataires.filter(qualite="prefet").update(statut="signee", signee_le=date(2026, 1, 15))
    connecter(client, monde.prefecture_a)
    reponse = client.post(reverse("conventions:nouvelle_version", args=[ancienne.pk]))
    nouvelle = Convention.objects.get(precedente=ancienne)
    assert reponse.status_code == 302 and nouvelle.version == 2
    assert ancienne.remplacee and not ancienne.modifiable and nouvelle.modifiable
    assert nouvelle.annexes.count() == ancienne.annexes.count()
    assert not nouvelle.signataires.filter(statut="signee").exists()  # à signer de nouveau
    # L'ancienne se lit (page et PDF) mais ne se modifie plus.
    html = client.get(reverse("conventions:detail", args=[ancienne.pk])).content.decode()
    assert "Cette version est remplacée" in html and "Créer une nouvelle version" not in html
    signataire = ancienne.signataires.get(qualite="prefet")
    refus = client.post(reverse("conventions:signature", args=[signataire.pk]), {f"s{signataire.pk}-statut": "refusee"})
    assert refus.status_code == 403
    signataire.refresh_from_db()
    assert signataire.statut == "signee"
    engagement = ancienne.engagements.first()
    assert client.post(reverse("conventions:engagement", args=[engagement.pk]), {}).status_code == 403
    assert client.get(reverse("conventions:annexe", args=[ancienne.annexes.first().pk])).status_code == 403
    assert client.post(reverse("conventions:nouvelle_version", args=[ancienne.pk])).status_code == 403
    with pytest.raises(ValidationError, match="déjà remplacée"):
        services.nouvelle_version(ancienne)
    assert "Version remplacée par la version 2" in texte_du_pdf(services.pdf(ancienne))


def test_signature_engagement_annexe(client, monde):
    c = monde.convention
    connecter(client, monde.prefecture_a)
    prefet = c.signataires.get(qualite="prefet")
    url = reverse("conventions:signature", args=[prefet.pk])
    client.post(url, {f"s{prefet.pk}-statut": "signee"})  # sans date : refusé
    prefet.refresh_from_db()
    assert prefet.statut == "a_signer"
    client.post(url, {f"s{prefet.pk}-statut": "signee", f"s{prefet.pk}-signee_le": "2026-02-30"})
    prefet.refresh_from_db()
    assert prefet.statut == "a_signer"
    client.post(url, {f"s{prefet.pk}-statut": "signee", f"s{prefet.pk}-signee_le": "2026-02-03"})
    prefet.refresh_from_db()
    assert (prefet.statut, prefet.signee_le) == ("signee", date(2026, 2, 3))

    engagement = c.engagements.get(operateur__code="caf")
    url = reverse("conventions:engagement", args=[engagement.pk])
    reponse = client.post(url, {"canal": "Administration +", "delai_reponse_heures": "0", "offre_formation": ""})
    assert "entre 1 et 720" in " ".join(reponse.context["form"].errors["delai_reponse_heures"])
    client.post(url, {"canal": "Administration +", "delai_reponse_heures": "48", "offre_formation": "Deux sessions"})
    engagement.refresh_from_db()
    assert engagement.delai_reponse_heures == 48

    annexe = c.annexes.get(structure=monde.a1)
    client.post(
        reverse("conventions:annexe", args=[annexe.pk]),
        {"porteur": "Communauté de communes du Bugey", "partenaires": "Mission locale\nCCAS", "services": "Fablab"},
    )
    annexe.refresh_from_db()
    assert annexe.liste_partenaires == ["Mission locale", "CCAS"]


def test_pdf_rendu_et_lu(monde):
    c = monde.convention
    c.signataires.filter(qualite="prefet").update(statut="signee", signee_le=date(2026, 1, 15))
    c.annexes.filter(structure=monde.a1).update(partenaires="Mission locale du Bugey", services="Espace de coworking")
    pdf = services.pdf(c)
    assert pdf.startswith(b"%PDF")
    assert len(pages_du_pdf(pdf)) >= 1
    texte = " ".join(texte_du_pdf(pdf).split())
    assert "Convention-cadre départementale France services — 01 Ain" in texte
    assert "Signée le 15/01/2026" in texte
    assert "Les Allocations familiales — Ain" in texte and "72 heures" in texte
    assert "Annexe 1 — France services A1" in texte
    assert "Communauté de communes du Bugey" in texte
    assert "Mission locale du Bugey" in texte and "Espace de coworking" in texte


@pytest.mark.parametrize(
    "personne",
    ["gestionnaire_a1", "conseiller_a1", "referent_caf_a", "auditeur_a", "auditeur_national", "staff", "sans_role"],
)
def test_les_autres_roles_sont_refuses(client, monde, personne):
    connecter(client, getattr(monde, personne))
    c = monde.convention
    assert client.get(reverse("conventions:liste")).status_code == 403
    for nom, pk in [
        ("conventions:detail", c.pk),
        ("conventions:pdf", c.pk),
        ("conventions:engagement", c.engagements.first().pk),
        ("conventions:annexe", c.annexes.first().pk),
    ]:
        assert client.get(reverse(nom, args=[pk])).status_code == 404, nom
    assert client.post(reverse("conventions:nouvelle_version", args=[c.pk])).status_code == 404
    prefet = c.signataires.get(qualite="prefet")
    client.post(reverse("conventions:signature", args=[prefet.pk]), {f"s{prefet.pk}-statut": "refusee"})
    prefet.refresh_from_db()
    assert prefet.statut == "a_signer"
    assert Convention.objects.count() == 1


def test_prefecture_d_un_autre_departement_refusee(client, monde):
    autre = construire_prefecture_b(monde)
    connecter(client, autre)
    c = monde.convention
    assert client.get(reverse("conventions:liste")).status_code == 200
    assert client.get(reverse("conventions:detail", args=[c.pk])).status_code == 404
    assert client.get(reverse("conventions:pdf", args=[c.pk])).status_code == 404
    assert client.post(reverse("conventions:nouvelle_version", args=[c.pk])).status_code == 404
    # Elle ne prépare pas non plus la convention d'un département qui n'est pas le sien.
    reponse = client.post(
        reverse("conventions:liste"), {"departement": monde.dep_a.pk, "debut": "2029-01-01", "fin": "2031-12-31"}
    )
    assert "departement" in reponse.context["form"].errors
    assert Convention.objects.count() == 1


def test_prefecture_prepare_la_convention_de_son_departement(client, monde):
    connecter(client, monde.prefecture_a)
    reponse = client.post(
        reverse("conventions:liste"), {"departement": monde.dep_a.pk, "debut": "2027-01-01", "fin": "2029-12-31"}
    )
    assert "couvre déjà" in " ".join(reponse.context["form"].errors["debut"])
    reponse = client.post(
        reverse("conventions:liste"), {"departement": monde.dep_a.pk, "debut": "2029-01-01", "fin": "2031-12-31"}
    )
    assert reponse.status_code == 302
    assert Convention.objects.filter(departement=monde.dep_a).count() == 2
    connecter(client, monde.national)
    assert client.get(reverse("conventions:detail", args=[monde.convention.pk])).status_code == 200


def construire_prefecture_b(monde):
    from guichet.comptes.models import Role
    from tests.comptes.factories import HabilitationFactory, UtilisateurFactory

    user = UtilisateurFactory(email="prefecture-b@example.fr")
    HabilitationFactory(utilisateur=user, role=Role.PREFECTURE, departement=monde.dep_b)
    return user
