"""Les règles de la base de connaissances, pour les vues et les autres applications (bureau de l'agent).

`rechercher(question, limite=10, operateur=None, theme=None)` est l'interface publique de la recherche
(contrat entre applications) : une liste de résultats (fiche, score, extrait surligné).
"""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from guichet.connaissances import recherche, rendu, semantique
from guichet.connaissances.models import Fiche, SourceAutorisee, Theme
from guichet.reseau.models import Operateur
from guichet.temps import jour_local

# Les résultats d'une page (leurs extraits seuls sont calculés) ; au-delà de PAGES_MAX pages, mieux vaut préciser.
PAR_PAGE = 10
PAGES_MAX = 10
# Au-delà, la page avertit que les fiches sont peut-être périmées et dit comment les rafraîchir.
FRAICHEUR_MAX_JOURS = 365
COMMANDE_RAFRAICHIR = "guichet import_fiches CHEMIN --wet-run"


def rechercher(question: str, limite: int = 10, operateur=None, theme=None, mode: str = "auto") -> list:
    """Les fiches qui répondent à la question, les meilleures d'abord : `Resultat(fiche, score, extrait, …)`.

    `operateur` : un Operateur ou son code (caf, france-travail…) ; `theme` : un Theme ou son identifiant (N19810)."""
    return recherche.chercher(question, limite=limite, operateur=operateur, theme=theme, mode=mode).resultats


def reponse(question: str, limite: int = 10, operateur=None, theme=None, mode: str = "auto"):
    """La réponse complète (résultats, sigles développés, corrections, repli sur « n'importe quel mot »)."""
    return recherche.chercher(question, limite=limite, operateur=operateur, theme=theme, mode=mode)


def page_de_resultats(question: str, numero, operateur=None, theme=None, mode: str = "auto") -> tuple:
    """(réponse, page) : les PAR_PAGE résultats de la page demandée (la dernière si elle est au-delà), avec
    leurs extraits ; `page` (django.core.paginator.Page) porte la pagination des PAGES_MAX premières pages."""
    try:
        numero = max(1, min(int(numero or 1), PAGES_MAX))
    except (TypeError, ValueError):
        numero = 1
    filtres = {"operateur": operateur, "theme": theme, "mode": mode, "limite": PAR_PAGE}
    reponse = recherche.chercher(question, decalage=(numero - 1) * PAR_PAGE, **filtres)
    paginateur = Paginator(range(min(reponse.total, PAR_PAGE * PAGES_MAX)), PAR_PAGE)
    if numero > paginateur.num_pages:  # adresse d'une page qui n'existe pas (ou plus) : la dernière
        numero = paginateur.num_pages
        reponse = recherche.chercher(question, decalage=(numero - 1) * PAR_PAGE, **filtres)
    return reponse, Page(reponse.resultats, numero, paginateur)


def hybride_disponible() -> bool:
    return semantique.disponible()


def operateurs_filtrables() -> list:
    """Les opérateurs qui ont au moins un domaine parmi les sources autorisées actives (lus une fois par index :
    les sources autorisées sont dans son empreinte)."""
    return recherche.index_courant().memo(
        "operateurs",
        lambda: list(
            Operateur.objects.filter(
                pk__in=SourceAutorisee.objects.actives().exclude(operateur=None).values("operateur")
            ).order_by("ordre", "nom")
        ),
    )


def themes_principaux() -> list:
    """Les thèmes de premier niveau (Argent, Famille, Papiers - Citoyenneté…) qui ont des fiches (lus une fois
    par index : les thèmes ne changent qu'avec les fiches)."""
    return recherche.index_courant().memo(
        "themes",
        lambda: list(
            Theme.objects.filter(niveau=Theme.Niveau.THEME, parent=None).filter(fiches__isnull=False).distinct()
        ),
    )


