"""Les règles de la saisie des accompagnements.

- le référentiel d'un agent : ses structures, les opérateurs qu'elles servent (nationaux et partenaires
  locaux de leur département), le catalogue des démarches, les événements de vie ;
- les suggestions : chaque liste garde son ordre naturel (la mémoire des gestes ne doit pas être
  trompée) ; les réponses les plus probables, d'après les saisies récentes de l'agent (poids 3) et des
  autres agents du lieu (poids 1), sur 30 jours et au plus 200 saisies chacun, forment en plus une
  rangée « Fréquents » distincte, elle-même dans l'ordre naturel (elle ne se réordonne pas) ;
- la recherche dans le catalogue (sans accents, sigles et synonymes des mots-clés) ;
- le parcours pas à pas sans JavaScript (une question à la fois, état dans l'adresse) ;
- l'enregistrement par lots, idempotent (un identifiant déjà connu n'est pas réenregistré) et tout ou
  rien : c'est le même chemin pour l'API, la file hors ligne et le formulaire sans JavaScript.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from guichet import permissions
from guichet.activite import regles
from guichet.activite.models import Accompagnement, Canal
from guichet.activite.regles import CHOIX, VALEURS
from guichet.activite.signaux import accompagnements_crees
from guichet.demarches.models import Demarche, EvenementDeVie
from guichet.reseau.models import Operateur, Structure
from guichet.texte import replier

FENETRE_SUGGESTIONS = timedelta(days=30)
NB_RECENTES = 200
POIDS_AGENT, POIDS_LIEU = 3, 1
NB_DEMARCHES_SUGGEREES = 6
NB_FREQUENTS = 3
# Au-delà, l'ordre d'une question dépend de la démarche choisie (sinon des saisies en général).
MIN_OBSERVATIONS_PAR_DEMARCHE = 3
TAILLE_MAX_LOT = 1000
AUCUNE = "aucune"  # démarche hors catalogue

ETAPES = ("structure", "canal", "operateur", "demarche", "type_aide", "resultat", "duree")
QUESTIONS = {
    "structure": "Dans quelle structure ?",
    "canal": "Par quel canal ?",
    "operateur": "Pour quel opérateur ?",
    "demarche": "Quelle démarche ?",
    "type_aide": "Quel type d'aide ?",
    "resultat": "Quel résultat ?",
    "duree": "Combien de temps ?",
}
LIBELLES = {
    "structure": "Structure",
    "canal": "Canal",
    "operateur": "Opérateur",
    "demarche": "Démarche",
    "type_aide": "Aide",
    "resultat": "Résultat",
    "duree": "Durée",
}
CHAMPS_API = (
    "id",
    "structure",
    "le",
    "canal",
    "operateur",
    "demarche",
    "evenement",
    "type_aide",
    "resultat",
    "duree",
    "tranche_age",
    "premiere_visite",
    "autonomie",
    "besoin_allophone",
    "besoin_handicap",
)
MOTS_VIDES = {"de", "du", "des", "la", "le", "les", "l", "d", "un", "une", "et", "a", "au", "aux", "en", "pour"}


def _identifiant(valeur) -> bool:
    """Un identifiant en chiffres ASCII, de longueur raisonnable (« ² » ou 5 000 chiffres ne passent pas int())."""
    texte = str(valeur or "")
    return texte.isascii() and texte.isdigit() and len(texte) <= 18


def normaliser(texte: str) -> str:
    """Minuscules, sans accents, ponctuation remplacée par des espaces : « Pré-demande CNI » → « pre demande cni »."""
    return " ".join("".join(c if c.isalnum() else " " for c in replier(texte)).split())


# Référentiel d'un agent


@dataclass
class Referentiel:
    """Ce qu'un agent peut saisir : lu en quelques requêtes, une fois par page ou par lot."""

    structures: dict  # id → Structure (avec commune)
    par_matricule: dict  # matricule → Structure
    operateurs: dict  # code → Operateur
    demarches: dict  # (operateur_id, code) → Demarche
    evenements: dict  # code → EvenementDeVie

    @classmethod
    def pour(cls, user) -> "Referentiel":
        structures = {
            s.pk: s
            for s in permissions.structures_de_l_agent(user)
            .select_related("commune")
            .order_by("nom")
            .only("pk", "nom", "matricule", "forme", "commune__departement_id")
        }
        departements = {s.commune.departement_id for s in structures.values()}
        operateurs = {o.code: o for o in Operateur.objects.joignables_dans(departements)}
        ids_operateurs = {o.pk for o in operateurs.values()}
        demarches = {
            (d.operateur_id, d.code): d
            for d in Demarche.objects.actives().filter(operateur_id__in=ids_operateurs).order_by("ordre", "libelle")
        }
        evenements = {e.code: e for e in EvenementDeVie.objects.all()}
        return cls(
            structures=structures,
            par_matricule={s.matricule: s for s in structures.values()},
            operateurs=operateurs,
            demarches=demarches,
            evenements=evenements,
        )

    def operateurs_de(self, structure) -> list[Operateur]:
        """Les opérateurs nationaux et les partenaires locaux du département de la structure, dans l'ordre."""
        departement = structure.commune.departement_id
        return sorted(
            (o for o in self.operateurs.values() if o.joignable_dans(departement)),
            key=lambda o: (not o.national, o.ordre, o.nom),
        )

    def operateur_permis(self, operateur, structure) -> bool:
        return regles.operateur_permis(operateur, structure)

    def demarches_de(self, operateur) -> list[Demarche]:
        return [d for (op, _), d in self.demarches.items() if op == operateur.pk]

    def structure(self, valeur) -> Structure | None:
        """Une structure de l'agent, par identifiant (entier ou chaîne de chiffres) ou par matricule."""
        if isinstance(valeur, bool):
            return None
        if isinstance(valeur, int):
            return self.structures.get(valeur)
        if isinstance(valeur, str) and _identifiant(valeur):
            return self.structures.get(int(valeur))
        if isinstance(valeur, str):
            return self.par_matricule.get(valeur.strip())
        return None


