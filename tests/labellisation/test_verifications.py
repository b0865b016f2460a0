import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.labellisation.models import Referentiel
from guichet.labellisation.verifications import verifier
from guichet.reseau.models import Operateur, Structure
from tests.activite.factories import AccompagnementFactory
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.formation.factories import former
from tests.reseau.factories import (
    CreneauFactory,
    PassageFactory,
    StructureFactory,
    communes_de_l_ain_et_du_genevois,
    france_services_de_tulle,
)
from tests.territoires.factories import DepartementFactory

pytestmark = pytest.mark.django_db

FICHIERS = Path(__file__).parent.parent / "reseau" / "fichiers"


def criteres():
    return list(Referentiel.objects.en_vigueur().criteres.automatiques())


def constats(structure):
    (site,) = verifier(Structure.objects.filter(pk=structure.pk), criteres())
    return site.constats


def equipe(structure, nombre, role=Role.CONSEILLER, formes=True):
    for _ in range(nombre):
        habilitation = HabilitationFactory(role=role, structure=structure)
        if formes:
            former(habilitation.utilisateur, structure)


def referents_de_tous_les_nationaux(departement, sauf=()):
    for operateur in Operateur.objects.filter(national=True).exclude(code__in=sauf):
        HabilitationFactory(role=Role.REFERENT, operateur=operateur, departement=departement)


def conformite(*options):
    sortie = io.StringIO()
    call_command("conformite", "--json", *options, stdout=sortie, stderr=io.StringIO())
    return json.loads(sortie.getvalue())


# — horaires —


def test_fixe_ouverte_35_h_sur_5_jours_conforme():
    tulle = france_services_de_tulle()  # 9 h-17 h, du lundi au vendredi
    constat = constats(tulle)["horaires"]
    assert constat.resultat == "conforme"
    assert constat.preuve == "Ouvert 40 h par semaine sur 5 jours (créneaux d'ouverture)."


def test_fixe_ouverte_4_jours_non_conforme_meme_au_dela_de_24_h():
    constat = constats(france_services_de_tulle(jours_ouverts=4))["horaires"]
    assert constat.resultat == "non_conforme"
    assert "32 h par semaine sur 4 jours" in constat.preuve
    assert "au moins 24 h sur au moins 5 jours" in constat.preuve


def test_fixe_ouverte_5_jours_mais_moins_de_24_h_non_conforme():
    constat = constats(france_services_de_tulle(fin="13:30"))["horaires"]  # 4 h 30 × 5 = 22 h 30
    assert constat.resultat == "non_conforme"
    assert "22 h 30 par semaine sur 5 jours" in constat.preuve


def test_exactement_24_h_sur_5_jours_conforme():
    structure = StructureFactory()
    for jour, fin in enumerate(["14:00", "14:00", "14:00", "14:00", "13:00"]):  # 5+5+5+5+4 = 24 h
        CreneauFactory(structure=structure, jour=jour, debut="09:00", fin=fin)
    assert constats(structure)["horaires"].resultat == "conforme"


def test_horaires_inconnus_a_verifier_jamais_conforme():
    constat = constats(StructureFactory())["horaires"]
    assert constat.resultat == "a_verifier"
    assert "Horaires inconnus" in constat.preuve


def test_bus_compte_ses_arrets():
    bus = StructureFactory(bus=True)
    for jour in range(5):
        PassageFactory(structure=bus, jour=jour, debut="09:00", fin="12:00")
        PassageFactory(structure=bus, jour=jour, debut="13:30", fin="17:00")
    constat = constats(bus)["horaires"]
    assert constat.resultat == "conforme"
    assert constat.preuve == "Ouvert 32 h 30 par semaine sur 5 jours (arrêts du bus)."


def test_bus_trois_jours_de_tournee_non_conforme():
    bus = StructureFactory(bus=True)
    for jour in (0, 2, 4):
        PassageFactory(structure=bus, jour=jour, debut="09:00", fin="17:00")
    constat = constats(bus)["horaires"]
    assert constat.resultat == "non_conforme"
    assert "24 h par semaine sur 3 jours (arrêts du bus)" in constat.preuve


def test_bus_sans_arret_a_verifier():
    constat = constats(StructureFactory(bus=True))["horaires"]
    assert constat.resultat == "a_verifier"
    assert "ni horaires ni arrêts" in constat.preuve


