"""Écrire, signer, ancrer et vérifier le journal d'audit.

`journaliser(acteur, action, objet, details)` ajoute une entrée chaînée ; `verifier_chaine()` renvoie la
première entrée rompue (ou None). Les détails ne portent jamais de donnée personnelle : des identifiants,
des comptes, des noms de champs — pas de nom, de numéro ni de texte saisi.

Ce qui tient face à quelqu'un qui a la main sur la base (mais pas sur les clés ni sur les ancres) :

- l'empreinte de chaque entrée est un HMAC-SHA256 avec une clé de GUICHET_CLES_JOURNAL (gardée hors de la
  base ; l'entrée recopie l'identifiant de la clé, pour la rotation) : modifier une entrée, ou la modifier et
  recalculer toutes les empreintes suivantes, se voit dès l'entrée modifiée, faute de clé ;
- une ancre (numéro et empreinte de la dernière entrée, signés avec la clé) est publiée hors de la base : une
  ligne ajoutée au fichier GUICHET_JOURNAL_ANCRES, une ligne dans les journaux du serveur et, si une adresse
  est configurée, un courriel. L'écrivain en publie une toutes les GUICHET_JOURNAL_ANCRAGE_INTERVALLE entrées,
  et `guichet ancrer_journal`, lancé périodiquement (tous les quarts d'heure), à chaque passage. Supprimer les
  dernières entrées se voit alors : l'ancre atteste une entrée qui n'existe plus. (Ce qui a été écrit depuis
  la dernière ancre reste à la merci d'une troncature : d'où l'ancrage fréquent.)
"""

import hashlib
import hmac
import json
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from guichet.journal.models import PRECEDENT_INITIAL, EntreeJournal

journal_des_ancres = logging.getLogger("guichet.journal.ancres")

# Clés de détails refusées : elles désigneraient une donnée personnelle de l'usager.
CLES_INTERDITES = frozenset(
    {
        "nom",
        "prenom",
        "date_naissance",
        "nir",
        "numero_allocataire",
        "numero_fiscal",
        "numero_dossier",
        "adresse",
        "telephone",
        "email",
        "courriel",
        "corps",
        "description",
        "identite",
        "texte",
    }
)
# Verrou consultatif PostgreSQL qui sérialise les écritures du journal (« guichet » en ASCII).
VERROU_POSTGRESQL = 0x67756963686574


# Clés


class CleInconnue(Exception):
    """Une entrée ou une ancre signée avec une clé absente de GUICHET_CLES_JOURNAL."""


def cles_journal() -> dict[str, bytes]:
    """Les clés configurées, par identifiant, dans l'ordre (la première signe). Lève ImproperlyConfigured."""
    cles = {}
    for element in settings.GUICHET_CLES_JOURNAL:
        identifiant, separateur, secret = str(element).strip().partition(":")
        identifiant = identifiant.strip()
        if not separateur or not identifiant or len(identifiant) > 32 or not identifiant.replace("-", "").isalnum():
            raise ImproperlyConfigured(
                "GUICHET_CLES_JOURNAL : chaque clé s'écrit « identifiant:secret » (identifiant de 1 à 32 lettres, "
                "chiffres ou tirets)."
            )
        if len(secret) < 32:
            raise ImproperlyConfigured(
                f"GUICHET_CLES_JOURNAL : le secret de la clé « {identifiant} » fait moins de 32 caractères."
            )
        if identifiant in cles:
            raise ImproperlyConfigured(f"GUICHET_CLES_JOURNAL : l'identifiant « {identifiant} » est donné deux fois.")
        cles[identifiant] = secret.encode("utf-8")
    if not cles:
        raise ImproperlyConfigured("GUICHET_CLES_JOURNAL est vide : le journal d'audit ne peut pas être signé.")
    return cles


def controler_cles(app_configs=None, **kwargs):
    """Contrôle de démarrage (`guichet check`) : des clés du journal mal formées sont une erreur."""
    try:
        cles_journal()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="guichet.E002")]
    return []


def cle_courante() -> str:
    """L'identifiant de la clé qui signe les nouvelles entrées et les ancres."""
    return next(iter(cles_journal()))


def _hmac(cle: str, message: bytes) -> str:
    cles = cles_journal()
    if cle not in cles:
        raise CleInconnue(cle)
    return hmac.new(cles[cle], message, hashlib.sha256).hexdigest()


def _json_canonique(contenu) -> bytes:
    texte = json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return texte.encode("utf-8")