def index_recherche(demarche: Demarche, operateur: Operateur) -> str:
    return normaliser(f"{demarche.libelle} {demarche.mots_cles} {operateur.nom} {operateur.code}")


def rechercher_demarches(question: str, demarches: list[tuple[Demarche, str]], limite: int = 12) -> list[Demarche]:
    """Les démarches dont chaque mot de la question commence un mot du libellé, des mots-clés ou de
    l'opérateur (sans accents) ; les correspondances exactes d'abord. `demarches` : (démarche, index)."""
    mots = normaliser(question).split()
    utiles = [m for m in mots if m not in MOTS_VIDES] or mots
    if not utiles:
        return []
    trouvees = []
    for rang, (demarche, index) in enumerate(demarches):
        mots_index = index.split()
        score = 0
        for mot in utiles:
            if mot in mots_index:
                score += 2
            elif any(m.startswith(mot) for m in mots_index):
                score += 1
            else:
                break
        else:
            trouvees.append((-score, rang, demarche))
    trouvees.sort(key=lambda t: t[:2])
    return [d for _, _, d in trouvees[:limite]]


# Suggestions


def cle_demarche(operateur_code: str, demarche_code: str | None) -> str:
    return f"{operateur_code}:{demarche_code or AUCUNE}"


@dataclass
class Suggestions:
    """Scores des réponses (plus haut = plus probable), par question, et par démarche pour les questions suivantes."""

    scores: dict = field(default_factory=dict)  # question → Counter(valeur → score)
    par_demarche: dict = field(default_factory=dict)  # clé de démarche → question → Counter

    def frequents(self, question: str, valeurs: list, demarche: str | None = None) -> list:
        """Les `NB_FREQUENTS` réponses les plus choisies (jamais une réponse qu'on n'a pas vue), rendues
        dans l'ordre naturel de `valeurs` : la rangée « Fréquents » ne change pas de place à chaque visite."""
        scores = self.scores.get(question, Counter())
        propres = self.par_demarche.get(demarche, {}).get(question) if demarche else None
        if propres and sum(propres.values()) >= MIN_OBSERVATIONS_PAR_DEMARCHE * POIDS_LIEU:
            scores = propres
        rangs = {v: i for i, v in enumerate(valeurs)}
        vues = [v for v in valeurs if scores.get(v, 0) > 0]
        retenues = set(sorted(vues, key=lambda v: (-scores[v], rangs[v]))[:NB_FREQUENTS])
        return [v for v in valeurs if v in retenues]

    def demarches_frequentes(self, nombre=NB_DEMARCHES_SUGGEREES) -> list[str]:
        return [
            cle for cle, _ in self.scores.get("demarche", Counter()).most_common() if not cle.endswith(":" + AUCUNE)
        ][:nombre]

    def en_json(self) -> dict:
        return {
            "scores": {q: dict(c) for q, c in self.scores.items()},
            "par_demarche": {d: {q: dict(c) for q, c in qs.items()} for d, qs in self.par_demarche.items()},
        }