def test_multisite_additionne_permanences_et_ouverture_sans_compter_deux_fois():
    structure = StructureFactory(multisite=True)
    for jour in (0, 1):
        CreneauFactory(structure=structure, jour=jour, debut="09:00", fin="17:00")
    for jour in (2, 3, 4):
        PassageFactory(structure=structure, jour=jour, debut="09:00", fin="12:00")
    # Une permanence qui chevauche l'ouverture du lundi ne l'allonge que de 17 h à 18 h.
    PassageFactory(structure=structure, jour=0, debut="16:00", fin="18:00")
    constat = constats(structure)["horaires"]
    assert constat.resultat == "conforme"  # 9 + 8 + 3 × 3 = 26 h sur 5 jours
    assert constat.preuve == "Ouvert 26 h par semaine sur 5 jours (permanences et créneaux d'ouverture)."


def test_les_passages_d_une_structure_fixe_ne_comptent_pas():
    structure = StructureFactory()
    CreneauFactory(structure=structure, jour=0, debut="09:00", fin="17:00")
    for jour in range(1, 5):
        PassageFactory(structure=structure, jour=jour, debut="09:00", fin="17:00")
    assert constats(structure)["horaires"].resultat == "non_conforme"


def test_import_national_deux_jours_non_conforme_sans_horaires_a_verifier(tmp_path):
    communes_de_l_ain_et_du_genevois()
    entete = (FICHIERS / "liste_virgule.csv").read_text().splitlines()[0]
    lignes = [
        entete,
        "FS-01-101,01,France services de deux jours,1 place de la Mairie,,01000,Bourg-en-Bresse,01053,"
        "46.2052,5.2255,,,Collectivité territoriale,Commune,9h-12h / 14h-17h,,,9h-12h / 14h-17h,,,Non,"
        "Espace labellisé,01/01/2020",
        "FS-01-102,01,France services sans horaires,2 place de la Mairie,,01500,Ambérieu-en-Bugey,01004,"
        "45.9584,5.3597,,,Collectivité territoriale,Commune,,,,,,,Non,Espace labellisé,01/01/2020",
    ]
    chemin = tmp_path / "liste.csv"
    chemin.write_text("\n".join(lignes) + "\n")
    call_command("import_structures", str(chemin), "--wet-run", stdout=io.StringIO(), stderr=io.StringIO())
    resultats = {s["matricule"]: s["criteres"]["horaires"] for s in conformite()["sites"]}
    assert resultats == {"FS-01-101": "non_conforme", "FS-01-102": "a_verifier"}
    deux_jours = constats(Structure.objects.get(matricule="FS-01-101"))["horaires"]
    assert "12 h par semaine sur 2 jours" in deux_jours.preuve


# — agents —


def test_deux_agents_formes_conforme_et_la_preuve_le_dit():
    structure = france_services_de_tulle()
    equipe(structure, 1)
    equipe(structure, 1, role=Role.GESTIONNAIRE)
    constat = constats(structure)["agents"]
    assert constat.resultat == "conforme"
    assert constat.preuve == (
        "2 agents formés sur 2 agents actifs (formation initiale complète : socle commun et modules métiers)."
    )


def test_deux_agents_dont_un_seul_forme_non_conforme():
    structure = france_services_de_tulle()
    equipe(structure, 1)
    equipe(structure, 2, formes=False)
    constat = constats(structure)["agents"]
    assert constat.resultat == "non_conforme"
    assert constat.preuve.startswith("Un seul agent formé sur 3 agents actifs")
    assert "il en faut au moins 2" in constat.preuve


def test_un_agent_a_qui_il_manque_un_module_n_est_pas_forme():
    structure = france_services_de_tulle()
    equipe(structure, 1)
    habilitation = HabilitationFactory(role=Role.CONSEILLER, structure=structure)
    former(habilitation.utilisateur, structure, sauf=["metier-caf"])
    assert constats(structure)["agents"].resultat == "non_conforme"
    former(habilitation.utilisateur, structure, seulement=["metier-caf"])
    assert constats(structure)["agents"].resultat == "conforme"


def test_un_seul_agent_non_conforme():
    structure = france_services_de_tulle()
    equipe(structure, 1)
    constat = constats(structure)["agents"]
    assert constat.resultat == "non_conforme"
    assert constat.preuve.startswith("Un seul agent formé sur 1 agent actif")


