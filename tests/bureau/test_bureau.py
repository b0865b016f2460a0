"""Le bureau de l'agent : contenu et droits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.reseau.models import Operateur
from guichet.temps import bornes_du_jour
from tests.activite.factories import AccompagnementFactory
from tests.bureau.factories import LienOperateurFactory
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.demandes.factories import DemandeFactory

pytestmark = pytest.mark.django_db

BUREAU = reverse("bureau:accueil")


@pytest.mark.parametrize(
    "url",
    [
        reverse("bureau:accueil"),
        reverse("bureau:guides"),
        reverse("bureau:guide", args=["demenagement"]),
        reverse("bureau:annuaire"),
        reverse("bureau:liens"),
        reverse("bureau:lien_ajouter"),
    ],
)
def test_anonyme_renvoye_a_la_connexion(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("comptes:connexion"))


@pytest.mark.parametrize("nom", ["referent_caf_a", "prefecture_a", "national", "sans_role"])
def test_les_autres_roles_vont_a_leur_espace(client, monde, nom):
    reponse = connecter(client, getattr(monde, nom)).get(BUREAU)
    assert reponse.status_code == 302
    assert reponse.url == reverse("comptes:espace")


def test_activite_du_jour_de_sa_seule_structure(client, monde):
    caf = Operateur.objects.get(code="caf")
    titres = Operateur.objects.get(code="france-titres")
    msa = Operateur.objects.get(code="msa")
    debut, _ = bornes_du_jour()
    maintenant = timezone.now()
    collegue = UtilisateurFactory()
    HabilitationFactory(utilisateur=collegue, role=Role.CONSEILLER, structure=monde.a1)
    du_jour = [
        (monde.conseiller_a1, caf, maintenant),
        (monde.conseiller_a1, caf, debut),  # première seconde du jour : comptée
        (collegue, caf, maintenant),
        (monde.conseiller_a1, titres, maintenant),
        (collegue, titres, maintenant),
        (None, titres, maintenant),  # agent supprimé depuis
    ]
    for agent, operateur, le in du_jour:
        AccompagnementFactory(structure=monde.a1, agent=agent, operateur=operateur, le=le)
    AccompagnementFactory(structure=monde.a1, agent=monde.conseiller_a1, operateur=caf, le=debut - timedelta(seconds=1))
    AccompagnementFactory(structure=monde.a1, agent=collegue, operateur=caf, le=maintenant - timedelta(days=3))
    AccompagnementFactory(structure=monde.b, agent=monde.conseiller_b, operateur=msa, le=maintenant)
    AccompagnementFactory(structure=monde.b, agent=monde.conseiller_b, operateur=caf, le=maintenant)

    reponse = connecter(client, monde.conseiller_a1).get(BUREAU)
    assert reponse.status_code == 200
    [activite] = reponse.context["activite"]
    assert activite.structure == monde.a1
    assert activite.total == len(du_jour)
    assert activite.les_miens == sum(1 for agent, _, _ in du_jour if agent == monde.conseiller_a1)
    attendu = {}
    for _, operateur, _ in du_jour:
        attendu[operateur.nom] = attendu.get(operateur.nom, 0) + 1
    assert dict(activite.par_operateur) == attendu
    assert reponse.context["mes_accompagnements"] == 3
    contenu = reponse.content.decode()
    assert "France services A1" in contenu
    assert "France services B" not in contenu
    assert msa.nom not in contenu.split('id="titre-liens"')[0]  # la MSA n'apparaît que dans les liens


def test_demandes_qui_attendent_l_agent(client, monde):
    caf = Operateur.objects.get(code="caf")
    reponse_recue = DemandeFactory(
        structure=monde.a1, operateur_initial=caf, objet_libre="Réponse arrivée", repondue=True
    )
    DemandeFactory(structure=monde.a1, operateur_initial=caf, objet_libre="Attend le référent")
    DemandeFactory(structure=monde.b, operateur_initial=caf, objet_libre="Autre structure", repondue=True)

    reponse = connecter(client, monde.conseiller_a1).get(BUREAU)
    assert list(reponse.context["demandes"]) == [reponse_recue]
    assert reponse.context["nombre_demandes"] == 1
    contenu = reponse.content.decode()
    assert reverse("demandes:detail", args=[reponse_recue.pk]) in contenu
    assert "Attend le référent" not in contenu
    assert "Autre structure" not in contenu


def test_raccourcis_recherche_et_liens_actifs(client, monde):
    actif = LienOperateurFactory(operateur=monde.caf, libelle="Lien actif de test", url="https://actif.caf.fr")
    LienOperateurFactory(operateur=monde.caf, libelle="Lien retiré de test", url="https://retire.caf.fr", actif=False)
    contenu = connecter(client, monde.conseiller_a1).get(BUREAU).content.decode()
    assert reverse("activite:saisie") in contenu
    assert reverse("demandes:nouvelle") in contenu
    assert f'action="{reverse("connaissances:recherche")}"' in contenu and 'name="q"' in contenu
    assert actif.url in contenu
    assert "https://retire.caf.fr" not in contenu
    # liens nationaux chargés par la migration
    assert "https://www.impots.gouv.fr" in contenu and "https://espacepro.ameli.fr" in contenu
    assert reverse("bureau:liens") not in contenu  # la gestion est réservée à l'équipe nationale


def test_annuaire_du_bureau_limite_au_departement(client, monde):
    monde.referent_caf_a.first_name, monde.referent_caf_a.last_name = "Alix", "Référente"
    monde.referent_caf_a.save()
    contenu = connecter(client, monde.conseiller_a1).get(BUREAU).content.decode()
    assert "referent-caf-a@example.fr" in contenu
    assert "Alix Référente" in contenu
    assert "referent-local-b@example.fr" not in contenu


def test_sa_structure_et_son_compte(client, monde):
    contenu = connecter(client, monde.gestionnaire_a1).get(BUREAU).content.decode()
    assert reverse("gestion:structure", args=[monde.a1.pk]) in contenu
    assert reverse("gestion:agents", args=[monde.a1.pk]) in contenu
    assert f"{reverse('comptes:espace')}?compte=1" in contenu
    contenu = connecter(client, monde.conseiller_a1).get(BUREAU).content.decode()
    assert reverse("gestion:agents", args=[monde.a1.pk]) not in contenu


class TestAnnuaire:
    URL = reverse("bureau:annuaire")

    def test_agent_voit_son_departement(self, client, monde):
        contenu = connecter(client, monde.conseiller_b).get(self.URL).content.decode()
        assert "referent-local-b@example.fr" in contenu
        assert "referent-caf-a@example.fr" not in contenu

    def test_autre_departement_refuse(self, client, monde):
        reponse = connecter(client, monde.conseiller_b).get(self.URL, {"departement": monde.dep_a.code})
        assert reponse.status_code == 404

    def test_sans_role_refuse(self, client, monde):
        assert connecter(client, monde.sans_role).get(self.URL).status_code == 403

    def test_national_choisit_un_departement(self, client, monde):
        connecter(client, monde.national)
        contenu = client.get(self.URL).content.decode()
        assert "@example.fr" not in contenu.split("</h1>")[1].split('id="pied-de-page"')[0]
        contenu = client.get(self.URL, {"departement": monde.dep_b.code}).content.decode()
        assert "referent-local-b@example.fr" in contenu
        assert "referent-caf-a@example.fr" not in contenu


class TestEntete:
    def test_agent(self, client, monde):
        contenu = connecter(client, monde.conseiller_a1).get(BUREAU).content.decode()
        assert f'href="{BUREAU}" aria-current="page">Mon bureau' in contenu
        assert f'href="{reverse("activite:saisie")}">Saisir un accompagnement' in contenu
        assert f'href="{reverse("demandes:liste")}">Demandes' in contenu
        assert ">Mon espace</a>" not in contenu
        assert ">Qualité du back-office<" not in contenu
        # « Accueil » n'est pas marqué page courante sur le bureau (même nom d'URL).
        assert 'aria-current="page">Accueil' not in contenu

    def test_prefecture(self, client, monde):
        contenu = connecter(client, monde.prefecture_a).get(reverse("comptes:espace")).content.decode()
        assert 'aria-current="page">Mon espace' in contenu
        assert ">Mon bureau<" not in contenu
        assert ">Saisir un accompagnement<" not in contenu
        # Le suivi anonyme des demandes de son département lui est ouvert : le menu y mène.
        assert f'href="{reverse("demandes:liste")}">Demandes' in contenu
        assert f'href="{reverse("qualite:tableau")}">Qualité du back-office' in contenu

    def test_referent_voit_les_demandes(self, client, monde):
        contenu = connecter(client, monde.referent_caf_a).get(reverse("comptes:espace")).content.decode()
        assert f'href="{reverse("demandes:liste")}">Demandes' in contenu
        assert ">Mon bureau<" not in contenu

    def test_anonyme(self, client):
        contenu = client.get(reverse("accueil")).content.decode()
        assert ">Mon bureau<" not in contenu and ">Demandes<" not in contenu


class TestArriveeApresConnexion:
    ESPACE = reverse("comptes:espace")

    @pytest.mark.parametrize("nom", ["conseiller_a1", "gestionnaire_a1"])
    def test_agent_redirige_vers_son_bureau(self, client, monde, nom):
        reponse = connecter(client, getattr(monde, nom)).get(self.ESPACE)
        assert reponse.status_code == 302 and reponse.url == BUREAU

    def test_agent_garde_son_compte(self, client, monde):
        reponse = connecter(client, monde.gestionnaire_a1).get(self.ESPACE, {"compte": "1"})
        assert reponse.status_code == 200
        assert reverse("gestion:agents", args=[monde.a1.pk]) in reponse.content.decode()

    @pytest.mark.parametrize("nom", ["referent_caf_a", "prefecture_a", "national", "sans_role"])
    def test_les_autres_gardent_mon_espace(self, client, monde, nom):
        assert connecter(client, getattr(monde, nom)).get(self.ESPACE).status_code == 200

    def test_role_mixte_garde_mon_espace(self, client, monde):
        HabilitationFactory(
            utilisateur=monde.conseiller_a1, role=Role.REFERENT, operateur=monde.caf, departement=monde.dep_a
        )
        reponse = connecter(client, monde.conseiller_a1).get(self.ESPACE)
        assert reponse.status_code == 200
        assert reverse("bureau:guides") in reponse.content.decode()

    def test_connexion_par_le_formulaire(self, client, monde):
        from tests.comptes.factories import MOT_DE_PASSE

        reponse = client.post(
            reverse("comptes:connexion"), {"username": monde.conseiller_a1.email, "password": MOT_DE_PASSE}, follow=True
        )
        assert reponse.redirect_chain[-1][0] == BUREAU
        assert reponse.context["titre"] == "Mon bureau"


def test_lien_d_operateur_javascript_sans_href(client, monde):
    LienOperateurFactory(operateur=monde.caf, libelle="Lien piégé de test", url="javascript:alert(document.cookie)")
    LienOperateurFactory(operateur=monde.caf, libelle="Lien en clair de test", url="http://clair.caf.fr/")
    contenu = connecter(client, monde.conseiller_a1).get(BUREAU).content.decode()
    assert "Lien piégé de test" in contenu and "javascript:" not in contenu
    assert 'href="https://clair.caf.fr/"' in contenu and "http://clair.caf.fr" not in contenu
