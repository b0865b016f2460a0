"""Chiffrement au repos des données personnelles des demandes.

- `ChampChiffre` : un champ texte chiffré de façon authentifiée (Fernet : AES-128-CBC + HMAC-SHA256),
  transparent pour le code (on lit et on écrit du texte en clair, la base ne voit que le jeton).
  On ne peut pas filtrer dessus (chaque chiffrement est aléatoire), sauf `isnull`.
- `FichierChiffre` : le nom de stockage d'un fichier chiffré (`enregistrer_chiffre`, `lire_dechiffre`,
  `supprimer_fichier`) ; le nom donné par l'usager n'apparaît jamais sur le disque.
- `verifier_piece_jointe` : type lu dans le contenu (jamais dans l'extension), taille ≤ 10 Mo, nom assaini.

Clés : `settings.GUICHET_CLES_CHIFFREMENT`, une liste de clés Fernet. La première chiffre, toutes
déchiffrent : pour changer de clé, on la place en tête, on lance `guichet rechiffrer --wet-run`,
puis on retire l'ancienne.
"""

import functools
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field

import filetype
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, models, router, transaction

from guichet import archives

TAILLE_MAXIMALE = 10 * 1024 * 1024  # 10 Mo
LONGUEUR_MAXIMALE_NOM = 100  # caractères, extension comprise


class ErreurDechiffrement(Exception):
    """Un jeton ou un fichier ne se déchiffre avec aucune des clés configurées (clé absente ou donnée altérée)."""


# Clés


@functools.lru_cache(maxsize=8)
def _multifernet_pour(cles: tuple[str, ...]) -> MultiFernet:
    if not cles:
        raise ImproperlyConfigured("GUICHET_CLES_CHIFFREMENT est vide : au moins une clé Fernet est nécessaire.")
    fernets = []
    for rang, cle in enumerate(cles, start=1):
        try:
            fernets.append(Fernet(cle.strip().encode("ascii")))
        except (ValueError, UnicodeEncodeError) as exc:
            raise ImproperlyConfigured(
                f"GUICHET_CLES_CHIFFREMENT : la clé n° {rang} n'est pas une clé Fernet valide "
                "(32 octets en base64 url ; en créer une avec "
                '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).'
            ) from exc
    return MultiFernet(fernets)


def cles() -> tuple[str, ...]:
    """Les clés configurées, la clé de chiffrement en premier."""
    return tuple(c for c in settings.GUICHET_CLES_CHIFFREMENT if c.strip())


def multifernet() -> MultiFernet:
    """Le chiffreur des clés configurées (première clé pour chiffrer, toutes pour déchiffrer)."""
    return _multifernet_pour(cles())


def fernet_courant() -> Fernet:
    """Le chiffreur de la seule première clé (pour savoir si un jeton est déjà à jour)."""
    return Fernet(cles()[0].strip().encode("ascii"))


def chiffrer_octets(donnees: bytes) -> bytes:
    return multifernet().encrypt(donnees)


def dechiffrer_octets(jeton: bytes) -> bytes:
    try:
        return multifernet().decrypt(jeton)
    except InvalidToken as exc:
        raise ErreurDechiffrement(
            "Donnée chiffrée illisible : aucune des clés de GUICHET_CLES_CHIFFREMENT ne l'ouvre, ou elle a été altérée."
        ) from exc


def chiffrer(texte: str) -> str:
    return chiffrer_octets(texte.encode("utf-8")).decode("ascii")


def dechiffrer(jeton: str) -> str:
    try:
        brut = jeton.encode("ascii")
    except UnicodeEncodeError as exc:
        raise ErreurDechiffrement("Donnée chiffrée illisible : ce n'est pas un jeton Fernet.") from exc
    return dechiffrer_octets(brut).decode("utf-8")


def rechiffrer_jeton(jeton: bytes) -> bytes | None:
    """Le jeton rechiffré avec la première clé, ou None s'il l'est déjà. Lève ErreurDechiffrement."""
    try:
        fernet_courant().decrypt(jeton)
        return None
    except InvalidToken:
        pass
    try:
        return multifernet().rotate(jeton)
    except InvalidToken as exc:
        raise ErreurDechiffrement("Donnée chiffrée illisible avec les clés configurées.") from exc