def test_un_agent_et_ses_deux_roles_comptent_pour_un():
    structure = france_services_de_tulle()
    agent = UtilisateurFactory()
    HabilitationFactory(utilisateur=agent, role=Role.CONSEILLER, structure=structure)
    HabilitationFactory(utilisateur=agent, role=Role.GESTIONNAIRE, structure=structure)
    former(agent, structure)
    assert constats(structure)["agents"].resultat == "non_conforme"


def test_un_compte_desactive_ne_compte_pas():
    structure = france_services_de_tulle()
    equipe(structure, 1)
    inactif = UtilisateurFactory(is_active=False)
    HabilitationFactory(role=Role.CONSEILLER, structure=structure, utilisateur=inactif)
    former(inactif, structure)
    assert constats(structure)["agents"].resultat == "non_conforme"


def test_un_agent_forme_parti_ailleurs_ne_compte_pas_ici():
    structure = france_services_de_tulle()
    equipe(structure, 1)
    ailleurs = StructureFactory()
    equipe(ailleurs, 1)  # formé, mais dans une autre structure
    assert constats(structure)["agents"].resultat == "non_conforme"


def test_sans_agent_non_conforme():
    constat = constats(france_services_de_tulle())["agents"]
    assert constat.resultat == "non_conforme"
    assert constat.preuve.startswith("Aucun agent formé sur 0 agent actif")


# — opérateurs —


def test_tous_les_operateurs_nationaux_ont_un_referent_conforme():
    structure = france_services_de_tulle()
    referents_de_tous_les_nationaux(structure.commune.departement)
    constat = constats(structure)["operateurs"]
    assert constat.resultat == "conforme"
    nombre = Operateur.objects.filter(national=True).count()
    assert constat.preuve == f"Les {nombre} opérateurs nationaux ont au moins un référent dans le département."


def test_un_operateur_sans_referent_non_conforme_et_nomme():
    structure = france_services_de_tulle()
    referents_de_tous_les_nationaux(structure.commune.departement, sauf=["caf"])
    constat = constats(structure)["operateurs"]
    assert constat.resultat == "non_conforme"
    assert Operateur.objects.get(code="caf").nom in constat.preuve


def test_un_referent_d_un_autre_departement_ne_compte_pas():
    structure = france_services_de_tulle()
    referents_de_tous_les_nationaux(structure.commune.departement, sauf=["caf"])
    autre = DepartementFactory(code="87", nom="Haute-Vienne")
    assert autre != structure.commune.departement
    HabilitationFactory(role=Role.REFERENT, operateur=Operateur.objects.get(code="caf"), departement=autre)
    assert constats(structure)["operateurs"].resultat == "non_conforme"


def test_un_referent_desactive_ne_compte_pas():
    structure = france_services_de_tulle()
    departement = structure.commune.departement
    referents_de_tous_les_nationaux(departement, sauf=["caf"])
    HabilitationFactory(
        role=Role.REFERENT,
        operateur=Operateur.objects.get(code="caf"),
        departement=departement,
        utilisateur=UtilisateurFactory(is_active=False),
    )
    assert constats(structure)["operateurs"].resultat == "non_conforme"


# — outils —


def outils_possibles(structure, agents=1, operateurs=("caf",)):
    """Des agents actifs sur le site et des référents nationaux dans son département : le back-office est joignable."""
    equipe(structure, agents, formes=False)
    for code in operateurs:
        HabilitationFactory(
            role=Role.REFERENT, operateur=Operateur.objects.get(code=code), departement=structure.commune.departement
        )


def test_accompagnements_des_30_derniers_jours():
    structure = france_services_de_tulle()
    outils_possibles(structure)
    assert constats(structure)["outils"].resultat == "non_conforme"
    AccompagnementFactory(structure=structure, le=timezone.now() - timedelta(days=31))
    assert constats(structure)["outils"].resultat == "non_conforme"
    AccompagnementFactory(structure=structure, le=timezone.now() - timedelta(days=3))
    constat = constats(structure)["outils"]
    assert constat.resultat == "conforme"
    assert constat.preuve == (
        "1 accompagnement saisi ces 30 derniers jours ; demandes au back-office possibles : "
        "1 conseiller peut en ouvrir, 1 opérateur y répond dans le département."
    )