def suggestions(user, structure, ref: Referentiel) -> Suggestions:
    """Les saisies récentes de l'agent (toutes ses structures, poids 3) et des autres agents du lieu (poids 1)."""
    depuis = timezone.now() - FENETRE_SUGGESTIONS
    champs = ("canal", "operateur_id", "demarche_id", "type_aide", "resultat", "duree", "evenement_id")
    recentes = Accompagnement.objects.filter(le__gte=depuis).order_by("-le").values_list(*champs)
    lignes = [(POIDS_AGENT, r) for r in recentes.filter(agent=user)[:NB_RECENTES]]
    if structure is not None:
        lignes += [(POIDS_LIEU, r) for r in recentes.filter(structure=structure).exclude(agent=user)[:NB_RECENTES]]
    codes_operateurs = {o.pk: o.code for o in ref.operateurs.values()}
    codes_demarches = {d.pk: d.code for d in ref.demarches.values()}
    codes_evenements = {e.pk: e.code for e in ref.evenements.values()}
    s = Suggestions(scores={q: Counter() for q in ("canal", "operateur", "demarche", "type_aide", "resultat", "duree")})
    s.scores["evenement"] = Counter()
    for poids, (canal, operateur_id, demarche_id, type_aide, resultat, duree, evenement_id) in lignes:
        operateur = codes_operateurs.get(operateur_id)
        if operateur is None:
            continue
        demarche = cle_demarche(operateur, codes_demarches.get(demarche_id))
        s.scores["canal"][canal] += poids
        s.scores["operateur"][operateur] += poids
        s.scores["demarche"][demarche] += poids
        propres = s.par_demarche.setdefault(demarche, {q: Counter() for q in ("type_aide", "resultat", "duree")})
        for question, valeur in (("type_aide", type_aide), ("resultat", resultat), ("duree", duree)):
            s.scores[question][valeur] += poids
            propres[question][valeur] += poids
        if evenement_id in codes_evenements:
            s.scores["evenement"][codes_evenements[evenement_id]] += poids
    return s


def canal_par_defaut(structure, s: Suggestions) -> str:
    """Le canal le plus fréquent, sinon celui que la forme de la structure suggère."""
    frequents = s.scores.get("canal")
    if frequents:
        return frequents.most_common(1)[0][0]
    if structure is not None and structure.forme == Structure.Forme.ITINERANTE:
        return Canal.ITINERANCE
    if structure is not None and structure.forme == Structure.Forme.MULTISITE:
        return Canal.PERMANENCE
    return Canal.ACCUEIL


def derniere_saisie(user, ref: Referentiel) -> Accompagnement | None:
    """Le dernier accompagnement de l'agent dans une de ses structures (pour « Comme la dernière fois »)."""
    return (
        Accompagnement.objects.filter(agent=user, structure_id__in=list(ref.structures))
        .select_related("operateur", "demarche")
        .order_by("-le")
        .first()
    )


def valeurs_de(accompagnement: Accompagnement) -> dict:
    """Les réponses d'un accompagnement, en codes (celles que « Comme la dernière fois » reprend)."""
    return {
        "structure": str(accompagnement.structure_id),
        "canal": accompagnement.canal,
        "operateur": accompagnement.operateur.code,
        "demarche": accompagnement.demarche.code if accompagnement.demarche else AUCUNE,
        "type_aide": accompagnement.type_aide,
        "resultat": accompagnement.resultat,
        "duree": accompagnement.duree,
    }


