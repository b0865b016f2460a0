import io
import json
from datetime import date, time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from guichet.reseau.importation.structures import importer
from guichet.reseau.models import Creneau, HistoriqueStatut, Structure
from tests.reseau.factories import CreneauFactory, StructureFactory, communes_de_l_ain_et_du_genevois

FICHIERS = Path(__file__).parent / "fichiers"

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    return communes_de_l_ain_et_du_genevois()


def importer_structures(chemin, *options, ecrire=True):
    """Lance la commande avec --json (et --wet-run) : (rapport, erreur de commande ou None)."""
    sortie = io.StringIO()
    ecriture = ["--wet-run"] if ecrire else []
    try:
        call_command(
            "import_structures", str(chemin), "--json", *ecriture, *options, stdout=sortie, stderr=io.StringIO()
        )
        erreur = None
    except CommandError as exc:
        erreur = exc
    return json.loads(sortie.getvalue()), erreur


def etat_des_structures():
    """Ce que la base contient, sous une forme comparable."""
    return {
        s.matricule: {
            "nom": s.nom,
            "adresse": s.adresse,
            "complement_adresse": s.complement_adresse,
            "code_postal": s.code_postal,
            "commune": s.commune.code,
            "latitude": s.latitude,
            "longitude": s.longitude,
            "position_approchee": s.position_approchee,
            "email": s.email,
            "telephone": s.telephone,
            "type_porteur": s.type_porteur,
            "nom_porteur": s.nom_porteur,
            "forme": s.forme,
            "format": s.format,
            "statut": s.statut,
            "date_labellisation": s.date_labellisation,
            "horaires_source": s.horaires_source,
            "creneaux": [(c.jour, c.debut, c.fin, c.sur_rdv) for c in s.creneaux.order_by("jour", "debut")],
        }
        for s in Structure.objects.select_related("commune").order_by("matricule")
    }


def champs_signales(entrees):
    return {(e["row"], e["field"]) for e in entrees}


BOURG = {
    "nom": "France services de Bourg-en-Bresse",
    "adresse": "12, rue de la République",
    "complement_adresse": "Rez-de-chaussée",
    "code_postal": "01000",
    "commune": "01053",
    "latitude": 46.2052,
    "longitude": 5.2255,
    "position_approchee": False,
    "email": "bourg@france-services.fr",
    "telephone": "04 74 00 00 01",
    "type_porteur": "collectivite",
    "nom_porteur": "Commune de Bourg-en-Bresse",
    "forme": "fixe",
    "format": "espace",
    "statut": "labellisee",
    "date_labellisation": date(2020, 1, 1),
    "horaires_source": {
        "lundi": "9h-12h / 14h-17h",
        "mardi": "9h-12h / 14h-17h",
        "mercredi": "9h-12h",
        "jeudi": "9h-12h / 14h-17h",
        "vendredi": "9h-12h / 14h-17h",
        "samedi": "Fermé",
    },
    "creneaux": [
        (jour, debut, fin, False)
        for jour in range(5)
        for debut, fin in [(time(9), time(12)), (time(14), time(17))]
        if not (jour == 2 and debut == time(14))
    ],
}


@pytest.mark.parametrize("fichier", ["liste_point_virgule.csv", "liste_virgule.csv"])
def test_import_de_la_liste_nationale_csv(communes, fichier):
    rapport, erreur = importer_structures(FICHIERS / fichier)

    assert erreur is None
    # Les clés documentées, plus les deux communes à toutes les commandes (écrit, durée).
    assert rapport.pop("ecrit") is True and rapport.pop("duree_s") >= 0
    assert rapport == {"rows": 3, "created": 3, "updated": 0, "rejected": [], "warnings": []}
    etat = etat_des_structures()
    assert etat["FS-01-001"] == BOURG
    amberieu = etat["FS-01-002"]
    assert (amberieu["type_porteur"], amberieu["format"], amberieu["telephone"]) == (
        "la_poste",
        "antenne",
        "04 74 00 00 03",
    )
    assert amberieu["date_labellisation"] == date(2021, 6, 15)
    assert (2, time(14), time(17), True) in amberieu["creneaux"]  # « 14h-17h sur RDV »
    assert (5, time(9), time(12), False) in amberieu["creneaux"]  # samedi
    bus = etat["FS-74-001"]
    assert (bus["forme"], bus["type_porteur"], bus["commune"]) == ("itinerante", "association", "74243")
    assert bus["statut"] == "labellisee" and bus["date_labellisation"] is None
    assert [c[0] for c in bus["creneaux"]] == [0, 2, 4]