def test_outils_les_deux_parts_tiennent_conforme_et_la_preuve_dit_chacune():
    structure = france_services_de_tulle()
    equipe(structure, 2, formes=False)
    equipe(structure, 1, role=Role.GESTIONNAIRE, formes=False)
    outils_possibles(structure, agents=0, operateurs=("caf", "assurance-maladie"))
    outils_possibles(structure, agents=0, operateurs=("caf",))  # deux référents de la CAF : un opérateur
    for _ in range(12):
        AccompagnementFactory(structure=structure)
    constat = constats(structure)["outils"]
    assert constat.resultat == "conforme"
    assert constat.preuve == (
        "12 accompagnements saisis ces 30 derniers jours ; demandes au back-office possibles : "
        "3 conseillers peuvent en ouvrir, 2 opérateurs y répondent dans le département."
    )


def test_outils_accompagnements_sans_agent_pour_ouvrir_une_demande_non_conforme():
    structure = france_services_de_tulle()
    outils_possibles(structure, agents=0)
    AccompagnementFactory(structure=structure)
    constat = constats(structure)["outils"]
    assert constat.resultat == "non_conforme"
    assert constat.preuve == (
        "1 accompagnement saisi ces 30 derniers jours ; demandes au back-office impossibles : "
        "aucun conseiller actif du site ne peut en ouvrir."
    )


def test_outils_accompagnements_sans_referent_pour_recevoir_une_demande_non_conforme():
    structure = france_services_de_tulle()
    outils_possibles(structure, operateurs=())
    AccompagnementFactory(structure=structure)
    constat = constats(structure)["outils"]
    assert constat.resultat == "non_conforme"
    assert constat.preuve == (
        "1 accompagnement saisi ces 30 derniers jours ; demandes au back-office impossibles : "
        "aucun opérateur national n'a de référent actif dans le département pour y répondre."
    )


def test_outils_ni_agent_ni_referent_les_deux_raisons():
    structure = france_services_de_tulle()
    AccompagnementFactory(structure=structure)
    constat = constats(structure)["outils"]
    assert constat.resultat == "non_conforme"
    assert constat.preuve.endswith(
        "impossibles : aucun conseiller actif du site ne peut en ouvrir et aucun opérateur national "
        "n'a de référent actif dans le département pour y répondre."
    )


def test_outils_demandes_possibles_sans_accompagnement_non_conforme():
    structure = france_services_de_tulle()
    outils_possibles(structure, agents=2, operateurs=("caf", "msa"))
    constat = constats(structure)["outils"]
    assert constat.resultat == "non_conforme"
    assert constat.preuve == (
        "Aucun accompagnement saisi ces 30 derniers jours ; demandes au back-office possibles : "
        "2 conseillers peuvent en ouvrir, 2 opérateurs y répondent dans le département."
    )


def test_outils_un_agent_desactive_ne_peut_pas_ouvrir_de_demande():
    structure = france_services_de_tulle()
    outils_possibles(structure, agents=0)
    AccompagnementFactory(structure=structure)
    HabilitationFactory(role=Role.CONSEILLER, structure=structure, utilisateur=UtilisateurFactory(is_active=False))
    constat = constats(structure)["outils"]
    assert constat.resultat == "non_conforme"
    assert "aucun conseiller actif du site ne peut en ouvrir" in constat.preuve
    HabilitationFactory(role=Role.CONSEILLER, structure=structure)
    assert constats(structure)["outils"].resultat == "conforme"


def test_outils_l_agent_d_un_autre_site_ne_compte_pas():
    structure = france_services_de_tulle()
    outils_possibles(structure, agents=0)
    AccompagnementFactory(structure=structure)
    equipe(StructureFactory(commune=structure.commune), 2, formes=False)  # même commune, autre site
    assert constats(structure)["outils"].resultat == "non_conforme"


def test_outils_un_referent_d_un_autre_departement_ou_desactive_ne_compte_pas():
    structure = france_services_de_tulle()
    outils_possibles(structure, operateurs=())
    AccompagnementFactory(structure=structure)
    autre = DepartementFactory(code="87", nom="Haute-Vienne")
    assert autre != structure.commune.departement
    caf = Operateur.objects.get(code="caf")
    HabilitationFactory(role=Role.REFERENT, operateur=caf, departement=autre)
    HabilitationFactory(
        role=Role.REFERENT,
        operateur=caf,
        departement=structure.commune.departement,
        utilisateur=UtilisateurFactory(is_active=False),
    )
    constat = constats(structure)["outils"]
    assert constat.resultat == "non_conforme"
    assert "aucun opérateur national n'a de référent actif dans le département" in constat.preuve
    HabilitationFactory(role=Role.REFERENT, operateur=caf, departement=structure.commune.departement)
    assert constats(structure)["outils"].resultat == "conforme"