# Le parcours pas à pas (sans JavaScript ; le script de la page suit les mêmes règles côté navigateur)


@dataclass
class Parcours:
    """Les réponses déjà données (codes), la question posée et ses réponses, les plus probables d'abord."""

    valeurs: dict
    etape: str
    question: str = ""
    reponses: list = field(default_factory=list)  # (valeur, libellé)
    suggerees: list = field(default_factory=list)  # démarches fréquentes : (« op:code », libellé)
    frequents: list = field(default_factory=list)  # la rangée « Fréquents » : (valeur, libellé)
    structure: Structure | None = None
    libelles: dict = field(default_factory=dict)  # question → libellé de la réponse

    modifiables: tuple = ETAPES  # les questions que l'agent peut reprendre (pas la structure s'il n'en a qu'une)

    @property
    def recapitulatif(self) -> list[tuple[str, str, str, str]]:
        """(question, intitulé court, libellé de la réponse, adresse pour la reprendre ou "") des réponses
        données, dans l'ordre du parcours."""
        return [
            (
                q,
                LIBELLES[q],
                self.libelles[q],
                "?" + urlencode({**self.valeurs, "etape": q}) if q in self.modifiables else "",
            )
            for q in ETAPES
            if q in self.valeurs and q in self.libelles
        ]

    @property
    def cachees(self) -> list[tuple[str, str]]:
        """Les réponses données, à reporter en champs cachés dans le formulaire de la question posée."""
        return [(q, v) for q, v in self.valeurs.items() if q != self.etape]


