"""Les listes de demandes : boîte de réception du référent, demandes des structures de l'agent,
suivi anonyme ; leurs onglets (filtres), leur pagination et ce que chaque ligne affiche.

Qui voit quelles demandes est décidé par `guichet.permissions` ; ce module les range et les pagine.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q

from guichet.demandes import permissions as permissions_demandes
from guichet.demandes.models import Demande, Lecture, Statut
from guichet.texte import chiffres

PAR_PAGE = 25

# Les filtres de chaque vue de liste : code → (libellé, filtre, tri)
FILTRES_REFERENT = {
    "a_traiter": ("À traiter", lambda qs, m: qs.en_attente_de_reponse(), ["echeance_le", "id"]),
    "en_retard": ("En retard", lambda qs, m: qs.en_retard(m), ["echeance_le", "id"]),
    "toutes": ("Toutes", lambda qs, m: qs, ["-envoyee_le", "-id"]),
}
FILTRES_AGENT = {
    "en_cours": ("En cours", lambda qs, m: qs.ouvertes(), ["-envoyee_le", "-id"]),
    "a_lire": ("Réponse reçue", lambda qs, m: qs.en_attente_de_l_agent(), ["-envoyee_le", "-id"]),
    "en_retard": ("En retard", lambda qs, m: qs.en_retard(m), ["-envoyee_le", "-id"]),
    "cloturees": ("Clôturées", lambda qs, m: qs.cloturees(), ["-envoyee_le", "-id"]),
    "toutes": ("Toutes", lambda qs, m: qs, ["-envoyee_le", "-id"]),
}
FILTRES_ANONYMES = {
    "en_cours": FILTRES_AGENT["en_cours"],
    "en_retard": FILTRES_AGENT["en_retard"],
    "cloturees": FILTRES_AGENT["cloturees"],
    "toutes": FILTRES_AGENT["toutes"],
}


class ListeTriee:
    """Des parties disjointes de demandes, lues comme une seule liste triée et paginable.

    La page se lit en deux temps : les identifiants de la tranche (dans l'ordre d'un index, parties
    réunies par UNION ALL, jamais par un OU qui forcerait à trier toute la boîte), puis les demandes
    elles-mêmes avec leurs relations. Le nombre est la somme des nombres des parties.
    """

    ordered = True

    def __init__(self, parties, tri, charger, nombre=None):
        self.parties, self.tri, self.charger, self.nombre = parties, tri, charger, nombre
        self.cles = [champ.lstrip("-") for champ in tri]

    def count(self):
        if self.nombre is None:
            self.nombre = sum(partie.count() for partie in self.parties)
        return self.nombre

    def __getitem__(self, tranche):
        colonnes = [
            partie.order_by().values_list("id", *[c for c in self.cles if c != "id"]) for partie in self.parties
        ]
        if not colonnes:
            return []
        liste = colonnes[0].union(*colonnes[1:], all=True) if len(colonnes) > 1 else colonnes[0]
        ids = [ligne[0] for ligne in liste.order_by(*self.tri)[tranche]]
        par_id = self.charger(Demande.objects.filter(pk__in=ids)).in_bulk()
        return [par_id[pk] for pk in ids if pk in par_id]


FILTRES = {"operateur": FILTRES_REFERENT, "agent": FILTRES_AGENT, "anonyme": FILTRES_ANONYMES}
TITRES = {
    "operateur": "Boîte de réception",
    "agent": "Demandes de ma structure",
    "anonyme": "Demandes (anonymisées)",
}


ECHEANCES = {"24h": "Échéance dans les 24 heures", "depassee": "Échéance dépassée"}


@dataclass
class Criteres:
    """La recherche et les filtres de la liste, lus dans l'adresse (une valeur inconnue est ignorée)."""

    q: str = ""  # numéro, objet (démarche du catalogue) ou nom de la structure
    miennes: bool = False  # référent : celles qu'il a prises en charge ; agent : celles qu'il a ouvertes
    structure: int | None = None
    echeance: str = ""  # un code de ECHEANCES

    @classmethod
    def lire(cls, params) -> "Criteres":
        structure = params.get("structure") or ""
        return cls(
            q=(params.get("q") or "").strip()[:100],
            miennes=params.get("miennes") == "1",
            structure=int(structure) if structure.isascii() and structure.isdigit() and len(structure) < 10 else None,
            echeance=params.get("echeance") if params.get("echeance") in ECHEANCES else "",
        )

    @property
    def actifs(self) -> bool:
        return bool(self.q or self.miennes or self.structure or self.echeance)

    def parametres(self) -> dict:
        """Les critères à garder dans les liens des onglets et de la pagination."""
        valeurs = {"q": self.q, "miennes": "1" if self.miennes else "", "structure": self.structure or ""}
        return {cle: valeur for cle, valeur in {**valeurs, "echeance": self.echeance}.items() if valeur}


