import csv
import io
import json

import pytest
from django.urls import reverse

from guichet.comptes.models import Role
from guichet.couverture import calcul, services
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.couverture.monde import monde

pytestmark = pytest.mark.django_db

PAGE_19 = reverse("couverture:departement", args=["19"])
PAGE_87 = reverse("couverture:departement", args=["87"])
NATIONALE = reverse("couverture:nationale")


@pytest.fixture
def m():
    return monde()


def _personne(**habilitation):
    user = UtilisateurFactory()
    if habilitation:
        HabilitationFactory(utilisateur=user, **habilitation)
    return user


@pytest.fixture
def prefecture_19(m):
    return _personne(role=Role.PREFECTURE, departement=m["communes"]["19272"].departement)


def test_prefecture_voit_sa_carte_et_ses_chiffres(client, prefecture_19):
    connecter(client, prefecture_19)
    r = client.get(reverse("couverture:accueil"))
    assert r.status_code == 302 and r["Location"] == PAGE_19
    r = client.get(PAGE_19)
    assert r.status_code == 200
    texte = r.content.decode()
    assert "Moteur : <strong>estimation" in texte
    # Tulle, l'arrêt à Meymac ; Limoges
    assert '<span id="nombre-lieux">2</span> lieux dans le département, 3 comptés dans le calcul' in texte
    assert "Brive-la-Gaillarde (19031)" in texte  # zone blanche la plus peuplée
    assert "mercredi 9 h–12 h, vendredi 14 h–16 h 30" in texte  # horaires de l'arrêt du bus
    carte = r.context["carte"]
    assert carte["minutes"]["19272"] == 0.0 and carte["minutes"]["19031"] > 20
    assert "Limoges" not in {lieu["nom"] for lieu in carte["lieux"]}  # les lieux montrés : ceux du département


def test_prefecture_refusee_ailleurs_et_sur_la_page_nationale(client, prefecture_19):
    connecter(client, prefecture_19)
    assert client.get(PAGE_87).status_code == 403
    assert client.get(reverse("couverture:export", args=["87", "csv"])).status_code == 403
    assert client.get(NATIONALE).status_code == 403
    assert client.get(reverse("couverture:departement", args=["2Z"])).status_code == 404


def test_national_voit_la_page_nationale_et_tous_les_departements(client, m):
    national = _personne(role=Role.NATIONAL)
    connecter(client, national)
    assert client.get(reverse("couverture:accueil"))["Location"] == NATIONALE
    r = client.get(NATIONALE)
    assert r.status_code == 200
    assert "Corrèze (19)" in r.content.decode() and "Haute-Vienne (87)" in r.content.decode()
    assert client.get(PAGE_87).status_code == 200


@pytest.mark.parametrize("role", ["conseiller", "referent", "sans_role"])
def test_agents_referents_et_comptes_sans_role_refuses(client, m, role):
    if role == "sans_role":
        user = _personne()
    else:
        user = HabilitationFactory(**{role: True}).utilisateur
    connecter(client, user)
    assert client.get(reverse("couverture:accueil")).status_code == 403
    assert client.get(PAGE_19).status_code == 403
    assert client.get(NATIONALE).status_code == 403


def test_anonyme_renvoye_a_la_connexion(client, m):
    assert client.get(PAGE_19).status_code == 302


def test_scenario_ajout_d_un_lieu_a_brive_change_les_chiffres(client, prefecture_19):
    connecter(client, prefecture_19)
    avant = client.get(PAGE_19).context
    r = client.get(PAGE_19, {"ajout": "commune:19031"})
    assert r.status_code == 200
    e = r.context["ecarts"]
    assert e["population_gagnee"] == 46_000 and e["population_perdue"] == 0
    assert r.context["apres"]["population_sous_seuil"]["20"] == avant["avant"]["population_sous_seuil"]["20"] + 46_000
    assert "Brive-la-Gaillarde" in [c["nom"] for c in e["communes"]]
    assert r.context["carte"]["minutes"]["19031"] == 0.0
    # Rien n'est enregistré : la page sans paramètres est inchangée.
    assert client.get(PAGE_19).context["avant"] == avant["avant"]