def test_les_deux_separateurs_donnent_la_meme_base(communes):
    importer_structures(FICHIERS / "liste_point_virgule.csv")
    avec_point_virgule = etat_des_structures()
    Structure.objects.all().delete()
    importer_structures(FICHIERS / "liste_virgule.csv")
    assert etat_des_structures() == avec_point_virgule


def test_fichier_windows_1252_lu_avec_un_avertissement(communes, tmp_path):
    chemin = tmp_path / "liste.csv"
    chemin.write_bytes((FICHIERS / "liste_point_virgule.csv").read_text(encoding="utf-8").encode("cp1252"))

    rapport, erreur = importer_structures(chemin)

    assert erreur is None
    assert champs_signales(rapport["warnings"]) == {(None, "encodage")}
    assert Structure.objects.get(matricule="FS-01-002").nom == "France services d'Ambérieu-en-Bugey"


def test_import_geojson_prend_les_coordonnees_de_la_geometrie(communes):
    rapport, erreur = importer_structures(FICHIERS / "liste.geojson")

    assert erreur is None
    assert (rapport["rows"], rapport["created"]) == (2, 2)
    # Le type « Pôle emploi » n'est pas un type de porteur connu ; la ligne est le rang de l'objet.
    assert champs_signales(rapport["warnings"]) == {(2, "TYPE.STRUCTURE.PORTEUSE")}
    assert etat_des_structures()["FS-01-001"] == BOURG
    rambert = Structure.objects.get(matricule="FS-01-003")
    assert (rambert.latitude, rambert.longitude, rambert.position_approchee) == (45.948, 5.437, False)
    assert (rambert.type_porteur, rambert.forme, rambert.email) == ("autre", "fixe", "")


def test_fichier_desordonne_corrige_ce_qui_peut_l_etre_et_le_signale(communes):
    rapport, erreur = importer_structures(FICHIERS / "liste_desordonnee.csv")

    assert erreur is None
    assert rapport["rejected"] == []
    assert (rapport["rows"], rapport["created"]) == (3, 3)
    assert champs_signales(rapport["warnings"]) == {
        (None, "COMMENTAIRE"),  # colonnes inconnues : signalées une fois, pas à chaque ligne
        (None, "ID_INTERNE"),
        (2, "INSEE_COM"),  # 01999 inconnu : retrouvée par code postal et nom
        (2, "latitude"),  # NA : point de la commune
        (2, "Contact_Mail"),  # courriel invalide, écarté
        (2, "type.structure.porteuse"),  # « Mutuelle » : autre
        (2, "H_MARDI"),  # « (sauf 1er mardi du mois) »
        (2, "H_MERCREDI"),  # « 9-12 » deviné
        (3, "latitude"),  # latitude et longitude inversées
        (3, "Telephone"),  # zéro initial perdu
        (4, "INSEE_COM"),  # code absent : retrouvée par code postal et « St Julien en Genevois »
        (4, "Contact_Mail"),  # deux courriels : le premier est gardé
    }
    etat = etat_des_structures()
    bugey = etat["FS-01-010"]
    assert bugey["commune"] == "01004"
    assert (bugey["latitude"], bugey["longitude"], bugey["position_approchee"]) == (45.9584, 5.3597, True)
    assert (bugey["email"], bugey["complement_adresse"], bugey["type_porteur"]) == ("", "", "autre")
    assert bugey["date_labellisation"] is None
    assert bugey["creneaux"] == [(j, time(9), time(12), False) for j in range(5)]  # samedi « - » : fermé
    mobile = etat["FS-01-011"]
    assert (mobile["commune"], mobile["latitude"], mobile["longitude"]) == ("01053", 46.2065, 5.2301)
    assert mobile["position_approchee"] is False
    assert (mobile["telephone"], mobile["forme"], mobile["format"]) == (
        "04 74 00 00 02",
        "itinerante",
        "antenne",
    )
    julien = etat["FS-74-010"]
    assert (julien["commune"], julien["latitude"], julien["longitude"]) == ("74243", 46.1443, 6.0814)
    assert (julien["email"], julien["type_porteur"]) == ("sj@example.org", "collectivite")
    assert julien["creneaux"] == []  # horaires « NA » : inconnus, aucun créneau inventé