def affiner(qs, criteres: Criteres, user, vue, maintenant):
    """Applique la recherche et les filtres à une partie de la liste (jamais sur une donnée chiffrée)."""
    if criteres.q:
        numero = criteres.q.removeprefix("n°").strip()
        condition = Q(objet__libelle__icontains=criteres.q) | Q(structure__nom__icontains=criteres.q)
        if chiffres(numero) and len(numero) < 10:
            condition |= Q(pk=int(numero))
        qs = qs.filter(condition)
    if criteres.miennes:
        qs = qs.filter(prise_en_charge_par=user) if vue == "operateur" else qs.filter(auteur=user)
    if criteres.structure:
        qs = qs.filter(structure_id=criteres.structure)
    if criteres.echeance == "24h":
        qs = qs.sans_reponse().filter(echeance_le__gte=maintenant, echeance_le__lt=maintenant + timedelta(hours=24))
    elif criteres.echeance == "depassee":
        qs = qs.en_retard(maintenant)
    return qs


@dataclass
class ListeDeDemandes:
    titre: str
    filtre: str  # le code de l'onglet choisi
    onglets: list  # {"code", "libelle", "actif", "nombre"}
    page: Page  # ses demandes portent statut_courant, restant et lue
    criteres: Criteres = field(default_factory=Criteres)
    structures: list = field(default_factory=list)  # (id, nom) des structures de la liste, pour le filtre


def _parties(user, vue) -> list:
    if vue == "operateur":
        return permissions_demandes.boite_operateur(user)
    if vue == "agent":
        return [permissions_demandes.demandes_des_structures(user)]
    return [permissions_demandes.demandes_anonymes(user)]


def _decorer(demandes, user, maintenant) -> None:
    """Le statut du moment, le temps ouvré restant et « lue depuis le dernier message » de chaque ligne."""
    # Une requête pour la page (plutôt qu'une sous-requête par ligne triée).
    lectures = dict(
        Lecture.objects.filter(utilisateur=user, demande__in=[d.pk for d in demandes]).values_list(
            "demande_id", "lu_le"
        )
    )
    for demande in demandes:
        demande.statut_courant = demande.statut_au(maintenant)
        # Temps ouvré restant ; une demande en retard affiche la date de son échéance (calcul borné).
        demande.restant = None if demande.statut_courant == Statut.EN_RETARD else demande.heures_restantes(maintenant)
        demande.lue = demande.pk in lectures and lectures[demande.pk] >= demande.dernier_message_le


def liste_de_demandes(user, vue, filtre, numero_page, *, maintenant, criteres=None) -> ListeDeDemandes:
    """La page `numero_page` de la liste `vue` (une de `permissions_demandes.vues_des_demandes(user)`), filtrée
    par l'onglet `filtre` (le premier si le code est inconnu) et par les `criteres` (recherche, filtres)."""
    criteres = criteres or Criteres()
    parties, filtres = _parties(user, vue), FILTRES[vue]
    structures = sorted(
        {
            (pk, nom)
            for partie in parties
            for pk, nom in partie.order_by().values_list("structure_id", "structure__nom").distinct()[:200]
        },
        key=lambda s: s[1],
    )
    parties = [affiner(partie, criteres, user, vue, maintenant) for partie in parties]
    code = filtre if filtre in filtres else next(iter(filtres))
    # Le nombre de chaque onglet (sauf « toutes ») ; celui de l'onglet choisi sert aussi à la pagination.
    nombres = {
        c: sum(f(partie, maintenant).count() for partie in parties) for c, (_, f, _) in filtres.items() if c != "toutes"
    }
    # Une vue anonymisée ne lit même pas la précision sur l'objet (texte libre de l'agent).
    differes = [*Demande.CHAMPS_PERSONNELS, *(["objet_libre"] if vue == "anonyme" else [])]
    _, filtrer, tri = filtres[code]
    selection = ListeTriee(
        [filtrer(partie, maintenant) for partie in parties],
        tri,
        lambda qs: qs.select_related("operateur", "structure", "departement", "objet").defer(*differes),
        nombre=nombres.get(code),
    )
    page = Paginator(selection, PAR_PAGE).get_page(numero_page)
    _decorer(page.object_list, user, maintenant)
    onglets = [
        {"code": c, "libelle": libelle, "actif": c == code, "nombre": nombres.get(c)}
        for c, (libelle, _, _) in filtres.items()
    ]
    return ListeDeDemandes(
        titre=TITRES[vue], filtre=code, onglets=onglets, page=page, criteres=criteres, structures=structures
    )
