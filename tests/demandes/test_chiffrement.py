import io
import zipfile

import openpyxl
import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from guichet import chiffrement
from guichet.chiffrement import (
    ChampChiffre,
    ErreurDechiffrement,
    FichierChiffre,
    enregistrer_chiffre,
    lire_dechiffre,
    supprimer_fichier,
    verifier_piece_jointe,
)

CLE_A = Fernet.generate_key().decode()
CLE_B = Fernet.generate_key().decode()
SECRET = "Dupont Jeanne, née le 03/04/1961, NIR 2 61 04 75 123 456 78"


@pytest.fixture
def registre(transactional_db, settings):
    """Un modèle de test (hors registre réel) à champs chiffrés, sa table créée puis supprimée."""
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_A]
    with isolate_apps("guichet.demandes") as registre_isole:

        class Dossier(models.Model):
            identite = ChampChiffre(null=True, blank=True)
            fichier = FichierChiffre(blank=True)

            class Meta:
                app_label = "demandes"
                db_table = "test_chiffrement_dossier"

            def __str__(self):
                return f"Dossier {self.pk}"

        with connection.schema_editor() as editeur:
            editeur.create_model(Dossier)
        try:
            yield registre_isole, Dossier
        finally:
            with connection.schema_editor() as editeur:
                editeur.delete_model(Dossier)


def _colonne_brute(pk):
    with connection.cursor() as curseur:
        curseur.execute("SELECT identite, fichier FROM test_chiffrement_dossier WHERE id = %s", [pk])
        return curseur.fetchone()


def _octets_sur_disque(nom):
    with default_storage.open(nom, "rb") as f:
        return f.read()


# Champs


def test_la_base_ne_contient_pas_le_clair_et_la_lecture_est_transparente(registre):
    _, Dossier = registre
    dossier = Dossier.objects.create(identite=SECRET)
    brut, _ = _colonne_brute(dossier.pk)
    assert brut != SECRET
    assert "Dupont" not in brut and "1961" not in brut
    assert brut.startswith("gAAAAA")  # jeton Fernet
    assert Dossier.objects.get(pk=dossier.pk).identite == SECRET
    assert list(Dossier.objects.values_list("identite", flat=True)) == [SECRET]


def test_deux_chiffrements_du_meme_texte_different(registre):
    _, Dossier = registre
    a = Dossier.objects.create(identite=SECRET)
    b = Dossier.objects.create(identite=SECRET)
    assert _colonne_brute(a.pk)[0] != _colonne_brute(b.pk)[0]


def test_none_et_vide_restent_tels_quels(registre):
    _, Dossier = registre
    a = Dossier.objects.create(identite=None)
    b = Dossier.objects.create(identite="")
    assert _colonne_brute(a.pk)[0] is None
    assert _colonne_brute(b.pk)[0] == ""
    assert Dossier.objects.filter(identite__isnull=True).get() == a


def test_filtrer_sur_un_champ_chiffre_est_refuse(registre):
    _, Dossier = registre
    with pytest.raises(FieldError):
        list(Dossier.objects.filter(identite=SECRET))
    with pytest.raises(FieldError):
        list(Dossier.objects.filter(identite__icontains="Dupont"))


def test_une_mauvaise_cle_echoue(registre, settings):
    _, Dossier = registre
    dossier = Dossier.objects.create(identite=SECRET)
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_B]
    with pytest.raises(ErreurDechiffrement):
        Dossier.objects.get(pk=dossier.pk)


def test_un_jeton_altere_echoue(registre):
    _, Dossier = registre
    dossier = Dossier.objects.create(identite=SECRET)
    brut = _colonne_brute(dossier.pk)[0]
    altere = brut[:-6] + ("A" if brut[-6] != "A" else "B") + brut[-5:]
    with connection.cursor() as curseur:
        curseur.execute("UPDATE test_chiffrement_dossier SET identite = %s WHERE id = %s", [altere, dossier.pk])
    with pytest.raises(ErreurDechiffrement):
        Dossier.objects.get(pk=dossier.pk)