def test_fichier_casse_rien_n_est_ecrit(communes):
    existante = StructureFactory(matricule="FS-01-022", nom="Ancien nom", commune=communes["01004"])

    rapport, erreur = importer_structures(FICHIERS / "liste_cassee.csv")

    assert erreur is not None and erreur.returncode == 1
    assert [(r["row"], r["matricule"], r["field"]) for r in rapport["rejected"]] == [
        (3, None, "MATRICULE"),
        (4, "FS-01-021", "insee_com"),
        (5, "FS-01-020", "MATRICULE"),
        (7, "FS-01-023", "lib_france_services"),
    ]
    assert "ligne 2" in rapport["rejected"][2]["error"]  # le doublon renvoie à la première occurrence
    assert (rapport["rows"], rapport["created"], rapport["updated"]) == (6, 0, 0)
    assert list(Structure.objects.values_list("matricule", "nom")) == [("FS-01-022", "Ancien nom")]
    assert not HistoriqueStatut.objects.exists()
    existante.refresh_from_db()
    assert existante.nom == "Ancien nom"


def test_rapport_en_francais_nomme_ligne_et_champ(communes):
    sortie = io.StringIO()
    with pytest.raises(CommandError, match="4 lignes rejetées"):
        call_command("import_structures", str(FICHIERS / "liste_cassee.csv"), "--wet-run", stdout=sortie)
    texte = sortie.getvalue()
    assert "6 lignes dans le fichier : 0 structures créées" in texte
    assert "Rien n'a été enregistré" in texte
    assert "ligne 3, champ MATRICULE : matricule absent" in texte
    assert "ligne 4, champ insee_com : code INSEE 99999 inconnu" in texte
    assert "ligne 7, champ lib_france_services : nom de la France Services absent" in texte


@pytest.mark.parametrize("option", ["--enregistrer-valides", "--skip-invalid", "--ignorer-invalides"])
def test_enregistrer_valides_enregistre_les_lignes_valides(communes, option):
    rapport, erreur = importer_structures(FICHIERS / "liste_cassee.csv", option)

    assert erreur is None
    assert len(rapport["rejected"]) == 4
    assert (rapport["created"], rapport["updated"]) == (2, 0)
    assert sorted(Structure.objects.values_list("matricule", "nom")) == [
        ("FS-01-020", "France services de Bourg Nord"),  # la première occurrence, pas le doublon
        ("FS-01-022", "France services d'Ambérieu Gare"),
    ]


@pytest.mark.parametrize("option", ["--skip-invalid", "--ignorer-invalides", "--dry-run"])
def test_les_anciennes_options_sont_acceptees_avec_un_avertissement(communes, option):
    erreurs = io.StringIO()
    call_command(
        "import_structures", str(FICHIERS / "liste_point_virgule.csv"), option, stdout=io.StringIO(), stderr=erreurs
    )
    assert f"{option} est obsolète" in erreurs.getvalue()


@pytest.mark.parametrize("options", [[], ["--dry-run"]])
def test_sans_wet_run_rien_n_est_ecrit(communes, options):
    rapport, erreur = importer_structures(FICHIERS / "liste_point_virgule.csv", *options, ecrire=False)

    assert erreur is None
    assert (rapport["rows"], rapport["created"], rapport["updated"]) == (3, 3, 0)
    assert rapport["ecrit"] is False
    assert not Structure.objects.exists()
    assert not Creneau.objects.exists()
    assert not HistoriqueStatut.objects.exists()


