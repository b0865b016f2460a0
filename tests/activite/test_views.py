import json
import uuid
from datetime import timedelta

import pytest
from django.db.models.signals import post_delete
from django.urls import reverse
from django.utils import timezone

from guichet.activite.models import Accompagnement
from guichet.demarches.models import Demarche
from tests.activite.factories import AccompagnementFactory
from tests.comptes.conftest import connecter

pytestmark = pytest.mark.django_db

SAISIE = reverse("activite:saisie")
MES_SAISIES = reverse("activite:mes_saisies")


def test_saisie_anonyme_renvoyee_a_la_connexion(client):
    reponse = client.get(SAISIE)
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("comptes:connexion"))


@pytest.mark.parametrize("qui", ["sans_role", "referent"])
def test_saisie_refusee_sans_structure(client, lieux, qui):
    connecter(client, getattr(lieux, qui))
    assert client.get(SAISIE).status_code == 403
    assert client.get(MES_SAISIES).status_code == 403
    assert client.post(SAISIE, {"id": str(uuid.uuid4()), "operateur": "caf"}).status_code == 403


def test_page_de_saisie_premiere_question_et_donnees_du_script(client, lieux):
    connecter(client, lieux.gestionnaire)
    reponse = client.get(SAISIE)
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Pour quel opérateur ?" in html
    assert 'name="operateur" value="caf"' in html
    assert reverse("activite:manifeste") in html
    assert reponse.context["parcours"].etape == "operateur"
    donnees = reponse.context["donnees"]
    assert donnees["agent"] == lieux.gestionnaire.pk
    assert [s["id"] for s in donnees["structures"]] == [lieux.a1.pk]
    assert len(donnees["demarches"]) == Demarche.objects.filter(operateur__national=True).count()
    assert json.loads(json.dumps(donnees))  # sérialisable pour json_script


def test_parcours_sans_javascript_jusqu_a_l_enregistrement(client, lieux):
    connecter(client, lieux.conseiller)
    reponse = client.get(SAISIE, {"operateur": "caf"})
    assert "Quelle démarche ?" in reponse.content.decode()
    reponse = client.get(SAISIE, {"operateur": "caf", "demarche": "prime-activite", "type_aide": "information"})
    assert "Quel résultat ?" in reponse.content.decode()
    params = {"operateur": "caf", "demarche": "prime-activite", "type_aide": "information", "resultat": "resolu"}
    reponse = client.get(SAISIE, params)
    html = reponse.content.decode()
    assert "Combien de temps ?" in html and 'method="post"' in html
    identifiant = str(reponse.context["identifiant"])
    donnees = {
        **params,
        "id": identifiant,
        "structure": lieux.a1.pk,
        "canal": "telephone",
        "duree": "15_30",
        "evenement": "naissance",
        "tranche_age": "26_59",
        "premiere_visite": "non",
        "besoin_allophone": "oui",
    }
    reponse = client.post(SAISIE, donnees)
    assert reponse.status_code == 302
    assert reponse.url == f"{SAISIE}?structure={lieux.a1.pk}&canal=telephone&enregistre={identifiant}"
    a = Accompagnement.objects.get()
    assert str(a.pk) == identifiant
    assert (a.agent, a.structure, a.canal, a.operateur.code, a.demarche.code) == (
        lieux.conseiller,
        lieux.a1,
        "telephone",
        "caf",
        "prime-activite",
    )
    assert (a.type_aide, a.resultat, a.duree, a.evenement.code) == ("information", "resolu", "15_30", "naissance")
    assert (a.tranche_age, a.premiere_visite, a.besoin_allophone, a.besoin_handicap) == ("26_59", False, True, False)
    # Le même formulaire envoyé deux fois (double clic, retour arrière) : un seul enregistrement.
    reponse = client.post(SAISIE, donnees, follow=True)
    assert Accompagnement.objects.count() == 1
    assert "déjà enregistré" in reponse.content.decode()