def test_une_cle_invalide_est_signalee(settings):
    settings.GUICHET_CLES_CHIFFREMENT = ["pas-une-cle"]
    with pytest.raises(ImproperlyConfigured, match="clé n° 1"):
        chiffrement.chiffrer("x")


# Fichiers


def test_le_fichier_sur_disque_est_chiffre_et_anonyme(settings, tmp_path):
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_A]
    contenu = b"%PDF-1.4\n" + SECRET.encode() + b"\n%%EOF"
    nom = enregistrer_chiffre(contenu, "avis d'imposition DUPONT Jeanne.pdf")
    assert nom.startswith("demandes/")
    assert "DUPONT" not in nom and "avis" not in nom and not nom.endswith(".pdf")
    sur_disque = _octets_sur_disque(nom)
    assert SECRET.encode() not in sur_disque and b"%PDF" not in sur_disque
    assert lire_dechiffre(nom) == contenu
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_B]
    with pytest.raises(ErreurDechiffrement):
        lire_dechiffre(nom)
    supprimer_fichier(nom)
    assert not default_storage.exists(nom)
    supprimer_fichier(nom)  # sans erreur la seconde fois


def test_deux_fichiers_ont_des_noms_differents(settings):
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_A]
    assert enregistrer_chiffre(b"a", "x.pdf") != enregistrer_chiffre(b"a", "x.pdf")


# Rotation des clés


def test_rotation_ancienne_cle_lit_encore_puis_rechiffrer_permet_de_la_retirer(
    registre, settings, monkeypatch, django_capture_on_commit_callbacks
):
    registre_isole, Dossier = registre
    monkeypatch.setattr(chiffrement, "apps", registre_isole)
    nom = enregistrer_chiffre(b"contenu de la piece", "piece.pdf")
    dossier = Dossier.objects.create(identite=SECRET, fichier=nom)
    deja_neuf = None

    # Nouvelle clé en tête : l'ancienne déchiffre toujours, la nouvelle chiffre.
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_B, CLE_A]
    assert Dossier.objects.get(pk=dossier.pk).identite == SECRET
    assert lire_dechiffre(nom) == b"contenu de la piece"
    deja_neuf = Dossier.objects.create(identite="écrit avec la nouvelle clé")

    # Simulation : rien ne change.
    brut_avant = _colonne_brute(dossier.pk)
    sortie = io.StringIO()
    call_command("rechiffrer", stdout=sortie)
    assert "demandes.Dossier.identite : 1 à jour, 1 à rechiffrer" in sortie.getvalue()
    assert "demandes.Dossier.fichier : 0 à jour, 1 à rechiffrer" in sortie.getvalue()
    assert _colonne_brute(dossier.pk) == brut_avant

    # Pour de bon.
    sortie = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rechiffrer", "--wet-run", stdout=sortie)
    assert "2 valeurs rechiffrées" in sortie.getvalue()
    identite_brute, nouveau_nom = _colonne_brute(dossier.pk)
    assert identite_brute != brut_avant[0]
    assert nouveau_nom != nom and not default_storage.exists(nom)

    # L'ancienne clé retirée, tout se relit ; la seule ancienne clé ne lit plus rien.
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_B]
    relu = Dossier.objects.get(pk=dossier.pk)
    assert relu.identite == SECRET
    assert lire_dechiffre(relu.fichier) == b"contenu de la piece"
    assert Dossier.objects.get(pk=deja_neuf.pk).identite == "écrit avec la nouvelle clé"
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_A]
    with pytest.raises(ErreurDechiffrement):
        Dossier.objects.get(pk=dossier.pk)

    # Une seconde passe ne trouve plus rien à faire.
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_B, CLE_A]
    sortie = io.StringIO()
    call_command("rechiffrer", stdout=sortie)
    assert "Simulation : 0 valeurs à rechiffrer" in sortie.getvalue()


