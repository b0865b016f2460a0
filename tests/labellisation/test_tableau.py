"""Les comptes par critère du tableau de la labellisation : tenus par la conclusion des audits, ils donnent les
mêmes chiffres qu'un recomptage depuis les lignes d'audit (dernier audit conclu de chaque site), y compris
quand un nouvel audit remplace le précédent ; `recompter_constats` rattrape un écart."""

import io
import json
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.labellisation import services, tableaux
from guichet.labellisation.models import Audit, ComptageCritere, Dossier, Etape, ResultatAudit
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement
from tests.labellisation.factories import mettre_a, monde_labellisation, personne
from tests.territoires.factories import CommuneFactory

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
    with django_assert_num_queries(8):
        tableau = tableaux.calculer(Departement.objects.all(), national=True)
    assert tableau.sites_audites == 2


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