def test_scenario_retrait_et_deplacement(client, prefecture_19):
    connecter(client, prefecture_19)
    r = client.get(PAGE_19, {"retrait": "S:FS-19-TULLE"})
    assert r.context["ecarts"]["population_perdue"] > 0
    r = client.get(PAGE_19, {"deplacement_lieu": "S:FS-19-TULLE", "deplacement_vers": "commune:19031"})
    assert r.context["ecarts"]["population_gagnee"] == 46_000
    assert "Déplacement de" in r.content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"ajout": "commune:99999"}, "Ajout « commune:99999 »"),
        ({"ajout": "91,3"}, "Ajout « 91,3 »"),
        ({"retrait": "S:INCONNU"}, "Retrait « S:INCONNU » : lieu inconnu"),
        ({"deplacement": "S:FS-19-TULLE@nulle-part"}, "Déplacement « S:FS-19-TULLE@nulle-part »"),
    ],
)
def test_scenario_invalide_explique_sans_erreur_serveur(client, prefecture_19, params, message):
    connecter(client, prefecture_19)
    r = client.get(PAGE_19, params)
    assert r.status_code == 200
    assert message in r.content.decode()


def test_implantation_depuis_la_page(client, prefecture_19):
    connecter(client, prefecture_19)
    r = client.get(PAGE_19, {"implanter": "1"})
    assert r.context["implantation"]["lieux"][0]["nom"] == "Brive-la-Gaillarde (19031)"


def test_exports_csv_et_geojson(client, prefecture_19):
    connecter(client, prefecture_19)
    r = client.get(reverse("couverture:export", args=["19", "csv"]))
    lignes = list(csv.reader(io.StringIO(r.content.decode()), delimiter=";"))
    assert lignes[0][:4] == ["code_insee", "commune", "population", "minutes"]
    par_code = {ligne[0]: ligne for ligne in lignes[1:]}
    assert par_code["19272"][4] == "FS-19-TULLE" and par_code["19272"][-1] == "estimation"
    assert len(par_code) == 6
    r = client.get(reverse("couverture:export", args=["19", "geojson"]), {"variante": "fixes"})
    geo = json.loads(r.content)
    assert geo["moteur"] == "estimation" and len(geo["features"]) == 6
    meymac = next(f for f in geo["features"] if f["properties"]["code"] == "19164")
    assert meymac["properties"]["minutes"] > 20  # sans le bus


def test_bloc_d_accueil_de_la_prefecture(client, prefecture_19):
    from guichet.couverture.accueil import blocs

    (bloc,) = blocs(prefecture_19)
    s = calcul.synthese(services.couverture("19"), (20,))
    assert bloc.chiffres[0].valeur == calcul.pourcentage(s["part_sous_seuil"]["20"])
    assert bloc.chiffres[0].lien == PAGE_19
    assert blocs(_personne()) == []


def test_tache_de_fond_mesure_la_couverture_du_jour_et_garde_l_historique(m, django_capture_on_commit_callbacks):
    from datetime import date

    from guichet.couverture import taches
    from guichet.couverture.models import Mesure
    from guichet.reseau.models import Structure

    taches._derniere_demande["instant"] = None
    with django_capture_on_commit_callbacks(execute=True):
        Structure.objects.filter(matricule="FS-19-TULLE").get().changer_statut(Structure.Statut.SUSPENDUE)
    mesure = Mesure.objects.get(moteur="estimation")  # tâche exécutée tout de suite par le moteur de test
    apres = calcul.synthese(services.couverture(), (20, 30))
    assert mesure.part_sous_seuil == apres["part_sous_seuil"]
    assert mesure.lieux == apres["lieux"] == 2  # Tulle suspendue : Limoges et l'arrêt du bus
    # Une mesure par jour et par moteur : un autre jour s'ajoute, le même jour se remplace.
    taches.mesurer("estimation", date=date(2026, 1, 1))
    taches.mesurer("estimation")
    assert Mesure.objects.filter(moteur="estimation").count() == 2


def test_demandes_de_recalcul_regroupees(m, django_capture_on_commit_callbacks):
    from guichet.couverture import taches
    from guichet.couverture.models import Mesure

    taches._derniere_demande["instant"] = None
    with django_capture_on_commit_callbacks(execute=True):
        for s in (m["tulle"], m["limoges"]):
            s.save()
    assert Mesure.objects.count() == 1
    Mesure.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        m["tulle"].save()  # dans le délai : pas de nouvelle tâche
    assert Mesure.objects.count() == 0


