"""Écrire et vérifier le journal d'audit.

`journaliser(acteur, action, objet, details)` ajoute une entrée chaînée ; `verifier_chaine()` renvoie la
première entrée rompue (ou None). Les détails ne portent jamais de donnée personnelle : des identifiants,
des comptes, des noms de champs — pas de nom, de numéro ni de texte saisi.
"""

import hashlib
import json
import threading
from contextlib import contextmanager

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from guichet.journal.models import PRECEDENT_INITIAL, EntreeJournal

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


def empreinte_de(contenu: dict) -> str:
    """SHA-256 du JSON canonique (clés triées, sans espace, UTF-8)."""
    texte = json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


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
        )
        entree.empreinte = empreinte_de(entree.contenu_signe())
        entree.save(force_insert=True)
    return entree


# Vérification


def premiere_rupture() -> tuple[EntreeJournal, str] | None:
    """La première entrée où la chaîne se rompt, avec la raison ; None si la chaîne est intacte.

    Détecte une entrée modifiée, supprimée ou insérée au milieu. (La suppression des dernières entrées
    ne laisse pas de trace dans la chaîne elle-même : la comparer à une empreinte exportée à part.)
    """
    numero_attendu, precedent = 1, PRECEDENT_INITIAL
    for entree in EntreeJournal.objects.order_by("numero").iterator(chunk_size=2000):
        if entree.numero != numero_attendu:
            return entree, f"numéro {entree.numero} au lieu de {numero_attendu} : entrée(s) manquante(s) avant elle"
        if entree.precedent != precedent:
            return entree, f"elle ne suit pas l'entrée n° {numero_attendu - 1} (empreinte précédente différente)"
        if empreinte_de(entree.contenu_signe()) != entree.empreinte:
            return entree, "son contenu a été modifié (empreinte différente)"
        numero_attendu, precedent = numero_attendu + 1, entree.empreinte
    return None


def verifier_chaine() -> EntreeJournal | None:
    """La première entrée rompue, ou None si la chaîne est intacte."""
    rupture = premiere_rupture()
    return rupture[0] if rupture else None


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
