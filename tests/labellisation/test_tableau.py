"""Les comptes par critère du tableau de la labellisation : tenus par la conclusion des audits, ils donnent les
mêmes chiffres qu'un recomptage depuis les lignes d'audit (dernier audit conclu de chaque site), y compris
quand un nouvel audit remplace le précédent ; `recompter_constats` rattrape un écart."""

import io
import json
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guichet.comptes.models import Role
from guichet.labellisation import services, tableaux
from guichet.labellisation.models import Audit, ComptageCritere, Dossier, Etape, ResultatAudit
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement
from tests.comptes.conftest import connecter
from tests.labellisation.factories import mettre_a, monde_labellisation, personne
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory, RegionFactory

pytestmark = pytest.mark.django_db

DEMAIN = timezone.localdate() + timedelta(days=1)


def recompte_brut(codes_departements):
    """Le tableau attendu, refait depuis les lignes d'audit : le dernier audit conclu de chaque dossier dont le
    site est dans ces départements, ses constats comptés par code de critère et résultat."""
    derniers = {}
    for audit in Audit.objects.filter(statut=Audit.Statut.REALISE).order_by("-realise_le", "-pk"):
        derniers.setdefault(audit.dossier_id, audit)
    comptes = Counter()
    for audit in derniers.values():
        if audit.dossier.structure.commune.departement.code in codes_departements:
            comptes.update((ligne.critere.code, ligne.resultat) for ligne in audit.lignes.exclude(resultat=""))
    return comptes, sum(
        1 for a in derniers.values() if a.dossier.structure.commune.departement.code in codes_departements
    )


def figures(codes_departements):
    tableau = tableaux.calculer(Departement.objects.filter(code__in=codes_departements))
    comptes = Counter()
    for c in tableau.criteres:
        comptes.update({(c.code, "conforme"): c.conformes, (c.code, "non_conforme"): c.non_conformes})
        comptes.update({(c.code, "sans_objet"): c.sans_objet})
    return +comptes, tableau.sites_audites


def auditer(dossier, planifie_par, auditeur, non_conformes=(), sans_objet=(), controle=False):
    """Un audit planifié, rempli (tout conforme sauf les critères nommés) et conclu."""
    audit = services.planifier_audit(dossier, planifie_par, auditeur=auditeur, date_prevue=DEMAIN, controle=controle)
    audit.lignes.update(resultat=ResultatAudit.CONFORME)
    audit.lignes.filter(critere__code__in=non_conformes).update(resultat=ResultatAudit.NON_CONFORME)
    audit.lignes.filter(critere__code__in=sans_objet).update(resultat=ResultatAudit.SANS_OBJET)
    bloquant = audit.lignes.filter(resultat=ResultatAudit.NON_CONFORME, critere__bloquant=True).exists()
    audit.conclure(auditeur, conclusion="defavorable" if bloquant else "favorable")
    return audit


@pytest.fixture
def m():
    m = monde_labellisation()
    m.auditeur_national = personne("auditeur-national", role=Role.AUDITEUR)
    m.dossier_ailleurs = Dossier.objects.create(structure=m.site_ailleurs)
    mettre_a(m.dossier, Etape.CANDIDATURE)
    mettre_a(m.dossier_ailleurs, Etape.CANDIDATURE)
    m.premier = auditer(m.dossier, m.prefecture, m.auditeur, non_conformes=["horaires", "poste-webcam"])
    auditer(m.dossier_ailleurs, m.prefecture_ailleurs, m.auditeur_national, sans_objet=["accessibilite-pmr"])
    return m