def test_la_simulation_le_dit_en_francais(communes):
    sortie = io.StringIO()
    call_command("import_structures", str(FICHIERS / "liste_point_virgule.csv"), stdout=sortie)
    assert "Simulation : rien n'a été enregistré" in sortie.getvalue()
    assert "--wet-run" in sortie.getvalue()


def test_dry_run_et_wet_run_s_excluent(communes):
    with pytest.raises(CommandError, match="s'excluent"):
        call_command(
            "import_structures",
            str(FICHIERS / "liste_point_virgule.csv"),
            "--dry-run",
            "--wet-run",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Structure.objects.exists()


def test_une_simulation_d_un_fichier_casse_echoue_comme_l_import(communes):
    rapport, erreur = importer_structures(FICHIERS / "liste_cassee.csv", ecrire=False)
    assert erreur is not None and len(rapport["rejected"]) == 4
    assert not Structure.objects.exists()


def test_reimport_idempotent(communes):
    importer_structures(FICHIERS / "liste_point_virgule.csv")
    avant = etat_des_structures()
    nb_creneaux, nb_historique = Creneau.objects.count(), HistoriqueStatut.objects.count()

    rapport, erreur = importer_structures(FICHIERS / "liste_point_virgule.csv")

    assert erreur is None
    assert (rapport["created"], rapport["updated"]) == (0, 3)
    assert etat_des_structures() == avant
    assert Creneau.objects.count() == nb_creneaux == 9 + 6 + 3
    assert HistoriqueStatut.objects.count() == nb_historique == 3


def test_historique_du_statut(communes):
    suspendue = StructureFactory(matricule="FS-01-001", commune=communes["01053"], statut=Structure.Statut.SUSPENDUE)
    CreneauFactory(structure=suspendue, jour=6, debut="10:00", fin="11:00")

    importer_structures(FICHIERS / "liste_point_virgule.csv")

    suspendue.refresh_from_db()
    assert suspendue.statut == Structure.Statut.LABELLISEE
    assert [(h.statut, h.date) for h in suspendue.historique.all()] == [("labellisee", date(2020, 1, 1))]
    # Les nouvelles structures naissent labellisées, avec leur ligne d'historique.
    nouvelle = Structure.objects.get(matricule="FS-01-002")
    assert [(h.statut, h.date) for h in nouvelle.historique.all()] == [("labellisee", date(2021, 6, 15))]
    # Les créneaux publiés remplacent les anciens (le dimanche n'y est plus).
    assert etat_des_structures()["FS-01-001"]["creneaux"] == BOURG["creneaux"]


def test_mise_a_jour_de_la_commune_et_des_coordonnees(communes):
    StructureFactory(matricule="FS-01-002", commune=communes["01053"], latitude=46.0, longitude=5.0)
    importer_structures(FICHIERS / "liste_point_virgule.csv")
    structure = Structure.objects.get(matricule="FS-01-002")
    assert (structure.commune.code, structure.latitude, structure.longitude) == ("01004", 45.9584, 5.3597)


def test_une_structure_multisite_le_reste(communes):
    StructureFactory(matricule="FS-01-001", commune=communes["01053"], multisite=True)
    importer_structures(FICHIERS / "liste_point_virgule.csv")
    assert Structure.objects.get(matricule="FS-01-001").forme == Structure.Forme.MULTISITE


def test_types_de_porteurs_et_itinerance(communes, tmp_path):
    valeurs = [
        ("Collectivité territoriale", "Oui", "collectivite", "itinerante"),
        ("Commune", "1", "collectivite", "itinerante"),
        ("EPCI", "Non", "collectivite", "fixe"),
        ("La Poste", "0", "la_poste", "fixe"),
        ("Association", "", "association", "fixe"),
        ("État / Sous-préfecture", "non", "etat", "fixe"),
        ("MSA", "OUI", "msa", "itinerante"),
        ("Chambre d'agriculture", "Non", "autre", "fixe"),
    ]
    lignes = [
        f"FS-01-{n:03d};France services {n};01053;{type_porteur};{itinerance}"
        for n, (type_porteur, itinerance, _, _) in enumerate(valeurs)
    ]
    chemin = tmp_path / "liste.csv"
    chemin.write_text(
        "\n".join(["MATRICULE;lib_france_services;insee_com;TYPE.STRUCTURE.PORTEUSE;ITINERANCE", *lignes]),
        encoding="utf-8",
    )

    rapport, erreur = importer_structures(chemin)

    assert erreur is None
    # Seul le type inconnu est signalé (la position approchée l'est pour toutes : pas de coordonnées).
    assert [w["row"] for w in rapport["warnings"] if w["field"] == "TYPE.STRUCTURE.PORTEUSE"] == [9]
    obtenus = list(Structure.objects.order_by("matricule").values_list("type_porteur", "forme"))
    assert obtenus == [(type_porteur, forme) for _, _, type_porteur, forme in valeurs]


def test_code_insee_d_une_autre_commune_corrige_par_code_postal_et_nom(communes, tmp_path):
    chemin = tmp_path / "liste.csv"
    chemin.write_text(
        "MATRICULE;lib_france_services;code_postal;lib_com;insee_com;LATITUDE;LONGITUDE\n"
        "FS-01-031;France services de la gare;01500;Ambérieu-en-Bugey;01053;45.96;5.36\n",
        encoding="utf-8",
    )
    rapport, _ = importer_structures(chemin)
    assert [(w["row"], w["field"]) for w in rapport["warnings"]] == [(2, "insee_com")]
    assert Structure.objects.get(matricule="FS-01-031").commune.code == "01004"


ENTETE_POSITION = "MATRICULE;lib_france_services;code_postal;lib_com;insee_com;LATITUDE;LONGITUDE\n"


@pytest.mark.parametrize(
    "latitude, longitude, champ, motif",
    [
        ("0", "0", "LATITUDE", "hors de France"),
        ("999", "999", "LATITUDE", "latitude entre -90 et 90"),
        ("46.2", "999", "LATITUDE", "latitude entre -90 et 90"),
        ("abc", "5.2255", "LATITUDE", "nombres attendus"),
        ("46.2052", "abc", "LONGITUDE", "nombres attendus"),
        ("NaN", "NaN", "LATITUDE", "nombres attendus"),
        ("nan", "5.2255", "LATITUDE", "nombres attendus"),
        ("0/0", "0/0", "LATITUDE", "nombres attendus"),
        ("inf", "5.2255", "LATITUDE", "nombres attendus"),
        ("46.2052", "-Infinity", "LONGITUDE", "nombres attendus"),
        ("46.2052", "", "LONGITUDE", "coordonnées incomplètes"),
    ],
)
def test_coordonnees_fausses_rejetees(communes, tmp_path, latitude, longitude, champ, motif):
    chemin = tmp_path / "liste.csv"
    chemin.write_text(
        ENTETE_POSITION + f"FS-01-030;France services du large;01000;Bourg-en-Bresse;01053;{latitude};{longitude}\n",
        encoding="utf-8",
    )
    rapport, erreur = importer_structures(chemin)

    assert erreur is not None and erreur.returncode == 1
    assert [(r["row"], r["field"]) for r in rapport["rejected"]] == [(2, champ)]
    assert motif in rapport["rejected"][0]["error"]
    assert rapport["warnings"] == []  # plus de point de la commune mis à la place d'un point faux
    assert not Structure.objects.exists()


def test_coordonnees_fausses_avec_enregistrer_valides_la_ligne_seule_est_ecartee(communes, tmp_path):
    chemin = tmp_path / "liste.csv"
    chemin.write_text(
        ENTETE_POSITION
        + "FS-01-030;France services du large;01000;Bourg-en-Bresse;01053;999;999\n"
        + "FS-01-031;France services de Bourg;01000;Bourg-en-Bresse;01053;46.2052;5.2255\n",
        encoding="utf-8",
    )
    rapport, erreur = importer_structures(chemin, "--enregistrer-valides")
    assert erreur is None and rapport["created"] == 1
    assert list(Structure.objects.values_list("matricule", flat=True)) == ["FS-01-031"]


@pytest.mark.parametrize("vide", ["", "NA", "-"])
def test_coordonnees_absentes_point_de_la_commune(communes, tmp_path, vide):
    chemin = tmp_path / "liste.csv"
    chemin.write_text(
        ENTETE_POSITION + f"FS-01-030;France services sans point;01000;Bourg-en-Bresse;01053;{vide};{vide}\n",
        encoding="utf-8",
    )
    rapport, erreur = importer_structures(chemin)
    assert erreur is None
    assert [(w["row"], w["field"]) for w in rapport["warnings"]] == [(2, "LATITUDE")]
    assert "coordonnées absentes" in rapport["warnings"][0]["error"]
    structure = Structure.objects.get(matricule="FS-01-030")
    assert (structure.latitude, structure.longitude, structure.position_approchee) == (46.2052, 5.2255, True)


def feature(coordonnees=None, **proprietes):
    geometrie = None if coordonnees is None else {"type": "Point", "coordinates": coordonnees}
    proprietes = {"MATRICULE": "FS-01-040", "lib_france_services": "France services", "insee_com": "01053"} | proprietes
    return {"type": "Feature", "geometry": geometrie, "properties": proprietes}


def ecrire_geojson(chemin, *features, texte=None):
    texte = texte or json.dumps({"type": "FeatureCollection", "features": list(features)})
    chemin.write_text(texte, encoding="utf-8")
    return chemin


@pytest.mark.parametrize(
    "geometrie",
    [
        "[999, 999]",
        '["abc", 46.2]',
        "[NaN, NaN]",
        "[Infinity, 46.2]",
        "[0, 0]",
        '[{"x": 1}, 46.2]',
    ],
)
def test_geojson_coordonnees_fausses_rejetees(communes, tmp_path, geometrie):
    texte = json.dumps({"type": "FeatureCollection", "features": [feature([1, 2])]}).replace("[1, 2]", geometrie)
    rapport, erreur = importer_structures(ecrire_geojson(tmp_path / "liste.geojson", texte=texte))
    assert erreur is not None and erreur.returncode == 1
    assert [r["row"] for r in rapport["rejected"]] == [1]
    assert not Structure.objects.exists()


def test_geojson_sans_geometrie_point_de_la_commune(communes, tmp_path):
    rapport, erreur = importer_structures(ecrire_geojson(tmp_path / "liste.geojson", feature(None)))
    assert erreur is None and rapport["created"] == 1
    assert Structure.objects.get().position_approchee is True


@pytest.mark.parametrize(
    "features, message",
    [
        ([1], "l'élément 1 de « features » n'est pas un objet GeoJSON (trouvé : nombre 1)"),
        ([feature([5.2, 46.2]), "x"], "l'élément 2 de « features » n'est pas un objet GeoJSON (trouvé : texte « x »)"),
        ([None], "l'élément 1 de « features » n'est pas un objet GeoJSON (trouvé : null)"),
        ([[]], "l'élément 1 de « features » n'est pas un objet GeoJSON (trouvé : liste)"),
        ([{"type": "Feature", "properties": "x"}], "élément 1 de « features », « properties » doit être un objet"),
        ([{"type": "Feature", "properties": [1, 2]}], "« properties » doit être un objet (trouvé : liste)"),
        ([{"type": "Feature", "properties": {}, "geometry": "x"}], "« geometry » doit être un objet"),
        (
            [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": "5.2,46.2"}}],
            "les coordonnées d'un point sont une liste",
        ),
        (
            [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [5.2]}}],
            "les coordonnées d'un point sont une liste",
        ),
        ("tout", "« features » doit être une liste d'objets GeoJSON (trouvé : texte « tout »)"),
        ({"a": 1}, "« features » doit être une liste d'objets GeoJSON (trouvé : objet)"),
    ],
)
def test_geojson_mal_forme_erreur_claire_et_rien_d_ecrit(communes, tmp_path, features, message):
    texte = json.dumps({"type": "FeatureCollection", "features": features})
    chemin = ecrire_geojson(tmp_path / "liste.geojson", texte=texte)
    with pytest.raises(CommandError) as erreur:
        call_command("import_structures", str(chemin), "--wet-run", stdout=io.StringIO())
    assert erreur.value.returncode == 1
    assert message in str(erreur.value)
    assert not Structure.objects.exists()