def test_page_nationale_montre_l_historique(client, m):
    from datetime import date

    from guichet.couverture import taches

    taches.mesurer("estimation", date=date(2026, 1, 1))
    connecter(client, _personne(role=Role.NATIONAL))
    texte = client.get(NATIONALE).content.decode()
    assert "01/01/2026" in texte


@pytest.fixture
def reseau_de_la_correze(settings, tmp_path_factory):
    """Un réseau routier importé (grille de 41 × 61 nœuds à 0,02° sur la Corrèze et Limoges, un nœud sur la mairie
    de Tulle) dans le dossier des données : le moteur routier devient proposé sur la page."""
    from guichet.couverture import routier
    from tests.couverture.extraits import ecrire_grille

    dossier = tmp_path_factory.mktemp("donnees")
    settings.DATA_DIR = dossier
    chemin = ecrire_grille(dossier / "correze.osm.pbf", 41, 61, pas_deg=0.02, lat0=45.1058, lon0=1.2122)
    graphe, _ = routier.lire_extrait(chemin)
    routier.enregistrer(graphe)
    return routier.Routier()


def test_page_au_moteur_routier_le_dit_et_son_retrait_egale_un_calcul_complet(
    client, prefecture_19, reseau_de_la_correze
):
    connecter(client, prefecture_19)
    r = client.get(PAGE_19, {"moteur": "routier"})
    assert "Moteur : <strong>réseau routier" in r.content.decode()
    c = services.couverture_memorisee("19", "routier")
    assert c.etat is not None  # le retrait passera par la cellule du lieu retiré
    r = client.get(PAGE_19, {"moteur": "routier", "retrait": "S:FS-19-TULLE"})
    assert "Moteur : <strong>réseau routier" in r.content.decode()
    tulle = next(i for i, d in enumerate(c.destinations.liste) if d.cle == "S:FS-19-TULLE")
    complet = calcul.calculer(c.origines, c.destinations.sans([tulle]), reseau_de_la_correze)
    attendu = calcul.synthese(complet)
    assert r.context["apres"]["population_sous_seuil"] == attendu["population_sous_seuil"]
    assert r.context["ecarts"]["population_perdue"] > 0
    minutes = r.context["carte"]["minutes"]
    assert minutes == {
        str(code): calcul.minutes_arrondies(x) for code, x in zip(complet.origines.codes, complet.minutes, strict=True)
    }
    geo = json.loads(client.get(reverse("couverture:export", args=["19", "geojson"]), {"moteur": "routier"}).content)
    assert geo["moteur"] == "routier" and {f["properties"]["moteur"] for f in geo["features"]} == {"routier"}


SCENARIO_19 = reverse("couverture:scenario", args=["19"])


def test_scenario_en_json_memes_chiffres_que_la_page(client, prefecture_19):
    """La page se met à jour sans se recharger : le JSON du scénario porte les chiffres, les communes qui
    changent, les minutes de chaque commune, les zones blanches et l'adresse partageable de la page."""
    connecter(client, prefecture_19)
    page = client.get(PAGE_19, {"ajout": "commune:19031"}).context
    r = client.get(SCENARIO_19, {"ajout": "commune:19031"})
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    donnees = r.json()
    assert donnees["moteur"] == "estimation" and donnees["scenario"] is True
    assert donnees["ecarts"]["population_gagnee"] == 46_000 == page["ecarts"]["population_gagnee"]
    assert donnees["apres"]["population_sous_seuil"] == page["apres"]["population_sous_seuil"]
    assert donnees["minutes"] == page["carte"]["minutes"] and donnees["minutes"]["19031"] == 0.0
    assert [c["code"] for c in donnees["communes_qui_changent"]][0] == "19031"
    assert "19031" not in {z["code"] for z in donnees["zones_blanches"]}
    assert donnees["nombre_zones_blanches"] == page["nombre_zones_blanches"]
    assert "hypothese" in {lieu["type"] for lieu in donnees["lieux"]}
    assert donnees["adresse"] == f"{PAGE_19}?ajout=commune%3A19031"
    # Les morceaux de la page, rendus par ses gabarits : les chiffres et les champs cachés du scénario.
    assert 'data-chiffre="gagnee">+46000' in donnees["fragments"]["resultats"]
    assert 'name="ajout" value="commune:19031"' in donnees["fragments"]["scenario_cache"]
    assert "Brive-la-Gaillarde (19031)" in donnees["fragments"]["communes_qui_changent"]
    # Sans scénario : la situation actuelle.
    sans = client.get(SCENARIO_19).json()
    assert sans["scenario"] is False and sans["ecarts"] is None and sans["communes_qui_changent"] == []
    assert sans["adresse"] == PAGE_19