def test_rechiffrer_signale_les_valeurs_illisibles(registre, settings, monkeypatch):
    registre_isole, Dossier = registre
    monkeypatch.setattr(chiffrement, "apps", registre_isole)
    dossier = Dossier.objects.create(identite=SECRET)
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_B]  # la clé A est perdue
    sortie = io.StringIO()
    with pytest.raises(CommandError, match="ne se déchiffrent avec aucune clé"):
        call_command("rechiffrer", "--wet-run", stdout=sortie)
    assert f"1 illisibles (clés primaires : {dossier.pk})" in sortie.getvalue()


def test_les_champs_chiffres_du_projet_sont_decouverts():
    """Chaque champ chiffré déclaré par le projet est trouvé par la rotation (aucun n'est oublié)."""
    from django.apps import apps

    attendus = {
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if isinstance(f, ChampChiffre | FichierChiffre)
    }
    trouves = {f"{m._meta.label}.{f.name}" for m, champs in chiffrement.champs_chiffres() for f in champs}
    assert trouves == attendus


def test_controle_de_deploiement_sans_cle(settings):
    settings.DEBUG = False
    settings.GUICHET_CLES_CHIFFREMENT_DERIVEE = True
    assert [m.id for m in chiffrement.verifier_cles_chiffrement()] == ["guichet.W001"]
    settings.GUICHET_CLES_CHIFFREMENT_DERIVEE = False
    settings.GUICHET_CLES_CHIFFREMENT = [CLE_A]
    assert chiffrement.verifier_cles_chiffrement() == []
    settings.GUICHET_CLES_CHIFFREMENT = ["abc"]
    assert [m.id for m in chiffrement.verifier_cles_chiffrement()] == ["guichet.E001"]


# Pièces jointes


def _zip(entrees, premier=None):
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as z:
        if premier:
            z.writestr(zipfile.ZipInfo(premier[0]), premier[1])
        for nom, contenu in entrees.items():
            z.writestr(nom, contenu)
    return tampon.getvalue()


def _xlsx():
    classeur = openpyxl.Workbook()
    classeur.active["A1"] = "montant"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _ole(*flux):
    entete = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return entete + b"".join(f.encode("utf-16-le") + b"\x00\x00" for f in flux) + b"\x00" * 1024


PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
DOCX = _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<r/>", "word/document.xml": "<w:document/>"})
ODT = _zip({"content.xml": "<office/>"}, premier=("mimetype", "application/vnd.oasis.opendocument.text"))
ODS = _zip({"content.xml": "<office/>"}, premier=("mimetype", "application/vnd.oasis.opendocument.spreadsheet"))