def empreinte_de(contenu: dict) -> str:
    """HMAC-SHA256, avec la clé nommée par `contenu["cle"]`, du JSON canonique (clés triées, sans espace, UTF-8).

    Lève CleInconnue si cette clé n'est pas configurée.
    """
    return _hmac(contenu["cle"], b"entree:" + _json_canonique(contenu))


def _verifier_details(valeur, chemin="details"):
    if isinstance(valeur, dict):
        for cle, sous_valeur in valeur.items():
            nom = str(cle).lower()
            if nom in CLES_INTERDITES or nom.startswith("usager"):
                raise ValueError(
                    f"Journal d'audit : la clé « {chemin}.{cle} » désigne une donnée personnelle, interdite ici."
                )
            _verifier_details(sous_valeur, f"{chemin}.{cle}")
    elif isinstance(valeur, list):
        for rang, element in enumerate(valeur):
            _verifier_details(element, f"{chemin}[{rang}]")


def _objet(objet) -> tuple[str, str]:
    if objet is None:
        return "", ""
    if isinstance(objet, models.Model):
        return objet._meta.label_lower, "" if objet.pk is None else str(objet.pk)
    if isinstance(objet, tuple) and len(objet) == 2:
        return str(objet[0]), str(objet[1])
    raise TypeError("Journal d'audit : l'objet est une instance de modèle, un couple (type, identifiant) ou None.")


def _acteur(acteur):
    """(utilisateur ou None, libellé recopié)."""
    if acteur is None or not getattr(acteur, "is_authenticated", False):
        return None, "système" if acteur is None else "anonyme"
    return acteur, acteur.email or f"utilisateur n° {acteur.pk}"


def _verrouiller(connexion):
    """Une seule écriture du journal à la fois, jusqu'à la fin de la transaction.

    PostgreSQL : un verrou consultatif de transaction. (Un `select_for_update` de la dernière entrée ne
    suffirait pas : en READ COMMITTED, l'écrivain qui attendait relirait la même « dernière » entrée, sans
    voir celle qui vient d'être validée.) SQLite : les transactions d'écriture sont déjà sérialisées
    (`transaction_mode = IMMEDIATE`). Partout, l'unicité de `numero` interdit une fourche.
    """
    if connexion.vendor == "postgresql":
        with connexion.cursor() as curseur:
            curseur.execute("SELECT pg_advisory_xact_lock(%s)", [VERROU_POSTGRESQL])


def journaliser(acteur, action: str, objet=None, details: dict | None = None) -> EntreeJournal:
    """Ajoute une entrée au journal et la renvoie.

    `acteur` : l'utilisateur (None pour le système : tâches, commandes) ; `action` : voir `Action` ;
    `objet` : une instance de modèle, un couple (type, identifiant) ou None ; `details` : un dict JSON
    sans donnée personnelle.
    """
    action = str(action or "").strip()
    if not action or len(action) > 40:
        raise ValueError("Journal d'audit : l'action est un texte court (1 à 40 caractères).")
    details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder, allow_nan=False))
    if not isinstance(details, dict):
        raise TypeError("Journal d'audit : les détails sont un dictionnaire.")
    _verifier_details(details)
    objet_type, objet_id = _objet(objet)
    utilisateur, libelle = _acteur(acteur)
    with transaction.atomic():
        _verrouiller(transaction.get_connection())
        dernier = EntreeJournal.objects.order_by("-numero").values("numero", "empreinte").first()
        entree = EntreeJournal(
            numero=dernier["numero"] + 1 if dernier else 1,
            horodatage=timezone.now(),
            acteur=utilisateur,
            acteur_libelle=libelle[:254],
            action=action,
            objet_type=objet_type,
            objet_id=objet_id,
            details=details,
            precedent=dernier["empreinte"] if dernier else PRECEDENT_INITIAL,
            cle=cle_courante(),
        )
        entree.empreinte = empreinte_de(entree.contenu_signe())
        entree.save(force_insert=True)
        intervalle = settings.GUICHET_JOURNAL_ANCRAGE_INTERVALLE
        if intervalle > 0 and entree.numero % intervalle == 0:
            transaction.on_commit(lambda: _ancrer_sans_echouer(entree))
    return entree


# Vérification


