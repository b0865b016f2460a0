"""Le tableau d'accueil de « Mon espace » pour la préfecture, l'équipe nationale et l'auditeur : les
chiffres de leur périmètre, et seulement des liens qu'ils peuvent ouvrir."""

import re
from datetime import date

import pytest
from django.urls import reverse

from guichet.reseau.models import HistoriqueStatut, Structure
from tests.comptes.conftest import connecter
from tests.reseau.factories import StructureFactory

pytestmark = pytest.mark.django_db


def _blocs(client, user):
    connecter(client, user)
    reponse = client.get(reverse("comptes:espace"))
    assert reponse.status_code == 200
    return {b.titre: b for b in reponse.context["blocs"]}, reponse.content.decode()


def test_prefecture_ses_structures_ses_demandes_ses_operateurs_sans_referent(client, monde):
    prefecture = monde.prefecture_a
    suspendue = StructureFactory(commune=monde.a1.commune, statut=Structure.Statut.SUSPENDUE)
    HistoriqueStatut.objects.create(structure=suspendue, statut=Structure.Statut.SUSPENDUE, date=date.today())
    blocs, html = _blocs(client, prefecture)
    structures = {c.libelle: c for c in blocs["Structures de mon périmètre"].chiffres}
    assert structures["suspendues"].valeur == 1 and structures["suspendues"].alerte
    assert "Changements de statut (30 derniers jours)" in blocs
    sans = blocs[f"Opérateurs sans référent ({monde.dep_a.nom})"]
    assert sans.chiffres[0].valeur >= 1 and "Sans référent" in sans.texte
    assert "Demandes au back-office" in blocs and "Par région" not in blocs
    # Chaque lien du tableau s'ouvre pour ce rôle.
    for lien in set(re.findall(r'href="(/espace/[^"]*)"', html)):
        assert client.get(lien.replace("&amp;", "&"), follow=True).status_code == 200, lien


def test_national_par_region_et_liens_ouverts(client, monde):
    blocs, html = _blocs(client, monde.national)
    assert "Par région" in blocs and "Opérateurs sans référent" in blocs
    for lien in set(re.findall(r'href="(/espace/[^"]*)"', html)):
        assert client.get(lien.replace("&amp;", "&"), follow=True).status_code == 200, lien


def test_auditeur_departemental_son_departement(client, monde):
    blocs, _ = _blocs(client, monde.auditeur_a)
    assert "Structures de mon périmètre" in blocs and "Par région" not in blocs


def test_referent_sa_boite_en_trois_chiffres(client, monde):
    from datetime import timedelta

    from django.utils import timezone

    from guichet.demandes import services
    from tests.demandes.factories import donnees

    def ouvrir():
        return services.ouvrir_demande(
            auteur=monde.conseiller_a1, structure=monde.a1, operateur=monde.caf, donnees=donnees()
        )

    ouvrir()
    prise = ouvrir()
    services.prendre_en_charge(prise, monde.referent_caf_a)
    en_retard = ouvrir()
    type(en_retard).objects.filter(pk=en_retard.pk).update(echeance_le=timezone.now() - timedelta(hours=1))
    blocs, html = _blocs(client, monde.referent_caf_a)
    assert list(blocs) == ["Ma boîte de référent"]
    chiffres = [(c.valeur, c.alerte) for c in blocs["Ma boîte de référent"].chiffres]
    assert chiffres == [(3, False), (1, True), (1, False)]
    for lien in set(re.findall(r'href="(/espace/demandes/[^"]*)"', html)):
        assert client.get(lien.replace("&amp;", "&")).status_code == 200, lien
    # Le référent d'un autre opérateur, dans un autre département, ne voit rien de cette boîte.
    autre, _ = _blocs(client, monde.referent_local_b)
    assert [c.valeur for c in autre["Ma boîte de référent"].chiffres] == [0, 0, 0]


def test_pas_de_tableau_pour_un_compte_sans_role(client, monde):
    assert _blocs(client, monde.sans_role)[0] == {}