@pytest.mark.parametrize("ouvrant, fermant", [("[", "]"), ('{"a":', "}")])
def test_json_imbrique_cent_mille_fois_erreur_claire(communes, tmp_path, ouvrant, fermant):
    chemin = tmp_path / "liste.json"
    chemin.write_text(ouvrant * 100_000 + "1" + fermant * 100_000, encoding="utf-8")
    with pytest.raises(CommandError) as erreur:
        call_command("import_structures", str(chemin), "--wet-run", stdout=io.StringIO())
    assert erreur.value.returncode == 1
    assert "imbrique trop" in str(erreur.value)


def test_geojson_imbrique_dans_une_propriete_erreur_claire(communes, tmp_path):
    texte = '{"type": "FeatureCollection", "features": [{"properties": {"nom": ' + "[" * 100_000 + "]" * 100_000
    chemin = ecrire_geojson(tmp_path / "liste.geojson", texte=texte + "}}]}")
    with pytest.raises(CommandError, match="imbrique trop") as erreur:
        call_command("import_structures", str(chemin), "--wet-run", stdout=io.StringIO())
    assert erreur.value.returncode == 1


def test_liste_de_lieux_dont_un_element_n_est_pas_un_objet(communes, tmp_path):
    chemin = tmp_path / "lieux.json"
    chemin.write_text(json.dumps([{"id": "A", "nom": "B", "commune": "C"}, "x"]), encoding="utf-8")
    with pytest.raises(CommandError, match="l'élément 2 de la liste n'est pas un objet JSON") as erreur:
        call_command("import_structures", str(chemin), "--wet-run", stdout=io.StringIO())
    assert erreur.value.returncode == 1