class Saisie:
    """Tout ce qu'il faut pour la page de saisie d'un agent : référentiel, suggestions, dernière saisie."""

    def __init__(self, user, structure_id=None):
        self.user = user
        self.ref = Referentiel.pour(user)
        self.structure = self.ref.structures.get(int(structure_id)) if _identifiant(structure_id) else None
        self.derniere = derniere_saisie(user, self.ref)
        if self.structure is None and len(self.ref.structures) == 1:
            self.structure = next(iter(self.ref.structures.values()))
        if self.structure is None and self.derniere is not None:
            self.structure = self.ref.structures.get(self.derniere.structure_id)
        self.suggestions = suggestions(user, self.structure, self.ref)

    # Lecture de l'état (adresse ou formulaire)

    def parcours(self, params) -> Parcours:
        valeurs = {}
        if self.structure is not None:
            valeurs["structure"] = str(self.structure.pk)
        valeurs["canal"] = canal_par_defaut(self.structure, self.suggestions)
        if params.get("canal") in Canal.values:
            valeurs["canal"] = params["canal"]
        choix = params.get("choix", "")
        operateur_code, _, demarche_code = choix.partition(":") if choix else (params.get("operateur"), "", "")
        demarche_code = demarche_code or params.get("demarche")
        operateur = self.ref.operateurs.get(operateur_code or "")
        if (
            operateur is not None
            and self.structure is not None
            and self.ref.operateur_permis(operateur, self.structure)
        ):
            valeurs["operateur"] = operateur.code
            demarches = self.ref.demarches_de(operateur)
            if not demarches or demarche_code == AUCUNE:
                valeurs["demarche"] = AUCUNE
            elif (operateur.pk, demarche_code) in self.ref.demarches:
                valeurs["demarche"] = demarche_code
        for question in ("type_aide", "resultat", "duree"):
            if params.get(question) in CHOIX[question].values:
                valeurs[question] = params[question]

        forcee = params.get("etape")
        if forcee in ETAPES and forcee != "duree" and not (forcee == "structure" and len(self.ref.structures) < 2):
            valeurs.pop(forcee, None)
            if forcee == "operateur":
                valeurs.pop("demarche", None)
            etape = forcee
        else:
            etape = next((q for q in ETAPES if q not in valeurs), "duree")
        p = Parcours(valeurs=valeurs, etape=etape, question=QUESTIONS[etape], structure=self.structure)
        if len(self.ref.structures) < 2:
            p.modifiables = ETAPES[1:]
        p.libelles = self.libelles(valeurs)
        p.reponses = self.reponses(etape, valeurs)
        p.frequents = self.frequents(etape, valeurs, p.reponses)
        if etape == "operateur":
            p.suggerees = [(cle, self.libelle_demarche(cle)) for cle in self.demarches_frequentes()]
        return p

    def cle_courante(self, valeurs) -> str | None:
        return cle_demarche(valeurs["operateur"], valeurs["demarche"]) if "demarche" in valeurs else None

    def reponses(self, etape, valeurs) -> list[tuple[str, str]]:
        """Les réponses de la question, dans leur ordre naturel (celui du catalogue ou des choix)."""
        if etape == "structure":
            return [(str(pk), st.nom) for pk, st in self.ref.structures.items()]
        if etape == "operateur":
            operateurs = self.ref.operateurs_de(self.structure) if self.structure else []
            return [(o.code, o.nom) for o in operateurs]
        if etape == "demarche":
            operateur = self.ref.operateurs[valeurs["operateur"]]
            return [(d.code, d.libelle) for d in self.ref.demarches_de(operateur)] + [(AUCUNE, "Autre démarche")]
        choix = CHOIX[etape]
        return [(v, choix(v).label) for v in choix.values]

    def frequents(self, etape, valeurs, reponses) -> list[tuple[str, str]]:
        """La rangée « Fréquents » d'une question (vide pour la structure et l'opérateur : à l'étape de
        l'opérateur, ce sont les démarches fréquentes qui en tiennent lieu)."""
        if etape in ("structure", "operateur"):
            return []
        if etape == "demarche":
            operateur = valeurs["operateur"]
            cles = [cle_demarche(operateur, v) for v, _ in reponses if v != AUCUNE]
            retenues = {c.partition(":")[2] for c in self.suggestions.frequents("demarche", cles)}
        else:
            retenues = set(self.suggestions.frequents(etape, [v for v, _ in reponses], self.cle_courante(valeurs)))
        return [(v, libelle) for v, libelle in reponses if v in retenues]

    def demarches_frequentes(self) -> list[str]:
        permis = {o.code for o in self.ref.operateurs_de(self.structure)} if self.structure else set()
        return [c for c in self.suggestions.demarches_frequentes(20) if c.split(":")[0] in permis][
            :NB_DEMARCHES_SUGGEREES
        ]

    def libelle_demarche(self, cle: str) -> str:
        operateur_code, _, code = cle.partition(":")
        operateur = self.ref.operateurs[operateur_code]
        demarche = self.ref.demarches.get((operateur.pk, code))
        return f"{operateur.nom} — {demarche.libelle if demarche else 'autre démarche'}"

    def libelles(self, valeurs) -> dict:
        libelles = {}
        for question, valeur in valeurs.items():
            if question == "structure":
                libelles[question] = self.ref.structures[int(valeur)].nom
            elif question == "operateur":
                libelles[question] = self.ref.operateurs[valeur].nom
            elif question == "demarche":
                operateur = self.ref.operateurs[valeurs["operateur"]]
                d = self.ref.demarches.get((operateur.pk, valeur))
                libelles[question] = d.libelle if d else "Autre démarche"
            elif question in CHOIX:
                libelles[question] = CHOIX[question](valeur).label
        return libelles

    def rechercher(self, question: str) -> list[tuple[str, str]]:
        """Recherche dans le catalogue des opérateurs de la structure : (« op:code », « Opérateur — démarche »)."""
        if self.structure is None:
            return []
        permis = {o.pk: o for o in self.ref.operateurs_de(self.structure)}
        index = [
            (d, index_recherche(d, permis[d.operateur_id]))
            for d in self.ref.demarches.values()
            if d.operateur_id in permis
        ]
        return [
            (cle_demarche(permis[d.operateur_id].code, d.code), f"{permis[d.operateur_id].nom} — {d.libelle}")
            for d in rechercher_demarches(question, index)
        ]

    # Données pour le script de la page (rendu et file hors ligne côté navigateur)

    def en_json(self) -> dict:
        ref = self.ref
        operateurs = {o.pk: o for o in ref.operateurs.values()}
        return {
            "agent": self.user.pk,
            "structures": [
                {
                    "id": s.pk,
                    "nom": s.nom,
                    "departement": s.commune.departement_id,
                    "defaut_canal": canal_par_defaut(s, self.suggestions),
                }
                for s in ref.structures.values()
            ],
            "structure": self.structure.pk if self.structure else None,
            "operateurs": [
                {"code": o.code, "nom": o.nom, "departement": None if o.national else o.departement_id}
                for o in sorted(ref.operateurs.values(), key=lambda o: (not o.national, o.ordre, o.nom))
            ],
            "demarches": [
                {
                    "cle": cle_demarche(operateurs[d.operateur_id].code, d.code),
                    "operateur": operateurs[d.operateur_id].code,
                    "code": d.code,
                    "libelle": d.libelle,
                    "index": index_recherche(d, operateurs[d.operateur_id]),
                }
                for d in ref.demarches.values()
            ],
            "evenements": [{"code": e.code, "libelle": e.libelle} for e in ref.evenements.values()],
            "choix": {q: [[v, label] for v, label in c.choices] for q, c in CHOIX.items()},
            "questions": QUESTIONS,
            "libelles": LIBELLES,
            "mots_vides": sorted(MOTS_VIDES),
            "suggestions": self.suggestions.en_json(),
            "min_par_demarche": MIN_OBSERVATIONS_PAR_DEMARCHE * POIDS_LIEU,
            "derniere": {**valeurs_de(self.derniere), "le": self.derniere.le.isoformat()} if self.derniere else None,
        }