@pytest.mark.parametrize(
    "nom, contenu, type_attendu, nom_attendu",
    [
        ("avis.pdf", PDF, "application/pdf", "avis.pdf"),
        ("AVIS.PDF", PDF, "application/pdf", "AVIS.pdf"),
        ("scan", PNG, "image/png", "scan.png"),
        ("photo.jpeg", JPEG, "image/jpeg", "photo.jpeg"),
        ("photo.png", JPEG, "image/jpeg", "photo.jpg"),  # l'extension suit le contenu
        ("anim.gif", GIF, "image/gif", "anim.gif"),
        ("img.webp", WEBP, "image/webp", "img.webp"),
        (
            "courrier.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "courrier.docx",
        ),
        ("budget.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "budget.xlsx"),
        ("lettre.odt", ODT, "application/vnd.oasis.opendocument.text", "lettre.odt"),
        ("tableau.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet", "tableau.ods"),
        ("ancien.doc", _ole("Root Entry", "WordDocument"), "application/msword", "ancien.doc"),
        ("ancien.xls", _ole("Root Entry", "Workbook"), "application/vnd.ms-excel", "ancien.xls"),
    ],
)
def test_types_acceptes(nom, contenu, type_attendu, nom_attendu):
    fichier = SimpleUploadedFile(nom, contenu, content_type="application/octet-stream")
    assert verifier_piece_jointe(fichier) == (nom_attendu, type_attendu)
    assert fichier.read() == contenu  # le fichier est rembobiné


@pytest.mark.parametrize(
    "nom, contenu",
    [
        ("facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100),  # un .exe renommé
        ("archive.docx", _zip({"a.txt": "x"})),  # une archive quelconque
        ("macro.docx", _zip({"[Content_Types].xml": "<T/>", "word/document.xml": "<d/>", "word/vbaProject.bin": "x"})),
        ("macro.doc", _ole("Root Entry", "WordDocument", "Macros", "_VBA_PROJECT")),
        ("setup.msi", _ole("Root Entry", "SummaryInformation")),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("note.txt", b"Bonjour"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("vide.pdf", b""),
    ],
)
def test_types_refuses(nom, contenu):
    with pytest.raises(ValidationError) as erreur:
        verifier_piece_jointe(SimpleUploadedFile(nom, contenu))
    assert "pièce jointe" in erreur.value.messages[0]


def test_trop_gros_refuse():
    fichier = SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="dépasse 10 Mo"):
        verifier_piece_jointe(fichier)
    juste = SimpleUploadedFile("juste.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF)))
    assert verifier_piece_jointe(juste)[1] == "application/pdf"


@pytest.mark.parametrize(
    "nom, attendu",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\agent\\Bureau\\relevé CAF.PDF", "relevé CAF.pdf"),
        ("fac\x00ture\x1b.pdf", "facture.pdf"),
        ("rapport\u202efdp.exe", "rapportfdp.pdf"),  # caractère de contrôle bidirectionnel
        ('a<b>c:"d|e?*.pdf', "a_b_c__d_e__.pdf"),
        ("...", "piece-jointe.pdf"),
        ("", "piece-jointe.pdf"),
        ("x" * 300 + ".pdf", "x" * 96 + ".pdf"),
    ],
)
def test_nom_assaini(nom, attendu):
    assert chiffrement.assainir_nom(nom, "application/pdf") == attendu


def test_verifier_renvoie_le_nom_assaini():
    assert verifier_piece_jointe(SimpleUploadedFile("../../x/relevé\x1b.pdf", PDF))[0] == "relevé.pdf"


def test_check_deploy_propre_avec_une_cle():
    """Le profil de production avec GUICHET_CLES_CHIFFREMENT passe `check --deploy` ; sans elle, guichet.W001."""
    import os
    import subprocess
    import sys

    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "GUICHET_CLES_CHIFFREMENT")},
        "DEBUG": "false",
        "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghij-KLMNOP",
        "ALLOWED_HOSTS": "guichet.example.gouv.fr",
        "SECURE_SSL_REDIRECT": "true",
    }
    commande = [sys.executable, "-m", "guichet", "check", "--deploy", "--fail-level", "WARNING"]
    avec = subprocess.run(commande, env={**env, "GUICHET_CLES_CHIFFREMENT": f"{CLE_A},{CLE_B}"}, capture_output=True)
    assert avec.returncode == 0, avec.stderr.decode()
    sans = subprocess.run(commande, env=env, capture_output=True)
    assert sans.returncode == 1 and b"guichet.W001" in sans.stderr