@pytest.mark.parametrize(
    "contenu, message",
    [
        (None, "Impossible de lire"),
        (b"\x00\x01\x02binaire", "ni un CSV"),
        (b"nom;adresse\nFrance services;1 rue\n", "MATRICULE absente"),
        (b'{"type": "Feature"}', "ni une FeatureCollection"),
    ],
)
def test_fichier_illisible(communes, tmp_path, contenu, message):
    chemin = tmp_path / "fichier.csv"
    if contenu is not None:
        chemin.write_bytes(contenu)
    with pytest.raises(CommandError, match=message):
        call_command("import_structures", str(chemin), "--wet-run", stdout=io.StringIO())
    assert not Structure.objects.exists()


def test_trois_mille_lignes_en_peu_de_requetes(communes, tmp_path, django_assert_max_num_queries):
    entete = "MATRICULE;lib_france_services;code_postal;lib_com;insee_com;LATITUDE;LONGITUDE;h_lundi;h_mardi"
    lignes = [
        f"FS-99-{n:05d};France services {n};01000;Bourg-en-Bresse;01053;46.2;5.2;9h-12h / 14h-17h;8h30-12h"
        for n in range(3000)
    ]
    chemin = tmp_path / "gros.csv"
    chemin.write_text("\n".join([entete, *lignes]) + "\n", encoding="utf-8")

    with django_assert_max_num_queries(300):
        rapport = importer(chemin, ecrire=True)

    assert (rapport.lignes, rapport.creees, rapport.rejets) == (3000, 3000, [])
    assert Structure.objects.count() == 3000
    assert Creneau.objects.count() == 9000
    assert HistoriqueStatut.objects.count() == 3000