# Enregistrement (API, file hors ligne, formulaire)


@dataclass
class Erreur:
    index: int | None
    champ: str
    message: str
    interdit: bool = False  # l'erreur tient aux droits de l'agent (403), pas au contenu (422)

    def en_json(self) -> dict:
        return {"index": self.index, "champ": self.champ, "message": self.message}


class LotInvalide(Exception):
    """Le lot est refusé en entier ; `interdit` si une erreur tient aux droits (structure d'un autre lieu)."""

    def __init__(self, erreurs: list[Erreur], interdit: bool = False):
        super().__init__("; ".join(f"[{e.index}] {e.champ} : {e.message}" for e in erreurs))
        self.erreurs = erreurs
        self.interdit = interdit


CREE, DEJA_PRESENT = "cree", "deja_present"


@dataclass
class Ligne:
    index: int
    id: uuid.UUID
    statut: str  # CREE ou DEJA_PRESENT


def _cite(valeur) -> str:
    """Une valeur reçue, citée dans un message (raccourcie : le message ne renvoie pas un corps entier)."""
    texte = str(valeur)
    return texte if len(texte) <= 60 else texte[:60] + "…"


def _choix(item, champ, erreurs, index, obligatoire=True, defaut=""):
    valeur = item.get(champ)
    if valeur in (None, ""):
        if obligatoire:
            erreurs.append(Erreur(index, champ, "champ obligatoire."))
        return defaut
    if not isinstance(valeur, str) or valeur not in VALEURS[champ]:
        permis = regles.valeurs_permises(champ)
        erreurs.append(Erreur(index, champ, f"valeur « {_cite(valeur)} » inconnue (valeurs permises : {permis})."))
        return defaut
    return valeur


def _booleen(item, champ, erreurs, index, nul=False):
    valeur = item.get(champ)
    if valeur is None:
        return None if nul else False
    if not isinstance(valeur, bool):
        erreurs.append(Erreur(index, champ, "attendu true ou false" + (" ou null." if nul else ".")))
        return None
    return valeur