def test_scenario_en_json_un_lieu_retire_quitte_les_listes_et_le_tableau(client, prefecture_19):
    """Après un retrait sans recharger la page, le lieu n'est plus proposé au retrait ni au déplacement, ni dans
    le tableau des lieux ; la situation actuelle l'y remet."""
    connecter(client, prefecture_19)
    sans = client.get(SCENARIO_19).json()
    assert 'value="S:FS-19-TULLE"' in sans["fragments"]["options_lieux"]
    assert "Tulle" in sans["fragments"]["lieux"]
    apres = client.get(SCENARIO_19, {"retrait": "S:FS-19-TULLE"}).json()
    assert apres["scenario"] is True
    assert 'value="S:FS-19-TULLE"' not in apres["fragments"]["options_lieux"]
    assert "Tulle" not in apres["fragments"]["lieux"]
    assert len(apres["lieux"]) == len(sans["lieux"]) - 1


def test_scenario_en_json_refuse_hors_de_son_departement(client, prefecture_19):
    connecter(client, prefecture_19)
    assert client.get(reverse("couverture:scenario", args=["87"]), {"ajout": "commune:87085"}).status_code == 403
    assert client.get(reverse("couverture:scenario", args=["2Z"])).status_code == 404
    agent = HabilitationFactory(conseiller=True).utilisateur
    connecter(client, agent)
    assert client.get(SCENARIO_19).status_code == 403


def test_scenario_en_json_anonyme_et_erreurs(client, prefecture_19):
    assert client.get(SCENARIO_19).status_code == 302
    connecter(client, prefecture_19)
    r = client.get(SCENARIO_19, {"ajout": "91,3", "retrait": "S:INCONNU"})
    assert r.status_code == 200
    assert r.json()["erreurs"] == [
        "Ajout « 91,3 » : commune du département ou point « latitude,longitude » attendu.",
        "Retrait « S:INCONNU » : lieu inconnu.",
    ]
    assert "Retrait « S:INCONNU » : lieu inconnu." in r.json()["fragments"]["resultats"]


def test_reseau_routier_d_une_autre_region_le_dit_et_rend_l_estimation(client, m, reseau_de_la_correze):
    """Un extrait importé qui ne couvre pas le département (ici la Corrèze, pour l'Ain) : ses communes seraient toutes
    « à plus de 60 minutes » ; la page le dit et montre l'estimation."""
    from tests.territoires.factories import CommuneFactory, DepartementFactory

    ain = DepartementFactory(code="01", nom="Ain")
    CommuneFactory(
        code="01053", nom="Bourg-en-Bresse", departement=ain, population=41_000, latitude=46.2052, longitude=5.2255
    )
    connecter(client, _personne(role=Role.NATIONAL))
    r = client.get(reverse("couverture:departement", args=["01"]), {"moteur": "routier"})
    assert r.status_code == 200
    assert "Le réseau routier importé ne couvre pas ce territoire : sur 1 communes, 1 sont" in r.content.decode()
    assert r.context["moteur"].nom == "estimation"
    # La Corrèze, couverte par l'extrait, garde le moteur routier.
    assert client.get(PAGE_19, {"moteur": "routier"}).context["moteur"].nom == "routier"


def test_accueil_de_la_prefecture_garde_le_moteur_demande(client, prefecture_19):
    connecter(client, prefecture_19)
    r = client.get(reverse("couverture:accueil"), {"moteur": "routier"})
    assert r.status_code == 302 and r["Location"] == f"{PAGE_19}?moteur=routier"
