"""La lecture bornée des archives : une bombe de décompression est refusée sans être décompressée."""

import io
import tracemalloc
import zipfile

import pytest

from guichet import archives

LARGES = archives.Limites(membres=100, taille_membre=10**9, taille_totale=10**10, rapport=10**6)
ETROITES = archives.Limites(membres=10, taille_membre=2_000_000, taille_totale=3_000_000, rapport=100)


def zip_de(membres: dict, methode=zipfile.ZIP_DEFLATED) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=methode) as z:
        for nom, contenu in membres.items():
            z.writestr(nom, contenu)
    return tampon.getvalue()


def bombe(octets: int) -> bytes:
    """Un membre de `octets` zéros, compressé au niveau maximal (environ mille fois plus petit)."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("mimetype", "w") as membre:
            bloc = b"\x00" * 1_000_000
            for _ in range(octets // len(bloc)):
                membre.write(bloc)
    return tampon.getvalue()


def pic_memoire(fonction) -> int:
    tracemalloc.start()
    try:
        fonction()
    except Exception:  # noqa: BLE001 - on mesure, le refus est vérifié à part
        pass
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return pic


def test_le_debut_d_un_membre_ne_decompresse_que_quelques_octets():
    contenu = bombe(40_000_000)
    assert len(contenu) < 100_000

    def lire_debut():
        with archives.ouvrir(io.BytesIO(contenu), LARGES) as archive:
            assert archive.debut("mimetype", 64) == b"\x00" * 64

    assert pic_memoire(lire_debut) < 2_000_000


def test_un_membre_trop_compresse_est_refuse_sur_sa_taille_declaree():
    with pytest.raises(archives.ArchiveRefusee, match="« mimetype » se décompresserait en plus de 2,0 Mo"):
        archives.ouvrir(io.BytesIO(bombe(5_000_000)), ETROITES)
    rapport = archives.Limites(membres=10, taille_membre=10**9, taille_totale=10**10, rapport=100)
    with pytest.raises(archives.ArchiveRefusee, match="plus de 100 fois sa taille compressée"):
        archives.ouvrir(io.BytesIO(bombe(5_000_000)), rapport)


def test_la_lecture_par_morceaux_s_arrete_a_la_limite_meme_si_la_taille_declaree_ment():
    contenu = bombe(20_000_000)
    archive = archives.ouvrir(io.BytesIO(contenu), LARGES)
    # Les limites sont resserrées après l'ouverture : seule la lecture par morceaux peut encore arrêter.
    archive.limites = ETROITES
    pic = pic_memoire(lambda: archive.lire("mimetype"))
    with pytest.raises(archives.ArchiveRefusee, match="bombe de décompression"):
        archive.lire("mimetype")
    archive.close()
    assert pic < 6_000_000


def test_trop_de_membres_refuse_avant_de_lire_le_repertoire():
    contenu = zip_de({f"f{i}.xml": "<a/>" for i in range(11)})
    with pytest.raises(archives.ArchiveRefusee, match="compte 11 fichiers \\(au plus 10\\)"):
        archives.ouvrir(io.BytesIO(contenu), ETROITES)


def test_taille_totale_bornee():
    contenu = zip_de({f"f{i}.txt": bytes(range(256)) * 4000 for i in range(4)})  # 4 × 1 Mo peu compressible
    with pytest.raises(archives.ArchiveRefusee, match="plus de 3,0 Mo"):
        archives.ouvrir(io.BytesIO(contenu), ETROITES)


def test_methodes_non_bornees_refusees():
    contenu = zip_de({"a.xml": "<a/>"}, methode=zipfile.ZIP_BZIP2)
    with pytest.raises(archives.ArchiveRefusee, match="méthode de compression non acceptée"):
        archives.ouvrir(io.BytesIO(contenu), LARGES)


def test_archive_illisible_et_membre_absent():
    with pytest.raises(archives.ArchiveRefusee, match="archive zip illisible"):
        archives.ouvrir(io.BytesIO(b"PK\x03\x04 pas une archive"), LARGES)
    with archives.ouvrir(io.BytesIO(zip_de({"a.xml": "<a/>"})), LARGES) as archive:
        assert archive.lire("a.xml") == b"<a/>"
        with pytest.raises(archives.ArchiveRefusee, match="« b.xml » absent"):
            archive.lire("b.xml")


def test_un_chemin_est_ouvert_et_referme(tmp_path):
    chemin = tmp_path / "a.zip"
    chemin.write_bytes(zip_de({"a.xml": "<a/>"}))
    with archives.ouvrir(chemin, LARGES) as archive:
        assert archive.noms() == ["a.xml"]
    assert archive._propre.closed