def lire_accompagnement(item, index: int, ref: Referentiel, user, maintenant) -> tuple[Accompagnement | None, list]:
    """Valide un accompagnement reçu (codes) ; renvoie l'objet à créer ou les erreurs (index, champ, message)."""
    if not isinstance(item, dict):
        return None, [Erreur(index, "", "chaque accompagnement doit être un objet JSON.")]
    erreurs = []
    inconnus = sorted(set(item) - set(CHAMPS_API))
    if inconnus:
        erreurs.append(Erreur(index, _cite(inconnus[0]), f"champ inconnu (champs permis : {', '.join(CHAMPS_API)})."))
    composes = [champ for champ in CHAMPS_API if isinstance(item.get(champ), dict | list)]
    if composes:
        # Une liste ou un objet à la place d'une valeur (éventuellement imbriqués sur des milliers de
        # niveaux) : refusés sans être lus ni recopiés dans le message.
        erreurs += [
            Erreur(index, champ, "valeur simple attendue (texte, nombre, booléen ou null), pas une liste ni un objet.")
            for champ in composes
        ]
        return None, erreurs

    identifiant = None
    try:
        identifiant = uuid.UUID(str(item["id"]))
    except KeyError:
        erreurs.append(Erreur(index, "id", "champ obligatoire : un UUID créé par le client."))
    except ValueError:
        erreurs.append(Erreur(index, "id", f"« {_cite(item['id'])} » n'est pas un UUID."))

    structure = None
    if item.get("structure") in (None, ""):
        if len(ref.structures) == 1:
            structure = next(iter(ref.structures.values()))
        else:
            erreurs.append(Erreur(index, "structure", "champ obligatoire : vous saisissez pour plusieurs structures."))
    elif isinstance(item["structure"], bool) or not isinstance(item["structure"], str | int):
        erreurs.append(
            Erreur(index, "structure", "attendu le matricule (texte) ou l'identifiant (entier) de la structure.")
        )
    else:
        structure = ref.structure(item["structure"])
        if structure is None:
            message = f"« {_cite(item['structure'])} » : vous n'êtes ni conseiller ni responsable de cette structure."
            erreurs.append(Erreur(index, "structure", message, interdit=True))

    le = maintenant
    if item.get("le") not in (None, ""):
        lu, message = regles.lire_date(item["le"])
        message = message or regles.verifier_date(lu, maintenant)
        if message:
            erreurs.append(Erreur(index, "le", message))
        else:
            le = lu

    canal = _choix(item, "canal", erreurs, index, obligatoire=False, defaut=Canal.ACCUEIL)
    operateur = demarche = evenement = None
    code_operateur = item.get("operateur")
    if code_operateur in (None, ""):
        erreurs.append(Erreur(index, "operateur", "champ obligatoire : le code de l'opérateur (par exemple « caf »)."))
    else:
        operateur = ref.operateurs.get(code_operateur) if isinstance(code_operateur, str) else None
        if operateur is None or (structure is not None and not ref.operateur_permis(operateur, structure)):
            erreurs.append(
                Erreur(index, "operateur", f"opérateur « {_cite(code_operateur)} » inconnu pour cette structure.")
            )
            operateur = None
    code_demarche = item.get("demarche")
    if code_demarche not in (None, "", AUCUNE) and operateur is not None:
        demarche = ref.demarches.get((operateur.pk, code_demarche)) if isinstance(code_demarche, str) else None
        if demarche is None:
            erreurs.append(
                Erreur(
                    index,
                    "demarche",
                    f"démarche « {_cite(code_demarche)} » inconnue pour l'opérateur « {operateur.code} ».",
                )
            )
    if item.get("evenement") not in (None, ""):
        evenement = ref.evenements.get(item["evenement"]) if isinstance(item["evenement"], str) else None
        if evenement is None:
            erreurs.append(Erreur(index, "evenement", f"événement de vie « {_cite(item['evenement'])} » inconnu."))

    valeurs = {champ: _choix(item, champ, erreurs, index) for champ in ("type_aide", "resultat", "duree")}
    for champ in ("tranche_age", "autonomie"):
        valeurs[champ] = _choix(item, champ, erreurs, index, obligatoire=False)
    valeurs["premiere_visite"] = _booleen(item, "premiere_visite", erreurs, index, nul=True)
    valeurs["besoin_allophone"] = _booleen(item, "besoin_allophone", erreurs, index)
    valeurs["besoin_handicap"] = _booleen(item, "besoin_handicap", erreurs, index)
    if erreurs:
        return None, erreurs
    return (
        Accompagnement(
            id=identifiant,
            structure=structure,
            agent=user,
            le=le,
            canal=canal,
            operateur=operateur,
            demarche=demarche,
            evenement=evenement,
            **valeurs,
        ),
        [],
    )