def test_les_demandes_reelles_sont_chiffrees(db):
    """Sur les modèles du projet : identité et corps des messages ne sont pas en clair dans la base."""
    from datetime import UTC, datetime

    from guichet.demandes.models import Demande
    from tests.demandes.factories import DemandeFactory
    from tests.qualite.factories import IDENTITE, structure_dans

    demande = DemandeFactory(envoyee_le=datetime(2026, 1, 5, 9, tzinfo=UTC), structure=structure_dans(), **IDENTITE)
    with connection.cursor() as curseur:
        curseur.execute("SELECT usager_nom, usager_nir, description FROM demandes_demande WHERE id = %s", [demande.pk])
        ligne = curseur.fetchone()
        curseur.execute("SELECT corps FROM demandes_message WHERE demande_id = %s", [demande.pk])
        corps = curseur.fetchone()[0]
    assert all(valeur.startswith("gAAAAA") for valeur in [*ligne, corps])
    assert IDENTITE["usager_nom"] not in "".join(ligne) and IDENTITE["usager_nir"] not in "".join(ligne)
    relue = Demande.objects.get(pk=demande.pk)
    assert (relue.usager_nom, relue.usager_nir) == (IDENTITE["usager_nom"], IDENTITE["usager_nir"])


def _odt_bombe(octets: int) -> bytes:
    """Un .odt dont le membre `mimetype` commence par le bon type puis se décompresse en `octets` zéros."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("mimetype", "w") as membre:
            membre.write(b"application/vnd.oasis.opendocument.text")
            for _ in range(octets // 1_000_000):
                membre.write(b"\x00" * 1_000_000)
        z.writestr("content.xml", "<office/>")
    return tampon.getvalue()


def test_bombe_de_decompression_refusee_sans_etre_decompressee():
    import tracemalloc

    contenu = _odt_bombe(30_000_000)
    assert len(contenu) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as erreur:
            verifier_piece_jointe(SimpleUploadedFile("lettre.odt", contenu))
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = erreur.value.messages[0]
    assert message.startswith("La pièce jointe « lettre.odt » est refusée : « mimetype » se décompresserait")
    assert "bombe de décompression" in message
    assert pic < 3_000_000  # avant : le membre entier, 30 Mo


def test_le_type_odt_est_lu_sur_le_debut_du_membre_seulement():
    import tracemalloc

    # Un membre « mimetype » long mais sous les limites : seul son début est décompressé.
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text" + " " * 900_000)
        z.writestr("content.xml", "<office/>")
    tracemalloc.start()
    try:
        type_lu = chiffrement.type_du_contenu(tampon.getvalue(), "a.odt")
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert type_lu == "application/vnd.oasis.opendocument.text"
    assert pic < 200_000  # avant : le membre entier, 900 Ko


def test_objet_libre_chiffre_au_repos_et_migration_des_lignes_existantes(db):
    import importlib
    from types import SimpleNamespace

    from guichet.demandes.models import Demande
    from tests.demandes.factories import DemandeFactory

    migration = importlib.import_module("guichet.demandes.migrations.0002_objet_libre_chiffre")

    def brut(pk):
        with connection.cursor() as curseur:
            curseur.execute("SELECT objet_libre FROM demandes_demande WHERE id = %s", [pk])
            return curseur.fetchone()[0]

    demande = DemandeFactory(objet_libre="Dupont-Secret : RSA suspendu")
    vide = DemandeFactory(objet_libre="")
    assert "Dupont" not in brut(demande.pk)
    assert chiffrement.dechiffrer(brut(demande.pk)) == "Dupont-Secret : RSA suspendu"
    assert brut(vide.pk) == ""
    # Une ligne d'avant la migration : le texte en clair dans la colonne.
    with connection.cursor() as curseur:
        curseur.execute("UPDATE demandes_demande SET objet_libre = %s WHERE id = %s", ["Martin : CAF", demande.pk])
    editeur = SimpleNamespace(connection=connection)
    migration.chiffrer_existants(None, editeur)
    assert "Martin" not in brut(demande.pk)
    assert Demande.objects.get(pk=demande.pk).objet_libre == "Martin : CAF"
    assert brut(vide.pk) == ""
    migration.dechiffrer_existants(None, editeur)
    assert brut(demande.pk) == "Martin : CAF"