def test_le_tableau_egale_un_recomptage_des_lignes_meme_quand_un_audit_en_remplace_un_autre(m):
    for codes in (["19"], ["23"], ["19", "23"]):
        assert figures(codes) == recompte_brut(codes)
    assert figures(["19"])[0][("horaires", "non_conforme")] == 1

    # Le contrôle de conformité remplace l'audit de labellisation : ses constats seuls comptent désormais.
    mettre_a(m.dossier, Etape.LABELLISEE)
    auditer(
        m.dossier,
        m.prefecture,
        m.auditeur,
        non_conformes=["signaletique"],
        sans_objet=["accessibilite-pmr"],
        controle=True,
    )
    for codes in (["19"], ["23"], ["19", "23"]):
        assert figures(codes) == recompte_brut(codes)
    comptes, sites = figures(["19", "23"])
    assert sites == 2
    assert comptes[("horaires", "non_conforme")] == 0 and comptes[("horaires", "conforme")] == 2
    assert comptes[("signaletique", "non_conforme")] == 1 and comptes[("accessibilite-pmr", "sans_objet")] == 2
    assert Audit.objects.get(pk=m.premier.pk).compte_dans is None

    # Le recomptage complet ne trouve rien à changer : l'écrivain a tenu les comptes.
    assert ComptageCritere.objects.recompter()["ecarts"] == 0


def test_un_audit_planifie_ne_compte_pas_avant_sa_conclusion(m):
    avant = figures(["19"])
    mettre_a(m.dossier, Etape.LABELLISEE)
    audit = services.planifier_audit(m.dossier, m.prefecture, auditeur=m.auditeur, date_prevue=DEMAIN, controle=True)
    audit.lignes.update(resultat=ResultatAudit.NON_CONFORME)
    assert figures(["19"]) == avant == recompte_brut(["19"])


def lancer(*args):
    sortie = io.StringIO()
    call_command("recompter_constats", "--json", *args, stdout=sortie, stderr=io.StringIO())
    return json.loads(sortie.getvalue())


def test_recompter_constats_rattrape_un_site_change_de_departement(m):
    # Le site d'Égletons passe en Creuse : ses constats restent comptés en Corrèze jusqu'au recomptage.
    Structure.objects.filter(pk=m.site.pk).update(commune=CommuneFactory(departement=m.autre_dep))
    assert figures(["19"])[1] == 1 and recompte_brut(["19"])[1] == 0

    simulation = lancer()
    assert simulation["ecrit"] is False and simulation["audits_changes"] == 1 and simulation["ecarts"] > 0
    assert figures(["19"])[1] == 1  # rien n'est écrit sans --wet-run

    rapport = lancer("--wet-run")
    assert rapport["ecrit"] is True and rapport["sites_audites"] == 2
    for codes in (["19"], ["23"]):
        assert figures(codes) == recompte_brut(codes)
    assert figures(["19"]) == (Counter(), 0)
    assert lancer()["ecarts"] == 0


def test_recompter_constats_rattrape_des_audits_crees_en_masse(m):
    ComptageCritere.objects.all().delete()
    Audit.objects.update(compte_dans=None)
    assert figures(["19", "23"]) == (Counter(), 0)
    lancer("--wet-run")
    assert figures(["19", "23"]) == recompte_brut(["19", "23"])


def test_le_tableau_tient_en_quelques_requetes_quel_que_soit_le_nombre_de_sites(m, django_assert_num_queries):
    mettre_a(m.dossier, Etape.LABELLISEE)
    auditer(m.dossier, m.prefecture, m.auditeur, non_conformes=["signaletique"], controle=True)
    # départements, dossiers par étape, audits à réaliser (comptes et liste), actions en retard (comptes et
    # liste), comptes par critère, sites audités : jamais une requête par site ni par ligne d'audit.
    # En national, une de plus : les comptes par critère sont lus par région (leur somme donne la France), puis
    # les intitulés des critères comptés.
    with django_assert_num_queries(9):
        tableau = tableaux.calculer(Departement.objects.all(), national=True)
    assert tableau.sites_audites == 2
    with django_assert_num_queries(8):
        tableaux.calculer(Departement.objects.filter(code="19"))