def enregistrer_lot(user, items: list) -> list[Ligne]:
    """Enregistre un lot d'accompagnements, tout ou rien ; un identifiant déjà enregistré (ou répété
    dans le lot) n'est pas réenregistré et revient « deja_present ». Lève LotInvalide."""
    if not permissions.peut_saisir(user):
        raise LotInvalide(
            [Erreur(None, "structure", "vous n'êtes conseiller ni responsable d'aucune structure.")], True
        )
    if not items:
        raise LotInvalide([Erreur(None, "", "le lot est vide.")])
    if len(items) > TAILLE_MAX_LOT:
        raise LotInvalide(
            [Erreur(None, "", f"au plus {TAILLE_MAX_LOT} accompagnements par envoi ({len(items)} reçus).")]
        )
    ref = Referentiel.pour(user)
    maintenant = timezone.now()
    objets, erreurs = [], []
    for index, item in enumerate(items):
        objet, erreurs_item = lire_accompagnement(item, index, ref, user, maintenant)
        erreurs += erreurs_item
        objets.append(objet)
    if erreurs:
        raise LotInvalide(erreurs, any(e.interdit for e in erreurs))

    lignes, a_creer, vus = [], [], set()
    with transaction.atomic():
        ids = [o.id for o in objets]
        existants = set()
        for debut in range(0, len(ids), 500):
            existants.update(
                Accompagnement.objects.filter(pk__in=ids[debut : debut + 500]).values_list("pk", flat=True)
            )
        for index, objet in enumerate(objets):
            nouveau = objet.id not in existants and objet.id not in vus
            vus.add(objet.id)
            lignes.append(Ligne(index, objet.id, CREE if nouveau else DEJA_PRESENT))
            if nouveau:
                a_creer.append(objet)
        # ignore_conflicts : un envoi concurrent du même identifiant ne fait pas échouer le lot.
        Accompagnement.objects.bulk_create(a_creer, batch_size=500, ignore_conflicts=True)
    if a_creer:
        # bulk_create n'envoie pas les signaux des modèles : l'activité annonce ses créations.
        accompagnements_crees.send(sender=Accompagnement, immediat=False)
    return lignes


# « Annuler » juste après l'enregistrement : l'agent a quelques secondes (la page montre le bouton 10 s ;
# le serveur accepte un peu plus, pour un réseau lent), ensuite on passe par « Mes saisies ».
DELAI_ANNULATION = timedelta(seconds=30)


def annulable(user, identifiant, maintenant=None) -> Accompagnement | None:
    """L'accompagnement que `user` vient d'enregistrer et peut encore annuler, sinon None."""
    try:
        identifiant = uuid.UUID(str(identifiant))
    except ValueError:
        return None
    maintenant = maintenant or timezone.now()
    return Accompagnement.objects.filter(pk=identifiant, agent=user, cree_le__gte=maintenant - DELAI_ANNULATION).first()


def annuler(user, identifiant, maintenant=None) -> bool:
    """Annule (supprime vraiment) un accompagnement que `user` vient d'enregistrer ; False si ce n'est
    pas (ou plus) possible : celui d'un autre, inconnu, ou enregistré depuis plus que le délai."""
    accompagnement = annulable(user, identifiant, maintenant)
    if accompagnement is None:
        return False
    accompagnement.delete()  # instance.delete() : les statistiques suivent par le signal post_delete
    return True


def donnees_du_formulaire(post) -> dict:
    """Un accompagnement saisi sans JavaScript (formulaire POST) en objet de l'API."""
    item = {champ: post.get(champ) or None for champ in CHAMPS_API if champ not in ("le", "premiere_visite")}
    item["premiere_visite"] = {"oui": True, "non": False}.get(post.get("premiere_visite"))
    item["besoin_allophone"] = bool(post.get("besoin_allophone"))
    item["besoin_handicap"] = bool(post.get("besoin_handicap"))
    return item