def test_formulaire_invalide_nomme_le_champ(client, lieux):
    connecter(client, lieux.conseiller)
    reponse = client.post(SAISIE, {"id": str(uuid.uuid4()), "operateur": "caf", "type_aide": "information"})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "L'accompagnement n'est pas enregistré" in html
    assert "resultat : champ obligatoire." in html and "duree : champ obligatoire." in html
    assert not Accompagnement.objects.exists()


def test_recherche_sans_javascript(client, lieux):
    connecter(client, lieux.conseiller)
    reponse = client.get(SAISIE, {"q": "carte grise"})
    html = reponse.content.decode()
    assert 'name="choix" value="france-titres:carte-grise"' in html
    reponse = client.get(SAISIE, {"choix": "france-titres:carte-grise"})
    assert reponse.context["parcours"].etape == "type_aide"


def test_comme_la_derniere_fois(client, lieux):
    connecter(client, lieux.conseiller)
    assert client.get(SAISIE).context["comme_derniere_fois"] is None
    AccompagnementFactory(
        structure=lieux.a1, agent=lieux.conseiller, demarche=Demarche.objects.get(operateur__code="caf", code="aah")
    )
    lien = client.get(SAISIE).context["comme_derniere_fois"]
    assert lien["libelle"] == "Les Allocations familiales — Allocation aux adultes handicapés (AAH)"
    reponse = client.get(SAISIE + lien["url"])
    # Tout est repris sauf la durée : une réponse suffit.
    assert reponse.context["parcours"].etape == "duree"
    assert reponse.context["parcours"].valeurs["demarche"] == "aah"


def test_choix_de_la_structure_pour_un_agent_de_plusieurs_lieux(client, lieux):
    connecter(client, lieux.multi)
    reponse = client.get(SAISIE)
    assert reponse.context["parcours"].etape == "structure"
    reponse = client.get(SAISIE, {"structure": lieux.a2.pk})
    assert reponse.context["parcours"].etape == "operateur"
    # Une structure où il n'est pas agent est ignorée.
    reponse = client.get(SAISIE, {"structure": lieux.b.pk})
    assert reponse.context["parcours"].etape == "structure"


# Mes saisies : lister, corriger, supprimer (les siennes, 7 jours)


@pytest.fixture
def saisies(lieux):
    maintenant = timezone.now()
    return {
        "recente": AccompagnementFactory(structure=lieux.a1, agent=lieux.conseiller, le=maintenant - timedelta(days=6)),
        "ancienne": AccompagnementFactory(
            structure=lieux.a1, agent=lieux.conseiller, le=maintenant - timedelta(days=8)
        ),
        "collegue": AccompagnementFactory(structure=lieux.a1, agent=lieux.collegue),
    }


def test_mes_saisies_les_miennes_des_7_derniers_jours(client, lieux, saisies):
    connecter(client, lieux.conseiller)
    reponse = client.get(MES_SAISIES)
    assert list(reponse.context["accompagnements"]) == [saisies["recente"]]
    html = reponse.content.decode()
    assert reverse("activite:corriger", args=[saisies["recente"].pk]) in html
    assert str(saisies["collegue"].pk) not in html and str(saisies["ancienne"].pk) not in html