def test_les_exports_donnent_la_part_des_sites_conformes_par_departement(m):
    from openpyxl import load_workbook

    tableau = tableaux.calculer(Departement.objects.filter(code__in=["19", "23"]), national=True)
    feuille = load_workbook(io.BytesIO(tableaux.en_xlsx(tableau)))["Critères par département"]
    lignes = {(ligne[0], ligne[2]): ligne for ligne in feuille.iter_rows(min_row=2, values_only=True)}
    assert lignes[("19", "horaires")][5:] == (0, 1, 0, 0)  # conformes, non conformes, sans objet, part (%)
    assert lignes[("23", "horaires")][5:] == (1, 0, 0, 100)
    assert lignes[("23", "accessibilite-pmr")][5:] == (0, 0, 1, None)
    csv = tableaux.en_csv(tableau).decode("utf-8-sig")
    assert "19;Corrèze;horaires;" in csv


# — par région —


@pytest.fixture
def deux_regions(m):
    """La Corrèze et la Creuse en Nouvelle-Aquitaine ; le Puy-de-Dôme en Auvergne-Rhône-Alpes, avec un site audité
    et une candidature. À Égletons, un contrôle remplace l'audit de labellisation."""
    nouvelle_aquitaine = RegionFactory(code="75", nom="Nouvelle-Aquitaine")
    Departement.objects.filter(code__in=["19", "23"]).update(region=nouvelle_aquitaine)
    puy_de_dome = DepartementFactory(
        code="63", nom="Puy-de-Dôme", region=RegionFactory(code="84", nom="Auvergne-Rhône-Alpes")
    )
    assert puy_de_dome.region_id != nouvelle_aquitaine.pk
    prefecture_63 = personne("prefecture-63", role=Role.PREFECTURE, departement=puy_de_dome)
    for nom, audite in (("Thiers", True), ("Ambert", False)):
        site = StructureFactory(
            nom=f"France services de {nom}",
            commune=CommuneFactory(departement=puy_de_dome),
            statut=Structure.Statut.PROJET,
        )
        dossier = mettre_a(Dossier.objects.create(structure=site), Etape.CANDIDATURE)
        if audite:
            auditer(dossier, prefecture_63, m.auditeur_national, non_conformes=["horaires", "signaletique"])
    mettre_a(m.dossier, Etape.LABELLISEE)
    auditer(
        m.dossier, m.prefecture, m.auditeur, non_conformes=["horaires"], sans_objet=["accessibilite-pmr"], controle=True
    )
    m.prefecture_63 = prefecture_63
    return m


REGIONS = {"75": ["19", "23"], "84": ["63"]}


def test_le_tableau_national_par_region_egale_un_recomptage_des_lignes(deux_regions, django_assert_num_queries):
    with django_assert_num_queries(9):  # autant qu'avec une seule région : les régions se somment en base
        tableau = tableaux.calculer(Departement.objects.all(), national=True)
    assert [(r.code, r.nom) for r in tableau.regions] == [("84", "Auvergne-Rhône-Alpes"), ("75", "Nouvelle-Aquitaine")]
    for region in tableau.regions:
        comptes = Counter()
        for c in region.criteres.values():
            comptes.update({(c.code, "conforme"): c.conformes, (c.code, "non_conforme"): c.non_conformes})
            comptes.update({(c.code, "sans_objet"): c.sans_objet})
        assert (+comptes, region.sites_audites) == recompte_brut(REGIONS[region.code])
    auvergne, aquitaine = tableau.regions
    assert (aquitaine.sites_audites, auvergne.sites_audites) == (2, 1)
    # Égletons (contrôle) non conforme, Aubusson conforme ; Thiers non conforme.
    assert aquitaine.criteres["horaires"].part_conformes == 50.0
    assert auvergne.criteres["horaires"].part_conformes == 0.0
    assert next(c for c in tableau.criteres if c.code == "horaires").part_conformes == 33.3
    assert aquitaine.criteres["signaletique"].part_conformes == 100.0  # l'audit remplacé ne compte plus
    assert aquitaine.criteres["accessibilite-pmr"].part_conformes is None  # sans objet partout
    # Les dossiers par étape : sommes des départements de la région.
    assert (auvergne.total, auvergne.par_etape[Etape.CANDIDATURE]) == (2, 1)
    assert (aquitaine.total, aquitaine.par_etape[Etape.LABELLISEE]) == (2, 1)
    lignes = dict((c.code, cellules) for c, cellules in tableau.criteres_par_region)
    assert lignes["horaires"] == [0.0, 50.0]