@checks.register(checks.Tags.security, deploy=True)
def verifier_cles_chiffrement(app_configs=None, **kwargs):
    """En production, les clés doivent venir de l'environnement (et non être dérivées de SECRET_KEY)."""
    messages = []
    if not settings.DEBUG and getattr(settings, "GUICHET_CLES_CHIFFREMENT_DERIVEE", False):
        messages.append(
            checks.Warning(
                "GUICHET_CLES_CHIFFREMENT n'est pas défini : la clé de chiffrement des demandes est dérivée de "
                "SECRET_KEY (changer SECRET_KEY rendrait les données illisibles).",
                hint="Définir GUICHET_CLES_CHIFFREMENT (une ou plusieurs clés Fernet séparées par des virgules).",
                id="guichet.W001",
            )
        )
    try:
        multifernet()
    except ImproperlyConfigured as exc:
        messages.append(checks.Error(str(exc), id="guichet.E001"))
    return messages


# Champs


class ChampChiffre(models.TextField):
    """Texte chiffré au repos ; la valeur Python est un `str` (ou None). Chaîne vide stockée telle quelle."""

    description = "Texte chiffré (Fernet)"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return dechiffrer(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return chiffrer(value)

    def get_lookup(self, lookup_name):
        # Un chiffrement aléatoire ne se compare pas : seul « est nul » a un sens.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None


class FichierChiffre(models.CharField):
    """Le nom de stockage (aléatoire) d'un fichier chiffré ; jamais le nom donné par l'usager."""

    description = "Fichier chiffré (nom de stockage)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)


# Fichiers


def enregistrer_chiffre(contenu: bytes, nom: str, dossier: str = "demandes") -> str:
    """Chiffre `contenu` et l'enregistre sous un nom aléatoire ; renvoie le nom de stockage.

    `nom` (le nom d'origine) n'est pas utilisé sur le disque : il reste dans la base, à côté.
    """
    nom_stocke = f"{dossier.strip('/')}/{secrets.token_hex(16)}.chiffre"
    return default_storage.save(nom_stocke, ContentFile(chiffrer_octets(contenu)))


def lire_dechiffre(nom_stocke: str) -> bytes:
    """Le contenu en clair d'un fichier enregistré par `enregistrer_chiffre`. Lève ErreurDechiffrement."""
    with default_storage.open(nom_stocke, "rb") as fichier:
        jeton = fichier.read()
    return dechiffrer_octets(jeton)


def supprimer_fichier(nom_stocke: str) -> None:
    """Efface le fichier du stockage (sans erreur s'il n'existe plus)."""
    if nom_stocke:
        default_storage.delete(nom_stocke)


def rechiffrer_fichier(nom_stocke: str, dossier: str | None = None) -> str | None:
    """Réécrit le fichier chiffré avec la première clé sous un nouveau nom, renvoyé (None s'il est à jour).

    L'ancien fichier n'est pas effacé ici : l'appelant le fait une fois la base mise à jour.
    """
    with default_storage.open(nom_stocke, "rb") as fichier:
        jeton = fichier.read()
    nouveau = rechiffrer_jeton(jeton)
    if nouveau is None:
        return None
    dossier = dossier if dossier is not None else (nom_stocke.rsplit("/", 1)[0] if "/" in nom_stocke else "")
    nom = f"{dossier}/{secrets.token_hex(16)}.chiffre" if dossier else f"{secrets.token_hex(16)}.chiffre"
    return default_storage.save(nom, ContentFile(nouveau))


# Pièces jointes

_TYPES = {
    # type MIME : (extension canonique, extensions acceptées telles quelles)
    "application/pdf": ("pdf", {"pdf"}),
    "image/png": ("png", {"png"}),
    "image/jpeg": ("jpg", {"jpg", "jpeg"}),
    "image/webp": ("webp", {"webp"}),
    "image/gif": ("gif", {"gif"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx", {"docx"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx", {"xlsx"}),
    "application/vnd.oasis.opendocument.text": ("odt", {"odt"}),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods", {"ods"}),
    "application/msword": ("doc", {"doc"}),
    "application/vnd.ms-excel": ("xls", {"xls"}),
}
TYPES_ACCEPTES = frozenset(_TYPES)
LIBELLE_TYPES_ACCEPTES = "PDF, PNG, JPEG, WebP, GIF, Word (docx, doc), Excel (xlsx, xls), OpenDocument (odt, ods)"

_TYPES_OPENDOCUMENT = {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"}
_SIGNATURE_ZIP = b"PK\x03\x04"
# Un document bureautique de 10 Mo se décompresse en quelques dizaines de Mo (XML compressé 5 à 20 fois).
LIMITES_ARCHIVE = archives.Limites(membres=5000, taille_membre=100_000_000, taille_totale=200_000_000, rapport=200)
_SIGNATURE_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CARACTERES_INTERDITS = re.compile(r'[<>:"/\\|?*]')


def _utf16(nom: str) -> bytes:
    return nom.encode("utf-16-le")


def _erreur_macros(nom: str) -> ValidationError:
    return ValidationError(f"La pièce jointe « {nom} » contient des macros : enregistrez-la sans macro.", code="macros")


def _type_conteneur_zip(contenu: bytes, nom: str) -> str:
    """Le type d'un document Office Open XML ou OpenDocument, vérifié dans le sommaire de l'archive.
    Seul le début du membre `mimetype` est décompressé ; l'archive entière est vérifiée sous des limites
    (une pièce jointe qui se décompresserait démesurément est refusée)."""
    try:
        with archives.ouvrir(io.BytesIO(contenu), LIMITES_ARCHIVE) as archive:
            noms = set(archive.noms())
            if "mimetype" in noms:
                mime = archive.debut("mimetype", 128).decode("ascii", "replace").strip()
                if mime in _TYPES_OPENDOCUMENT:
                    if any(n.startswith("Basic/") or n.startswith("Scripts/") for n in noms):
                        raise _erreur_macros(nom)
                    return mime
            elif "[Content_Types].xml" in noms:
                if any(n.lower().endswith("vbaproject.bin") for n in noms):
                    raise _erreur_macros(nom)
                if "word/document.xml" in noms:
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                if "xl/workbook.xml" in noms:
                    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    except archives.ArchiveRefusee as exc:
        raise ValidationError(f"La pièce jointe « {nom} » est refusée : {exc}", code="archive") from exc
    return ""


def _type_ole(contenu: bytes, nom: str) -> str:
    """Le type d'un document Office 97-2003 (conteneur OLE), reconnu au nom de ses flux."""
    if _utf16("_VBA_PROJECT") in contenu or _utf16("Macros") in contenu:
        raise _erreur_macros(nom)
    if _utf16("WordDocument") in contenu:
        return "application/msword"
    if _utf16("Workbook") in contenu or _utf16("Book\x00") in contenu:
        return "application/vnd.ms-excel"
    return ""


def type_du_contenu(contenu: bytes, nom: str = "fichier") -> str:
    """Le type MIME accepté lu dans le contenu, ou "" si le contenu n'est pas d'un type accepté."""
    if contenu.startswith(_SIGNATURE_ZIP):
        return _type_conteneur_zip(contenu, nom)
    if contenu.startswith(_SIGNATURE_OLE):
        return _type_ole(contenu, nom)
    devine = filetype.guess(contenu[:8192])
    if devine is not None and devine.mime in {"application/pdf", "image/png", "image/jpeg", "image/webp", "image/gif"}:
        return devine.mime
    return ""


def _nettoyer(nom: str) -> str:
    """Sans chemin, sans caractère de contrôle ni caractère réservé, espaces resserrés."""
    nom = unicodedata.normalize("NFC", nom or "")
    nom = re.split(r"[/\\]", nom)[-1]
    nom = "".join(c for c in nom if not unicodedata.category(c).startswith("C"))
    nom = _CARACTERES_INTERDITS.sub("_", nom)
    return re.sub(r"\s+", " ", nom).strip(" .")


def assainir_nom(nom: str, type_mime: str) -> str:
    """Un nom d'affichage sûr : sans chemin ni caractère de contrôle, raccourci, avec une extension du type lu."""
    nom = _nettoyer(nom)
    base, point, extension = nom.rpartition(".")
    if not point:
        base, extension = nom, ""
    canonique, acceptees = _TYPES[type_mime]
    extension = extension.lower() if extension.lower() in acceptees else canonique
    base = base.strip(" .") or "piece-jointe"
    base = base[: LONGUEUR_MAXIMALE_NOM - len(extension) - 1].rstrip(" .") or "piece-jointe"
    return f"{base}.{extension}"


def verifier_piece_jointe(fichier) -> tuple[str, str]:
    """Vérifie un fichier envoyé ; renvoie (nom assaini, type MIME lu dans le contenu) ou lève ValidationError."""
    nom_affiche = _nettoyer(getattr(fichier, "name", "") or "")[:LONGUEUR_MAXIMALE_NOM] or "fichier"
    taille = getattr(fichier, "size", None)
    if taille is not None and taille > TAILLE_MAXIMALE:
        raise ValidationError(f"La pièce jointe « {nom_affiche} » dépasse 10 Mo.", code="taille")
    if hasattr(fichier, "seek"):
        fichier.seek(0)
    contenu = fichier.read(TAILLE_MAXIMALE + 1)
    if hasattr(fichier, "seek"):
        fichier.seek(0)
    if len(contenu) > TAILLE_MAXIMALE:
        raise ValidationError(f"La pièce jointe « {nom_affiche} » dépasse 10 Mo.", code="taille")
    if not contenu:
        raise ValidationError(f"La pièce jointe « {nom_affiche} » est vide.", code="vide")
    type_mime = type_du_contenu(contenu, nom_affiche)
    if type_mime not in TYPES_ACCEPTES:
        raise ValidationError(
            f"La pièce jointe « {nom_affiche} » n'est pas d'un type accepté ({LIBELLE_TYPES_ACCEPTES}) : "
            "son contenu a été vérifié, pas seulement son extension.",
            code="type",
        )
    return assainir_nom(getattr(fichier, "name", "") or "", type_mime), type_mime


# Rotation des clés : rechiffrer toutes les données avec la première clé


@dataclass
class BilanRechiffrement:
    """Ce que la rotation a trouvé (ou fait) pour un champ d'un modèle."""

    champ: str  # « app.Modele.champ »
    a_jour: int = 0
    rechiffres: int = 0
    illisibles: list = dc_field(default_factory=list)  # clés primaires des lignes illisibles
    manquants: list = dc_field(default_factory=list)  # clés primaires dont le fichier est absent


def champs_chiffres(modeles=None) -> list[tuple[type[models.Model], list[models.Field]]]:
    """Chaque modèle concret (non mandataire) ayant des champs ChampChiffre ou FichierChiffre, avec ces champs."""
    resultat = []
    for modele in modeles if modeles is not None else apps.get_models():
        if modele._meta.proxy or not modele._meta.managed:
            continue
        champs = [
            f
            for f in modele._meta.concrete_fields
            if isinstance(f, ChampChiffre | FichierChiffre) and f.model is modele
        ]
        if champs:
            resultat.append((modele, champs))
    return resultat


def _a_rechiffrer(jeton: bytes) -> bool:
    """Vrai si le jeton s'ouvre avec une ancienne clé seulement ; lève ErreurDechiffrement s'il ne s'ouvre pas."""
    try:
        fernet_courant().decrypt(jeton)
        return False
    except InvalidToken:
        dechiffrer_octets(jeton)
        return True


def rechiffrer_tout(ecrire: bool = False, modeles=None, taille_lot: int = 500) -> list[BilanRechiffrement]:
    """Rechiffre avec la première clé chaque valeur ChampChiffre et chaque fichier FichierChiffre.

    Sans `ecrire`, ne fait que compter (et vérifier que tout se déchiffre). Chaque lot est atomique ;
    les anciens fichiers ne sont effacés qu'une fois la base à jour.
    """
    bilans = []
    for modele, champs in champs_chiffres(modeles):
        connexion = connections[router.db_for_write(modele)]
        qn = connexion.ops.quote_name
        table, cle = qn(modele._meta.db_table), qn(modele._meta.pk.column)
        colonnes = ", ".join(qn(f.column) for f in champs)
        par_champ = {f.name: BilanRechiffrement(champ=f"{modele._meta.label}.{f.name}") for f in champs}
        dernier = None
        while True:
            with transaction.atomic(using=connexion.alias), connexion.cursor() as curseur:
                if dernier is None:
                    curseur.execute(f"SELECT {cle}, {colonnes} FROM {table} ORDER BY {cle} LIMIT %s", [taille_lot])
                else:
                    curseur.execute(
                        f"SELECT {cle}, {colonnes} FROM {table} WHERE {cle} > %s ORDER BY {cle} LIMIT %s",
                        [dernier, taille_lot],
                    )
                lignes = curseur.fetchall()
                for pk, *valeurs in lignes:
                    for champ, valeur in zip(champs, valeurs, strict=True):
                        _rechiffrer_valeur(curseur, table, cle, qn, pk, champ, valeur, ecrire, par_champ[champ.name])
            if len(lignes) < taille_lot:
                break
            dernier = lignes[-1][0]
        bilans.extend(par_champ.values())
    return bilans


def _rechiffrer_valeur(curseur, table, cle, qn, pk, champ, valeur, ecrire, bilan):
    if valeur in (None, ""):
        return
    nouveau = None
    try:
        if isinstance(champ, FichierChiffre):
            if not default_storage.exists(valeur):
                bilan.manquants.append(pk)
                return
            with default_storage.open(valeur, "rb") as fichier:
                jeton = fichier.read()
            if not _a_rechiffrer(jeton):
                bilan.a_jour += 1
                return
            if ecrire:
                nouveau = rechiffrer_fichier(valeur)
                transaction.on_commit(functools.partial(supprimer_fichier, valeur))
        else:
            jeton = valeur.encode("ascii", "replace")
            if not _a_rechiffrer(jeton):
                bilan.a_jour += 1
                return
            if ecrire:
                nouveau = multifernet().rotate(jeton).decode("ascii")
    except ErreurDechiffrement:
        bilan.illisibles.append(pk)
        return
    if nouveau is not None:
        curseur.execute(f"UPDATE {table} SET {qn(champ.column)} = %s WHERE {cle} = %s", [nouveau, pk])
    bilan.rechiffres += 1