# Le point donné et le contour de la commune (la règle des territoires : dedans, ou à moins d'un kilomètre)

CARRE_DE_BOURG = {
    "type": "Polygon",
    "coordinates": [[[5.15, 46.15], [5.30, 46.15], [5.30, 46.25], [5.15, 46.25], [5.15, 46.15]]],
}


@pytest.fixture
def bourg_et_son_contour(communes):
    communes["01053"].contour = CARRE_DE_BOURG
    communes["01053"].save()
    return communes


def importer_un_point(tmp_path, latitude, longitude, *options):
    chemin = tmp_path / "liste.csv"
    chemin.write_text(
        ENTETE_POSITION + f"FS-01-050;France services de Bourg;01000;Bourg-en-Bresse;01053;{latitude};{longitude}\n",
        encoding="utf-8",
    )
    return importer_structures(chemin, *options)


@pytest.mark.parametrize("latitude, longitude", [("46.2052", "5.2255"), ("46.2", "5.31")])  # dedans ; à 0,8 km
def test_point_dans_sa_commune_ou_tout_pres_garde(bourg_et_son_contour, tmp_path, latitude, longitude):
    rapport, erreur = importer_un_point(tmp_path, latitude, longitude)
    assert erreur is None and rapport["warnings"] == []
    structure = Structure.objects.get()
    assert (structure.latitude, structure.longitude) == (float(latitude), float(longitude))


