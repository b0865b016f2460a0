"""La convention des commandes (guichet.commandes) et les tâches planifiées (guichet.planification)."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from guichet import planification
from guichet.commandes import Commande, Rapport
from guichet.territoires.models import Region

README = Path(__file__).resolve().parent.parent / "README.md"
# La seule commande du projet qui n'hérite pas de la base : le `flush` de Django, déverrouillant le journal.
HORS_CONVENTION = {"flush"}
QUI_ECRIVENT = {
    "agreger_activite",
    "borne",
    "code_enrolement",
    "demo",
    "generer_activite",
    "import_carroyage",
    "import_fiches",
    "import_reseau_routier",
    "import_structures",
    "import_territoires",
    "purger_demandes",
    "rechiffrer",
    "recompter_constats",
    "recompter_enquetes",
    "relancer_demandes",
    "relancer_formation",
}


def commandes_du_projet():
    return {nom: app for nom, app in get_commands().items() if app.startswith("guichet.")}


def options(nom):
    commande = load_command_class(commandes_du_projet()[nom], nom)
    parser = commande.create_parser("guichet", nom)
    return commande, {chaine for action in parser._actions for chaine in action.option_strings}


@pytest.mark.parametrize("nom", sorted(set(commandes_du_projet()) - HORS_CONVENTION))
def test_chaque_commande_suit_la_convention(nom):
    commande, acceptees = options(nom)
    assert isinstance(commande, Commande)
    assert "--json" in acceptees
    assert ("--wet-run" in acceptees) == (nom in QUI_ECRIVENT) == commande.ecrit
    assert "--dry-run" not in acceptees or nom == "import_structures"  # l'ancienne option, seulement là


def test_chaque_commande_figure_dans_le_readme():
    section = README.read_text(encoding="utf-8").split("## Commandes", 1)[1].split("\n## ", 1)[0]
    absentes = {nom for nom in commandes_du_projet() if f"`guichet {nom}" not in section} - HORS_CONVENTION
    assert not absentes


# --- La base, avec une commande d'essai qui écrit une région ---------------------------------------


class Essai(Commande):
    ecrit = True

    def add_arguments(self, parser):
        parser.add_argument("--echouer", action="store_true")
        self.ajouter_enregistrer_valides(parser)

    def executer(self, *args, echouer, enregistrer_valides, **options):
        self.progresser("1/1")
        Region.objects.create(code="99", nom="Essai")
        return Rapport(
            resume="Une région créée.",
            nombres={"regions": 1, "valides_seulement": enregistrer_valides},
            echec="échec demandé" if echouer else None,
        )


def lancer(*args):
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command(Essai(), *args, stdout=sortie, stderr=erreurs)
    return sortie.getvalue(), erreurs.getvalue()


def test_sans_wet_run_rien_n_est_ecrit(db):
    sortie, _ = lancer()
    assert "Une région créée." in sortie and "Simulation : rien n'est écrit" in sortie
    assert not Region.objects.exists()


def test_avec_wet_run_tout_est_ecrit(db):
    sortie, erreurs = lancer("--wet-run")
    assert "Simulation" not in sortie and re.search(r"Durée : \d+\.\d s\.", erreurs)
    assert Region.objects.filter(code="99").exists()


def test_un_rapport_en_echec_sort_en_erreur_et_n_ecrit_rien(db):
    with pytest.raises(CommandError, match="échec demandé") as erreur:
        lancer("--wet-run", "--echouer")
    assert erreur.value.returncode == 1
    assert not Region.objects.exists()


def test_json_le_rapport_en_un_objet(db):
    assert json.loads(lancer("--json")[0])["ecrit"] is False
    sortie, _ = lancer("--json", "--wet-run")
    rapport = json.loads(sortie)
    assert rapport["regions"] == 1 and rapport["ecrit"] is True and rapport["duree_s"] >= 0


def test_progression_sur_la_sortie_d_erreur_et_coupable(db):
    assert "1/1" in lancer()[1]
    assert "1/1" not in lancer("--sans-progression")[1]
    assert "1/1" not in lancer("--json")[1]


@pytest.mark.parametrize("ancienne", ["--skip-invalid", "--ignorer-invalides"])
def test_les_anciennes_options_marchent_avec_un_avertissement(db, ancienne):
    sortie, erreurs = lancer("--json", ancienne)
    assert json.loads(sortie)["valides_seulement"] is True
    assert f"{ancienne} est obsolète : utilisez --enregistrer-valides" in erreurs
    assert "obsolète" not in lancer("--enregistrer-valides")[1]


# --- Les tâches planifiées -------------------------------------------------------------------------


@pytest.mark.parametrize("tache", planification.TACHES, ids=lambda t: t.commande)
def test_chaque_tache_planifiee_est_une_vraie_commande_aux_options_valides(tache):
    assert tache.commande in commandes_du_projet()
    commande, _ = options(tache.commande)
    commande.create_parser("guichet", tache.commande).parse_args(list(tache.options))  # CommandError sinon
    assert planification.erreurs_de_quand(tache.quand) == []
    if commande.ecrit:
        assert "--wet-run" in tache.options  # planifier une simulation ne ferait rien


def test_les_taches_attendues_sont_planifiees():
    planifiees = {(t.commande, t.options, t.quand) for t in planification.TACHES}
    assert ("relancer_demandes", ("--wet-run",), "*/15 * * * *") in planifiees
    assert ("ancrer_journal", (), "*/15 * * * *") in planifiees
    assert {("purger_demandes", ("--wet-run",)), ("agreger_activite", ("--complet", "--wet-run"))} <= {
        (commande, opts) for commande, opts, quand in planifiees if re.fullmatch(r"\d+ \d+ \* \* \*", quand)
    }


@pytest.mark.parametrize(
    "quand, motif",
    [("61 * * * *", "minute 61"), ("* * *", "cinq champs"), ("*/15 25 * * *", "heure 25"), ("x * * * *", "illisible")],
)
def test_une_expression_crontab_fausse_est_signalee(quand, motif):
    assert any(motif in erreur for erreur in planification.erreurs_de_quand(quand))


def test_une_option_inconnue_est_refusee_par_le_controle():
    commande, _ = options("relancer_demandes")
    with pytest.raises(CommandError):
        commande.create_parser("guichet", "relancer_demandes").parse_args(["--mouille"])


def test_la_crontab_ecrite_lance_chaque_tache_a_l_heure_de_paris():
    lignes = planification.crontab("/srv/guichet/.venv/bin/guichet")
    assert lignes[0] == "CRON_TZ=Europe/Paris"
    assert "*/15 * * * * /srv/guichet/.venv/bin/guichet relancer_demandes --wet-run" in lignes
    assert sum(1 for ligne in lignes if not ligne.startswith(("#", "CRON_TZ"))) == len(planification.TACHES)


# --- Un vocabulaire : les options en français, les anciens noms encore acceptés ---------------------


def test_horaires_jour_et_ancien_day():
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("horaires", "--jour", "samedi", "9h-12h", stdout=sortie, stderr=erreurs)
    assert sortie.getvalue().startswith("Samedi : 09:00-12:00") and "obsolète" not in erreurs.getvalue()
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("horaires", "--day", "samedi", "9h-12h", stdout=sortie, stderr=erreurs)
    assert sortie.getvalue().startswith("Samedi : 09:00-12:00")
    assert "--day est obsolète : utilisez --jour." in erreurs.getvalue()
    with pytest.raises(CommandError):
        call_command("horaires", "--day", "lunid", "9h-12h", stderr=io.StringIO())


def test_recherche_limite_et_ancien_limit(db):
    for option in ("--limite", "--limit"):
        sortie, erreurs = io.StringIO(), io.StringIO()
        call_command("recherche", "--json", option, "3", "passeport", stdout=sortie, stderr=erreurs)
        assert json.loads(sortie.getvalue())["question"] == "passeport"
        assert ("obsolète" in erreurs.getvalue()) == (option == "--limit")


def test_export_sortie_et_ancien_output(db, tmp_path):
    for option in ("--sortie", "--output"):
        chemin = tmp_path / f"lieux{option}.json"
        erreurs = io.StringIO()
        call_command(
            "export_structures", "--format", "lmn-json", option, str(chemin), stdout=io.StringIO(), stderr=erreurs
        )
        assert json.loads(chemin.read_text(encoding="utf-8")) == []
        assert "0 lieux écrits dans" in erreurs.getvalue()
        assert ("--output est obsolète" in erreurs.getvalue()) == (option == "--output")


# --- Les commandes venues avec le second facteur et les ancres du journal --------------------------


def test_code_enrolement_seulement_avec_wet_run(db):
    from guichet.comptes.models import CodeEnrolement
    from tests.comptes.factories import UtilisateurFactory

    utilisateur = UtilisateurFactory(email="referente@example.fr")
    sortie = io.StringIO()
    call_command("code_enrolement", "referente@example.fr", stdout=sortie, stderr=io.StringIO())
    assert "serait créé" in sortie.getvalue() and not CodeEnrolement.objects.exists()

    sortie = io.StringIO()
    call_command("code_enrolement", "referente@example.fr", "--wet-run", "--json", stdout=sortie, stderr=io.StringIO())
    rapport = json.loads(sortie.getvalue())
    assert rapport["ecrit"] is True and rapport["email"] == utilisateur.email and rapport["code"]
    assert CodeEnrolement.objects.filter(utilisateur=utilisateur).count() == 1


def test_code_enrolement_compte_inconnu_refuse(db):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("code_enrolement", "personne@example.fr", "--wet-run", stderr=io.StringIO())