def premiere_rupture() -> tuple[EntreeJournal, str] | None:
    """La première entrée où la chaîne se rompt, avec la raison ; None si la chaîne est intacte.

    Détecte une entrée modifiée (même si les empreintes suivantes ont été recalculées : il y faudrait la
    clé), supprimée ou insérée au milieu. La suppression des dernières entrées se voit par les ancres
    (`premiere_anomalie_des_ancres`).
    """
    numero_attendu, precedent = 1, PRECEDENT_INITIAL
    for entree in EntreeJournal.objects.order_by("numero").iterator(chunk_size=2000):
        if entree.numero != numero_attendu:
            manquantes = (
                f"l'entrée n° {numero_attendu} manque"
                if entree.numero == numero_attendu + 1
                else f"les entrées n° {numero_attendu} à {entree.numero - 1} manquent"
            )
            return entree, f"numéro {entree.numero} au lieu de {numero_attendu} : {manquantes} (entrée(s) manquante(s))"
        if entree.precedent != precedent:
            return entree, f"elle ne suit pas l'entrée n° {numero_attendu - 1} (empreinte précédente différente)"
        try:
            attendue = empreinte_de(entree.contenu_signe())
        except CleInconnue:
            return entree, f"elle est signée par la clé « {entree.cle} », absente de GUICHET_CLES_JOURNAL"
        if not hmac.compare_digest(attendue, entree.empreinte):
            return entree, "son contenu a été modifié (signature de l'empreinte invalide)"
        numero_attendu, precedent = numero_attendu + 1, entree.empreinte
    return None


def verifier_chaine() -> EntreeJournal | None:
    """La première entrée rompue, ou None si la chaîne est intacte."""
    rupture = premiere_rupture()
    return rupture[0] if rupture else None


# Ancres : la tête de la chaîne, signée, publiée hors de la base


@dataclass(frozen=True)
class Ancre:
    numero: int
    empreinte: str
    publiee_le: str
    cle: str
    signature: str = ""

    def message(self) -> bytes:
        return f"ancre:{self.numero}:{self.empreinte}:{self.publiee_le}:{self.cle}".encode()

    def signee(self) -> "Ancre":
        return Ancre(self.numero, self.empreinte, self.publiee_le, self.cle, _hmac(self.cle, self.message()))

    def en_ligne(self) -> str:
        return json.dumps(
            {
                "numero": self.numero,
                "empreinte": self.empreinte,
                "publiee_le": self.publiee_le,
                "cle": self.cle,
                "signature": self.signature,
            },
            sort_keys=True,
        )


def chemin_des_ancres() -> Path:
    return Path(settings.GUICHET_JOURNAL_ANCRES)


def publier_ancre(entree: EntreeJournal | None = None) -> Ancre | None:
    """Signe et publie une ancre de `entree` (par défaut la dernière entrée) ; None si le journal est vide.

    Publiée dans le fichier des ancres (ajout seul) et les journaux du serveur. Lève OSError si le fichier
    ne peut pas être écrit.
    """
    if entree is None:
        entree = EntreeJournal.objects.order_by("-numero").first()
        if entree is None:
            return None
    ancre = Ancre(
        numero=entree.numero,
        empreinte=entree.empreinte,
        publiee_le=timezone.now().isoformat(timespec="seconds"),
        cle=cle_courante(),
    ).signee()
    ligne = ancre.en_ligne()
    chemin = chemin_des_ancres()
    chemin.parent.mkdir(parents=True, exist_ok=True)
    with chemin.open("a", encoding="utf-8") as fichier:
        fichier.write(ligne + "\n")
        fichier.flush()
    journal_des_ancres.info("Ancre du journal d'audit : %s", ligne)
    return ancre


def envoyer_ancre(ancre: Ancre) -> bool:
    """Envoie l'ancre aux adresses de GUICHET_JOURNAL_ANCRES_EMAIL (faux s'il n'y en a pas)."""
    destinataires = settings.GUICHET_JOURNAL_ANCRES_EMAIL
    if not destinataires:
        return False
    send_mail(
        f"Ancre du journal d'audit : entrée n° {ancre.numero}",
        "Ancre signée du journal d'audit, à conserver (elle permet de détecter une troncature) :\n\n"
        + ancre.en_ligne(),
        None,
        destinataires,
    )
    return True


def _ancrer_sans_echouer(entree: EntreeJournal) -> None:
    """L'ancrage de l'écrivain, après validation : une panne d'écriture du fichier ne fait pas échouer la
    requête (l'entrée est déjà écrite), elle est signalée dans les journaux du serveur."""
    try:
        publier_ancre(entree)
    except OSError:
        journal_des_ancres.exception("Ancre du journal d'audit n° %s non publiée", entree.numero)


def lire_ancres() -> list[tuple[int, Ancre | None]]:
    """Les ancres du fichier, avec leur numéro de ligne (None : ligne illisible)."""
    chemin = chemin_des_ancres()
    if not chemin.exists():
        return []
    ancres = []
    with chemin.open(encoding="utf-8", errors="replace") as fichier:
        for rang, ligne in enumerate(fichier, start=1):
            if not ligne.strip():
                continue
            try:
                donnees = json.loads(ligne)
                ancre = Ancre(
                    numero=int(donnees["numero"]),
                    empreinte=str(donnees["empreinte"]),
                    publiee_le=str(donnees["publiee_le"]),
                    cle=str(donnees["cle"]),
                    signature=str(donnees["signature"]),
                )
            except (ValueError, TypeError, KeyError):
                ancre = None
            ancres.append((rang, ancre))
    return ancres