@pytest.mark.parametrize("cle", ["ancienne", "collegue"])
@pytest.mark.parametrize("vue", ["activite:corriger", "activite:supprimer"])
def test_corriger_supprimer_refuse_hors_fenetre_ou_d_un_autre(client, lieux, saisies, cle, vue):
    connecter(client, lieux.conseiller)
    url = reverse(vue, args=[saisies[cle].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert Accompagnement.objects.filter(pk=saisies[cle].pk).exists()


def test_le_responsable_ne_corrige_pas_les_saisies_de_son_equipe(client, lieux, saisies):
    connecter(client, lieux.gestionnaire)
    assert client.get(reverse("activite:corriger", args=[saisies["recente"].pk])).status_code == 404


def test_corriger(client, lieux, saisies):
    connecter(client, lieux.conseiller)
    a = saisies["recente"]
    url = reverse("activite:corriger", args=[a.pk])
    assert client.get(url).status_code == 200
    aah = Demarche.objects.get(operateur__code="caf", code="aah")
    donnees = {
        "structure": lieux.a1.pk,
        "le": timezone.localtime(a.le).strftime("%Y-%m-%dT%H:%M"),
        "canal": "visio",
        "operateur": lieux.caf.pk,
        "demarche": aah.pk,
        "evenement": "",
        "type_aide": "information",
        "resultat": "back_office",
        "duree": "plus_60",
        "premiere_visite": "true",
    }
    # Une démarche d'un autre opérateur est refusée.
    carte_grise = Demarche.objects.get(operateur__code="france-titres", code="carte-grise")
    reponse = client.post(url, {**donnees, "demarche": carte_grise.pk})
    assert reponse.status_code == 200
    assert "n&#x27;est pas une démarche des Allocations familiales" in reponse.content.decode()
    # Une date de plus de 7 jours aussi.
    ancienne = (timezone.localtime() - timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {**donnees, "le": ancienne}).status_code == 200
    # Une structure où l'agent n'est pas.
    assert client.post(url, {**donnees, "structure": lieux.b.pk}).status_code == 200
    a.refresh_from_db()
    assert a.canal == "accueil"
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302 and reponse.url == MES_SAISIES
    a.refresh_from_db()
    assert (a.canal, a.demarche, a.resultat, a.duree, a.premiere_visite) == (
        "visio",
        aah,
        "back_office",
        "plus_60",
        True,
    )


def test_supprimer_appelle_le_signal_post_delete(client, lieux, saisies):
    connecter(client, lieux.conseiller)
    supprimes = []

    def recepteur(sender, instance, **kwargs):
        supprimes.append(instance.pk)

    post_delete.connect(recepteur, sender=Accompagnement)
    try:
        url = reverse("activite:supprimer", args=[saisies["recente"].pk])
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 302
    finally:
        post_delete.disconnect(recepteur, sender=Accompagnement)
    assert supprimes == [saisies["recente"].pk]
    assert not Accompagnement.objects.filter(pk=saisies["recente"].pk).exists()
    assert Accompagnement.objects.count() == 2


# Application installable


def test_service_worker_et_manifeste(client):
    reponse = client.get(reverse("activite:service_worker"))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/javascript; charset=utf-8"
    assert reponse["Service-Worker-Allowed"] == "/espace/activite/"
    code = reponse.content.decode()
    assert 'const PAGE = "/espace/activite/saisie/";' in code
    assert "/static/activite/saisie.js" in code and "/static/dsfr/dist/dsfr/dsfr.min.css" in code
    assert "{{" not in code and "{%" not in code
    reponse = client.get(reverse("activite:manifeste"))
    assert reponse["Content-Type"] == "application/manifest+json"
    manifeste = json.loads(reponse.content)
    assert manifeste["start_url"] == SAISIE and manifeste["scope"] == "/espace/activite/"
    assert {i["sizes"] for i in manifeste["icons"]} == {"192x192", "512x512"}


def test_fichiers_du_hors_ligne_existent():
    from django.contrib.staticfiles import finders

    from guichet.activite.views import FICHIERS_HORS_LIGNE

    assert all(finders.find(chemin) for chemin in FICHIERS_HORS_LIGNE)


def _saisir(client, lieux, resultat="resolu"):
    identifiant = str(uuid.uuid4())
    donnees = {
        "id": identifiant,
        "structure": lieux.a1.pk,
        "operateur": "caf",
        "demarche": "prime-activite",
        "type_aide": "information",
        "resultat": resultat,
        "duree": "15_30",
    }
    return client.post(SAISIE, donnees, follow=True), identifiant


def test_transmis_au_back_office_propose_la_demande_pre_remplie(client, lieux):
    connecter(client, lieux.conseiller)
    reponse, identifiant = _saisir(client, lieux, resultat="back_office")
    html = reponse.content.decode()
    assert "Accompagnement enregistré" in html and "Ouvrir la demande au back-office" in html
    adresse = reponse.context["enregistre"]["demande"]
    assert adresse.startswith(reverse("demandes:nouvelle"))
    for attendu in (f"structure={lieux.a1.pk}", "operateur=caf", "demarche=prime-activite", identifiant):
        assert attendu in adresse
    # Un autre résultat : rien à ouvrir.
    reponse, _ = _saisir(client, lieux, resultat="resolu")
    assert "Ouvrir la demande au back-office" not in reponse.content.decode()


def test_annuler_juste_apres_l_enregistrement(client, lieux):
    connecter(client, lieux.conseiller)
    reponse, identifiant = _saisir(client, lieux)
    assert "Annuler" in reponse.content.decode()
    reponse = client.post(reverse("activite:annuler"), {"id": identifiant, "structure": lieux.a1.pk}, follow=True)
    assert not Accompagnement.objects.filter(pk=identifiant).exists()
    assert "Accompagnement annulé" in reponse.content.decode()
    # En JSON (le script de la page) : une deuxième fois, il n'y a plus rien à annuler (409).
    reponse = client.post(reverse("activite:annuler"), {"id": identifiant}, HTTP_ACCEPT="application/json")
    assert reponse.status_code == 409


def test_annuler_refuse_pour_un_autre_ou_passe_le_delai(client, lieux):
    connecter(client, lieux.conseiller)
    _, identifiant = _saisir(client, lieux)
    # Un collègue ne peut pas annuler la saisie d'un autre.
    connecter(client, lieux.collegue)
    reponse = client.post(reverse("activite:annuler"), {"id": identifiant}, HTTP_ACCEPT="application/json")
    assert reponse.status_code == 409 and Accompagnement.objects.filter(pk=identifiant).exists()
    # Passé le délai, l'agent lui-même passe par « Mes saisies ».
    Accompagnement.objects.filter(pk=identifiant).update(cree_le=timezone.now() - timedelta(minutes=2))
    connecter(client, lieux.conseiller)
    reponse = client.post(reverse("activite:annuler"), {"id": identifiant}, HTTP_ACCEPT="application/json")
    assert reponse.status_code == 409 and Accompagnement.objects.filter(pk=identifiant).exists()
    assert client.get(SAISIE, {"enregistre": identifiant}).context["enregistre"] is None
    # Sans structure : refusé.
    connecter(client, lieux.referent)
    assert client.post(reverse("activite:annuler"), {"id": identifiant}).status_code == 403


def test_la_page_de_saisie_ne_montre_plus_les_jetons_le_compte_oui(client, lieux):
    connecter(client, lieux.conseiller)
    assert reverse("jetons:liste") not in client.get(SAISIE).content.decode()
    assert reverse("jetons:liste") in client.get(reverse("comptes:espace"), {"compte": 1}).content.decode()


def test_rangee_frequents_a_part_et_ordre_naturel(client, lieux):
    AccompagnementFactory.create_batch(3, structure=lieux.a1, agent=lieux.conseiller, duree="plus_60")
    connecter(client, lieux.conseiller)
    params = {"operateur": "caf", "demarche": "rsa", "type_aide": "information", "resultat": "resolu"}
    html = client.get(SAISIE, params).content.decode()
    assert "Fréquents" in html
    # L'ordre naturel des durées, de la plus courte à la plus longue, après la rangée « Fréquents ».
    toutes = html[html.index("Toutes les réponses") :]
    positions = [toutes.index(libelle) for libelle in ("Moins de 15 min", "15 à 30 min", "30 min à 1 h", "Plus d")]
    assert positions == sorted(positions)