def test_la_page_nationale_montre_les_regions_en_tableau_accessible(client, deux_regions):
    connecter(client, deux_regions.national)
    html = client.get(reverse("labellisation:tableau")).content.decode()
    assert "<caption>Part des sites conformes à chaque critère, en France et dans chaque région</caption>" in html
    assert '<th scope="col">Nouvelle-Aquitaine (2 sites)</th>' in html
    assert '<th scope="col">Auvergne-Rhône-Alpes (1 site)</th>' in html
    ligne = re.search(r'<th scope="row">Ouverture[^<]*</th>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", ligne) == ["33,3&nbsp;%", "0,0&nbsp;%", "50,0&nbsp;%"]


def test_les_exports_nationaux_ont_le_bloc_des_regions(client, deux_regions):
    connecter(client, deux_regions.national)
    classeur = load_workbook(io.BytesIO(client.get(reverse("labellisation:export", args=["xlsx"])).content))
    assert classeur.sheetnames == [
        "Départements",
        "Critères",
        "Critères par département",
        "Régions",
        "Critères par région",
    ]
    regions = {ligne[0]: ligne for ligne in classeur["Régions"].iter_rows(min_row=2, values_only=True)}
    assert regions["75"][:3] == ("75", "Nouvelle-Aquitaine", 2) and regions["75"][-1] == 2
    criteres = {
        (ligne[0], ligne[2]): ligne for ligne in classeur["Critères par région"].iter_rows(min_row=2, values_only=True)
    }
    assert criteres[("75", "horaires")][5:] == (1, 1, 0, 50)  # conformes, non conformes, sans objet, part (%)
    assert criteres[("84", "horaires")][5:] == (0, 1, 0, 0)
    csv = client.get(reverse("labellisation:export", args=["csv"])).content.decode("utf-8-sig")
    assert "\nRégion;Nom;Critère;Intitulé;" in csv
    assert "75;Nouvelle-Aquitaine;horaires;" in csv and "84;Auvergne-Rhône-Alpes;horaires;" in csv


def test_la_prefecture_n_a_pas_le_tableau_national_ni_ses_regions(client, deux_regions):
    connecter(client, deux_regions.prefecture_63)
    reponse = client.get(reverse("labellisation:tableau"))
    assert reponse.status_code == 200 and not reponse.context["tableau"].national
    html = reponse.content.decode()
    assert "Par région" not in html and "Nouvelle-Aquitaine" not in html and "Corrèze" not in html
    assert client.get(reverse("labellisation:tableau") + "?departement=19").status_code == 404
    classeur = load_workbook(io.BytesIO(client.get(reverse("labellisation:export", args=["xlsx"])).content))
    assert classeur.sheetnames == ["Départements", "Critères", "Critères par département"]
    csv = client.get(reverse("labellisation:export", args=["csv"])).content.decode("utf-8-sig")
    assert "Nouvelle-Aquitaine" not in csv and "Région;Nom;Critère" not in csv
    for personne_sans_tableau in (deux_regions.auditeur, deux_regions.gestionnaire):
        client.logout()
        connecter(client, personne_sans_tableau)
        assert client.get(reverse("labellisation:tableau")).status_code == 403
        assert client.get(reverse("labellisation:export", args=["xlsx"])).status_code == 403