def test_point_d_une_autre_commune_rejete(bourg_et_son_contour, tmp_path):
    rapport, erreur = importer_un_point(tmp_path, "45.9584", "5.3597")  # la mairie d'Ambérieu
    assert erreur is not None and erreur.returncode == 1
    assert [(r["row"], r["field"]) for r in rapport["rejected"]] == [(2, "LATITUDE")]
    assert "km de la commune Bourg-en-Bresse (01053), hors de son contour" in rapport["rejected"][0]["error"]
    assert not Structure.objects.exists()


def test_longitude_au_signe_perdu_retablie_et_signalee(bourg_et_son_contour, tmp_path):
    rapport, erreur = importer_un_point(tmp_path, "46.2052", "-5.2255")
    assert erreur is None
    assert [(w["row"], w["field"]) for w in rapport["warnings"]] == [(2, "LONGITUDE")]
    assert "signe rétabli" in rapport["warnings"][0]["error"]
    assert Structure.objects.get().longitude == 5.2255


def test_contours_lus_pour_les_seules_communes_concernees(
    bourg_et_son_contour, tmp_path, django_assert_max_num_queries
):
    chemin = tmp_path / "liste.csv"
    chemin.write_text(
        ENTETE_POSITION
        + "\n".join(f"FS-01-{n:03d};France services {n};01000;Bourg-en-Bresse;01053;46.2;5.2" for n in range(200))
        + "\n",
        encoding="utf-8",
    )
    with django_assert_max_num_queries(40):
        rapport = importer(chemin, ecrire=False)
    assert (rapport.lignes, rapport.rejets) == (200, [])


def test_nombre_demesure_erreur_claire(communes, tmp_path):
    texte = '{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point", "coordinates": [1, 1]}}]}'
    chemin = ecrire_geojson(tmp_path / "liste.geojson", texte=texte.replace("[1, 1]", "[" + "1" * 5000 + ", 1]"))
    with pytest.raises(CommandError, match="nombre démesuré") as erreur:
        call_command("import_structures", str(chemin), "--wet-run", stdout=io.StringIO())
    assert erreur.value.returncode == 1


def test_longitude_au_signe_perdu_hors_de_france_retablie(communes, tmp_path):
    # (46.2, -7.1) tombe en mer, hors de France ; (46.2, 7.1) est en France : le signe est rétabli.
    chemin = tmp_path / "liste.csv"
    chemin.write_text(
        ENTETE_POSITION + "FS-01-060;France services;01000;Bourg-en-Bresse;01053;46.2;-7.1\n", encoding="utf-8"
    )
    rapport, erreur = importer_structures(chemin)
    assert erreur is None
    assert [(w["row"], w["field"]) for w in rapport["warnings"]] == [(2, "LONGITUDE")]
    assert Structure.objects.get().longitude == 7.1


def test_longitude_au_signe_retabli_mais_hors_du_contour_rejetee(bourg_et_son_contour, tmp_path):
    rapport, erreur = importer_un_point(tmp_path, "46.2", "-7.1")  # 7.1 : en France, pas à Bourg
    assert erreur is not None
    assert [(r["row"], r["field"]) for r in rapport["rejected"]] == [(2, "LATITUDE")]
    assert not Structure.objects.exists()
