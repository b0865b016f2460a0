"""Lecture bornée des archives zip : le seul endroit où la plateforme ouvre une archive.

Une archive reçue de l'extérieur (pièce jointe « .odt » ou « .docx », archive de fiches de la DILA) peut
être une bombe de décompression : quelques kilo-octets qui se décompressent en gigaoctets. D'où :

- le nombre de membres est lu dans l'enregistrement de fin de l'archive avant que `zipfile` ne charge
  le répertoire central (un répertoire de millions d'entrées coûte de la mémoire à lui seul) ;
- chaque membre est vérifié sur ses tailles déclarées (taille décompressée, rapport à la taille
  compressée) et sa méthode (stocké ou deflate seulement : bzip2 et lzma se décompressent par blocs
  non bornés) ;
- la lecture se fait par morceaux, en comptant les octets réellement produits : si la taille
  déclarée ment, la lecture s'arrête à la limite ;
- pour reconnaître un type, on ne lit que le début d'un membre (`debut`), jamais le membre entier.

Toute limite franchie lève `ArchiveRefusee`, dont le message, en français, nomme le membre en cause.
"""

import struct
import zipfile
from dataclasses import dataclass

MORCEAU = 64 * 1024
# En dessous de ce volume décompressé, le rapport n'est pas regardé (un petit fichier très répétitif est normal).
SEUIL_RAPPORT = 1024 * 1024
_FIN = b"PK\x05\x06"
_FIN_ZIP64 = b"PK\x06\x06"
_METHODES = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


class ArchiveRefusee(Exception):
    """Une archive illisible ou hors des limites ; le message dit pourquoi, en français."""


@dataclass(frozen=True)
class Limites:
    membres: int  # nombre de membres au plus
    taille_membre: int  # octets décompressés au plus par membre
    taille_totale: int  # octets décompressés au plus pour toute l'archive (tailles déclarées)
    rapport: int  # taille décompressée / taille compressée au plus, par membre


def _mo(octets: int) -> str:
    return f"{octets / 1_000_000:.1f} Mo".replace(".", ",")


def _nombre_de_membres(fichier) -> int:
    """Le nombre d'entrées déclaré par l'enregistrement de fin (zip64 compris), sans lire le répertoire."""
    fichier.seek(0, 2)
    taille = fichier.tell()
    lu = min(taille, 22 + 65535 + 20 + 56)
    fichier.seek(taille - lu)
    fin = fichier.read(lu)
    position = fin.rfind(_FIN)
    if position < 0 or len(fin) - position < 22:
        raise ArchiveRefusee("archive zip illisible (fin d'archive introuvable).")
    nombre = struct.unpack("<H", fin[position + 10 : position + 12])[0]
    if nombre == 0xFFFF:
        position64 = fin.rfind(_FIN_ZIP64, 0, position)
        if position64 < 0 or position - position64 < 56:
            # Le localisateur zip64 pointe parfois plus loin : on s'en tient au maximum non zip64.
            return nombre
        nombre = struct.unpack("<Q", fin[position64 + 32 : position64 + 40])[0]
    return nombre


class ArchiveBornee:
    """Une archive zip ouverte sous des limites. S'emploie dans un `with`."""

    def __init__(self, fichier, limites: Limites, nom: str = "archive"):
        self.limites = limites
        self.nom = nom
        # Un chemin est ouvert (et refermé) ici ; un objet fichier reste à son propriétaire.
        self._propre = None if hasattr(fichier, "read") else open(fichier, "rb")  # noqa: SIM115
        fichier = self._propre or fichier
        try:
            nombre = _nombre_de_membres(fichier)
            if nombre > limites.membres:
                raise ArchiveRefusee(f"l'archive compte {nombre} fichiers (au plus {limites.membres}).")
            fichier.seek(0)
            self._zip = zipfile.ZipFile(fichier)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, struct.error) as exc:
            self._fermer_fichier()
            raise ArchiveRefusee("archive zip illisible ou endommagée.") from exc
        except ArchiveRefusee:
            self._fermer_fichier()
            raise
        try:
            self._verifier()
        except ArchiveRefusee:
            self.close()
            raise

    def _verifier(self):
        infos = self._zip.infolist()
        if len(infos) > self.limites.membres:
            raise ArchiveRefusee(f"l'archive compte {len(infos)} fichiers (au plus {self.limites.membres}).")
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            if info.compress_type not in _METHODES:
                raise ArchiveRefusee(f"« {info.filename} » : méthode de compression non acceptée (stocké ou deflate).")
            if info.flag_bits & 0x1:
                raise ArchiveRefusee(f"« {info.filename} » : les archives chiffrées ne sont pas acceptées.")
            self._verifier_taille(info.filename, info.file_size, info.compress_size)
            total += info.file_size
            if total > self.limites.taille_totale:
                raise ArchiveRefusee(
                    f"l'archive se décompresserait en plus de {_mo(self.limites.taille_totale)} : refusée."
                )

    def _verifier_taille(self, nom: str, decompresse: int, compresse: int):
        if decompresse > self.limites.taille_membre:
            raise ArchiveRefusee(
                f"« {nom} » se décompresserait en plus de {_mo(self.limites.taille_membre)} : refusé "
                "(bombe de décompression ?)."
            )
        if decompresse > SEUIL_RAPPORT and decompresse > self.limites.rapport * max(compresse, 1):
            raise ArchiveRefusee(
                f"« {nom} » se décompresserait plus de {self.limites.rapport} fois sa taille compressée : "
                "refusé (bombe de décompression ?)."
            )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._zip.close()
        self._fermer_fichier()

    def _fermer_fichier(self):
        if self._propre is not None:
            self._propre.close()

    def noms(self) -> list[str]:
        return self._zip.namelist()

    def _info(self, nom: str) -> zipfile.ZipInfo:
        try:
            return self._zip.getinfo(nom)
        except KeyError:
            raise ArchiveRefusee(f"« {nom} » absent de l'archive.") from None

    def debut(self, nom: str, octets: int = 256) -> bytes:
        """Les premiers octets d'un membre, sans décompresser la suite (pour reconnaître un type)."""
        info = self._info(nom)
        try:
            with self._zip.open(info) as membre:
                return membre.read(octets)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise ArchiveRefusee(f"« {nom} » illisible (archive endommagée).") from exc

    def lire(self, nom: str) -> bytes:
        """Le membre entier, décompressé par morceaux sous les limites (même si sa taille déclarée ment)."""
        info = self._info(nom)
        morceaux, lus = [], 0
        try:
            with self._zip.open(info) as membre:
                while morceau := membre.read(MORCEAU):
                    lus += len(morceau)
                    self._verifier_taille(nom, lus, info.compress_size)
                    morceaux.append(morceau)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise ArchiveRefusee(f"« {nom} » illisible (archive endommagée).") from exc
        return b"".join(morceaux)


def ouvrir(fichier, limites: Limites, nom: str = "archive") -> ArchiveBornee:
    """Ouvre une archive zip (chemin, ou objet fichier binaire avec `seek`) sous des limites ; lève
    ArchiveRefusee."""
    return ArchiveBornee(fichier, limites, nom)