def premiere_anomalie_des_ancres() -> str | None:
    """Confronte la base aux ancres publiées ; renvoie la première anomalie (en nommant l'entrée ou la ligne
    du fichier), ou None.

    Détecte une ancre forgée sans la clé (signature invalide), une entrée attestée par une ancre mais
    absente (dernières entrées supprimées) ou différente (réécrite), et l'absence de toute ancre alors que le
    journal n'est pas vide (fichier supprimé).
    """
    chemin = chemin_des_ancres()
    ancres = lire_ancres()
    derniere = EntreeJournal.objects.order_by("-numero").values_list("numero", flat=True).first()
    if not ancres:
        if derniere is None:
            return None
        return (
            f"aucune ancre publiée dans {chemin} alors que le journal compte des entrées (jusqu'au n° {derniere}) : "
            "une troncature ne pourrait pas être exclue (fichier supprimé ? sinon lancer `guichet ancrer_journal`)"
        )
    for rang, ancre in ancres:
        lieu = f"ancre de la ligne {rang} de {chemin}"
        if ancre is None:
            return f"{lieu} illisible"
        try:
            valide = hmac.compare_digest(ancre.signee().signature, ancre.signature)
        except CleInconnue:
            return f"{lieu} signée par la clé « {ancre.cle} », absente de GUICHET_CLES_JOURNAL"
        if not valide:
            return f"{lieu} falsifiée (signature invalide) : elle n'a pas été produite avec la clé du journal"
    numeros = sorted({ancre.numero for _, ancre in ancres})
    empreintes = {}
    for debut in range(0, len(numeros), 1000):
        empreintes |= dict(
            EntreeJournal.objects.filter(numero__in=numeros[debut : debut + 1000]).values_list("numero", "empreinte")
        )
    for rang, ancre in ancres:
        lieu = f"ancre de la ligne {rang} de {chemin}"
        empreinte = empreintes.get(ancre.numero)
        if empreinte is None:
            return (
                f"entrée n° {ancre.numero} absente alors que l'{lieu} (publiée le {ancre.publiee_le}) l'atteste : "
                f"le journal a été tronqué (dernière entrée présente : n° {derniere or 0})"
            )
        if not hmac.compare_digest(empreinte, ancre.empreinte):
            return f"entrée n° {ancre.numero} différente de celle qu'atteste l'{lieu} : elle a été réécrite"
    return None


# Déverrouillage (remise à zéro complète de la base seulement)

_etat = threading.local()


def journal_verrouille(alias: str) -> bool:
    return alias not in getattr(_etat, "deverrouilles", set())


@contextmanager
def journal_deverrouille(using: str = DEFAULT_DB_ALIAS):
    """Lève, le temps du bloc et sur cette connexion, l'interdiction de modifier ou supprimer le journal.

    Réservé à `guichet flush` (remise à zéro complète de la base, tests compris) : aucun code métier ne
    l'appelle.
    """
    connexion = connections[using]
    deverrouilles = getattr(_etat, "deverrouilles", set())
    _etat.deverrouilles = deverrouilles | {using}
    if connexion.vendor == "postgresql":
        with connexion.cursor() as curseur:
            curseur.execute("SET guichet.journal_deverrouille = 'oui'")
    try:
        yield
    finally:
        _etat.deverrouilles = deverrouilles
        if connexion.vendor == "postgresql":
            with connexion.cursor() as curseur:
                curseur.execute("RESET guichet.journal_deverrouille")


DECLENCHEURS = {
    "sqlite": {"journal_entreejournal_sans_modification", "journal_entreejournal_sans_suppression"},
    "postgresql": {"journal_entreejournal_sans_modification", "journal_entreejournal_sans_vidage"},
}


def declencheurs_manquants(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """Les déclencheurs d'ajout seul absents de la base (ensemble vide : tout est en place)."""
    connexion = connections[using]
    table = EntreeJournal._meta.db_table
    with connexion.cursor() as curseur:
        if connexion.vendor == "sqlite":
            curseur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        elif connexion.vendor == "postgresql":
            curseur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        else:
            return set()
        presents = {ligne[0] for ligne in curseur.fetchall()}
    return DECLENCHEURS.get(connexion.vendor, set()) - presents