def test_outils_un_partenaire_local_ne_suffit_pas():
    structure = france_services_de_tulle()
    outils_possibles(structure, operateurs=())
    AccompagnementFactory(structure=structure)
    local = Operateur.objects.create(
        code="mission-locale-tulle", nom="la Mission locale", national=False, departement=structure.commune.departement
    )
    HabilitationFactory(role=Role.REFERENT, operateur=local, departement=structure.commune.departement)
    assert constats(structure)["outils"].resultat == "non_conforme"


# — par lots —


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_sites():
    def requetes(n):
        for _ in range(n):
            structure = StructureFactory()
            CreneauFactory(structure=structure)
            equipe(structure, 1)
        with CaptureQueriesContext(connection) as capture:
            verifier(Structure.objects.all(), criteres())
        return len(capture)

    assert requetes(2) == requetes(20)


# — la commande —


def test_commande_json_forme_et_comptes():
    tulle = france_services_de_tulle()
    equipe(tulle, 2)
    referents_de_tous_les_nationaux(tulle.commune.departement)
    AccompagnementFactory(structure=tulle)
    courte = StructureFactory(commune=tulle.commune)
    CreneauFactory(structure=courte, jour=0)
    equipe(courte, 1)
    StructureFactory(fermee=True, commune=tulle.commune)  # pas labellisée : absente
    ailleurs = StructureFactory()  # autre département, horaires inconnus

    rapport = conformite()
    assert set(rapport) == {"referentiel", "sites", "par_critere", "duree_s"}
    assert rapport["referentiel"] == "arrete-2025"
    sites = {s["matricule"]: s["criteres"] for s in rapport["sites"]}
    assert set(sites) == {tulle.matricule, courte.matricule, ailleurs.matricule}
    assert sites[tulle.matricule] == {
        "horaires": "conforme",
        "operateurs": "conforme",
        "agents": "conforme",
        "outils": "conforme",
    }
    assert sites[courte.matricule]["horaires"] == "non_conforme"
    assert sites[courte.matricule]["agents"] == "non_conforme"
    assert sites[ailleurs.matricule]["horaires"] == "a_verifier"
    assert rapport["par_critere"]["horaires"] == {"conforme": 1, "non_conforme": 1, "a_verifier": 1}
    assert rapport["par_critere"]["agents"] == {"conforme": 1, "non_conforme": 2, "a_verifier": 0}
    for comptes in rapport["par_critere"].values():
        assert sum(comptes.values()) == 3

    du_19 = conformite("--departement", "19")
    assert {s["matricule"] for s in du_19["sites"]} == {tulle.matricule, courte.matricule}


def test_commande_texte_en_francais_avec_les_preuves():
    tulle = france_services_de_tulle(jours_ouverts=2)
    sortie = io.StringIO()
    call_command("conformite", stdout=sortie, stderr=io.StringIO())
    texte = sortie.getvalue()
    assert "1 structure labellisée vérifiée selon « Référentiel France services — arrêté du 16 juin 2025 »" in texte
    assert "horaires — Ouverture au public" in texte
    assert f"{tulle.matricule} France services de Tulle — horaires (non conforme) : Ouvert 16 h" in texte


def test_commande_avec_une_autre_version_du_referentiel():
    france_services_de_tulle()
    assert conformite("--referentiel", "circulaire-2019")["referentiel"] == "circulaire-2019"


@pytest.mark.parametrize(
    "options, message",
    [
        (["--departement", "999"], "Département « 999 » inconnu."),
        (["--referentiel", "inexistant"], "Référentiel « inexistant » inconnu."),
    ],
)
def test_commande_erreurs_claires(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("conformite", *options, stdout=io.StringIO(), stderr=io.StringIO())


def test_commande_sans_structure_sort_en_succes():
    rapport = conformite()
    assert rapport["sites"] == []
    assert rapport["par_critere"]["horaires"] == {"conforme": 0, "non_conforme": 0, "a_verifier": 0}
