"""Les liens nationaux des opérateurs : modifiables par l'équipe nationale seulement."""

import pytest
from django.urls import reverse

from guichet.bureau.models import LienOperateur
from guichet.journal.models import EntreeJournal
from guichet.reseau.models import Operateur
from tests.bureau.factories import LienOperateurFactory
from tests.comptes.conftest import connecter

pytestmark = pytest.mark.django_db

LISTE = reverse("bureau:liens")
AJOUTER = reverse("bureau:lien_ajouter")


def donnees(**autres):
    return {
        "operateur": Operateur.objects.get(code="caf").pk,
        "libelle": "Caf — guide des partenaires",
        "url": "https://www.caf.fr/partenaires/guide-de-test",
        "nature": LienOperateur.Nature.ESPACE_PARTENAIRE,
        "ordre": 5,
        "actif": "on",
        **autres,
    }


@pytest.mark.parametrize(
    "nom", ["conseiller_a1", "gestionnaire_a1", "prefecture_a", "referent_caf_a", "auditeur_national"]
)
def test_refuse_hors_equipe_nationale(client, monde, nom):
    lien = LienOperateurFactory(operateur=monde.caf)
    connecter(client, getattr(monde, nom))
    avant = LienOperateur.objects.count()
    assert client.get(LISTE).status_code == 403
    assert client.get(AJOUTER).status_code == 403
    assert client.post(AJOUTER, donnees()).status_code == 403
    assert client.post(reverse("bureau:lien_modifier", args=[lien.pk]), donnees()).status_code == 403
    assert client.post(reverse("bureau:lien_desactiver", args=[lien.pk])).status_code == 403
    lien.refresh_from_db()
    assert lien.actif and lien.libelle.startswith("Lien de test")
    assert LienOperateur.objects.count() == avant


def test_national_ajoute_modifie_desactive_reactive(client, monde):
    connecter(client, monde.national)
    assert client.get(LISTE).status_code == 200
    reponse = client.post(AJOUTER, donnees())
    assert reponse.status_code == 302 and reponse.url == LISTE
    lien = LienOperateur.objects.get(url="https://www.caf.fr/partenaires/guide-de-test")
    assert lien.nature == LienOperateur.Nature.ESPACE_PARTENAIRE and lien.actif
    assert EntreeJournal.objects.filter(action="creation", objet_id=str(lien.pk)).exists()

    client.post(reverse("bureau:lien_modifier", args=[lien.pk]), donnees(libelle="Libellé corrigé"))
    lien.refresh_from_db()
    assert lien.libelle == "Libellé corrigé"

    client.post(reverse("bureau:lien_desactiver", args=[lien.pk]))
    lien.refresh_from_db()
    assert not lien.actif
    bureau = connecter(client, monde.conseiller_a1).get(reverse("bureau:accueil")).content.decode()
    assert lien.url not in bureau

    connecter(client, monde.national).post(reverse("bureau:lien_reactiver", args=[lien.pk]))
    lien.refresh_from_db()
    assert lien.actif
    assert EntreeJournal.objects.filter(action="modification", objet_id=str(lien.pk)).count() == 3


def test_desactiver_exige_post(client, monde):
    lien = LienOperateurFactory(operateur=monde.caf)
    assert connecter(client, monde.national).get(reverse("bureau:lien_desactiver", args=[lien.pk])).status_code == 405


def test_adresse_non_securisee_ou_en_double_refusee(client, monde):
    connecter(client, monde.national)
    reponse = client.post(AJOUTER, donnees(url="http://www.caf.fr/non-securise"))
    assert reponse.status_code == 200
    assert "doit commencer par https://" in reponse.content.decode()
    reponse = client.post(AJOUTER, donnees(url="https://www.caf.fr"))  # déjà posé par la migration
    assert "déjà un lien vers cette adresse" in reponse.content.decode()
    assert not LienOperateur.objects.filter(url="http://www.caf.fr/non-securise").exists()
    assert LienOperateur.objects.filter(url="https://www.caf.fr").count() == 1


def test_lien_de_gestion_dans_mon_espace(client, monde):
    espace = reverse("comptes:espace")
    assert LISTE in connecter(client, monde.national).get(espace).content.decode()
    contenu = connecter(client, monde.prefecture_a).get(espace).content.decode()
    assert LISTE not in contenu
    assert reverse("bureau:guides") in contenu and reverse("bureau:annuaire") in contenu