def _identifiants_cites(fiche) -> set:
    cites = {lien["identifiant"] for lien in fiche.liens}
    cites |= {r.get("identifiant", "") for r in fiche.ressources}
    for groupe in (fiche.contenu or {}).get("sous_dossiers", []):
        cites |= {m["identifiant"] for m in groupe.get("fiches", [])}
    cites |= {ident for ident, _ in fiche.ariane}

    def parcourir(blocs):
        for b in blocs or []:
            for s in b.get("segments", []):
                if s.get("fiche"):
                    cites.add(s["fiche"])
            if b.get("type") == "service" and b.get("identifiant"):
                cites.add(b["identifiant"])
            parcourir(b.get("blocs"))
            for item in b.get("items", []):
                parcourir(item)
            for c in b.get("cas", []):
                parcourir(c.get("blocs"))
            for r in b.get("rangees", []):
                for cellule in r.get("cellules", []):
                    parcourir(cellule)

    c = fiche.contenu or {}
    for partie in ("introduction", "sections", "avertissements"):
        parcourir(c.get(partie))
    for s in c.get("situations", []):
        parcourir(s.get("blocs"))
    return {i for i in cites if i}


def page_fiche(fiche, ouverts=()) -> dict:
    """Ce que la page d'une fiche affiche : HTML du contenu, liens résolus (vers nos fiches quand elles sont
    importées, sinon vers service-public.fr), ressources, fil d'Ariane ; `ouverts` : les ancres du passage à
    montrer (guichet.connaissances.passages.a_ouvrir)."""
    existants = set(
        Fiche.objects.filter(identifiant__in=_identifiants_cites(fiche)).values_list("identifiant", flat=True)
    )
    parties = rendu.contenu(fiche, existants, ouverts)
    url_fiche = parties.pop("url_fiche")

    def resoudre(liste):
        return [
            {**lien, "url": url_fiche(lien["identifiant"]), "interne": lien["identifiant"] in existants}
            for lien in liste
        ]

    liens = resoudre(fiche.liens)
    sous_dossiers = [
        {"titre": g.get("titre", ""), "fiches": resoudre(g.get("fiches", []))}
        for g in (fiche.contenu or {}).get("sous_dossiers", [])
    ]
    return {
        **parties,
        "voir_aussi": [lien for lien in liens if lien["nature"] in ("voir_aussi", "fiche_liee")],
        "questions": [lien for lien in liens if lien["nature"] in ("question", "comment_faire")],
        "sous_dossiers": sous_dossiers,
        "boutons": [rendu.bouton_ressource(r, url_fiche) for r in fiche.ressources],
        "ariane": [
            {"titre": titre, "url": url_fiche(ident)}
            for ident, titre in fiche.ariane
            if ident.startswith("N") and ident != fiche.identifiant
        ],
        "operateurs": operateurs_de(fiche),
    }


def operateurs_de(fiche):
    """Les opérateurs dont relève une fiche : par les domaines autorisés vers lesquels elle pointe, ou par son
    thème (rattachements des thèmes aux opérateurs) — les mêmes règles que le filtre de la recherche."""
    themes = list(fiche.themes.values_list("identifiant", flat=True))
    return Operateur.objects.filter(
        Q(sources_autorisees__domaine__in=fiche.domaines, sources_autorisees__active=True)
        | Q(themes_fiches__theme__in=themes)
    ).distinct()


def boutons_resultat(fiche, nombre: int = 4) -> list:
    """Les formulaires et services en ligne d'un résultat de recherche, en boutons (les premiers seulement)."""
    if fiche.type == Fiche.Type.RESSOURCE and fiche.url:
        return [rendu.bouton_ressource({"titre": fiche.titre, "url": fiche.url, "cerfa": fiche.numero_cerfa})]
    return [rendu.bouton_ressource(r) for r in fiche.ressources if r.get("url")][:nombre]


@dataclass
class Fraicheur:
    date: date | None  # la fiche la plus récente : la date du corpus
    jours: int = 0

    @property
    def perimee(self) -> bool:
        return self.date is not None and self.jours > FRAICHEUR_MAX_JOURS

    @property
    def mois(self) -> int:
        return self.jours * 12 // 365

    @property
    def commande(self) -> str:
        return COMMANDE_RAFRAICHIR


def fraicheur(aujourd_hui: date | None = None) -> Fraicheur:
    """L'âge du corpus : la date de sa fiche la plus récente (une archive de la DILA est datée par ses fiches),
    lue dans l'index de la recherche (à jour de la base, sans requête de plus)."""
    plus_recente = recherche.index_courant().date_du_corpus
    if plus_recente is None:
        return Fraicheur(None)
    aujourd_hui = aujourd_hui or jour_local(timezone.now())
    return Fraicheur(plus_recente, (aujourd_hui - plus_recente).days)
