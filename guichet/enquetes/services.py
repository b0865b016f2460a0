"""Les enquêtes : enregistrer une réponse (anonyme), calculer les résultats sous le secret statistique,
enregistrer et lire les évaluations du back-office des opérateurs.

Résultats : à chaque niveau (national, région, département, structure), pour chaque question, le nombre
de réponses, la moyenne et la répartition des notes, ou celle des choix ; chaque chiffre avec son
effectif et sa période. Le secret est celui des données ouvertes (`statistiques.secret`) : une case
de moins de SEUIL réponses n'est pas montrée, ni la case qui permettrait de la retrouver par différence
(masquage secondaire dans la ligne) ; dans le tableau par territoire, une ligne de moins de SEUIL
réponses est masquée entière, et d'autres avec elle tant que les masquées somment à moins que le seuil
(le total est publié au-dessus). Les textes libres (déjà masqués à l'écriture) ne sont rendus qu'à
l'équipe nationale, et seulement à partir de SEUIL réponses au niveau demandé.

Les chiffres se lisent dans des comptes (`CompteQuestionnaires`, `Compte` : par campagne × structure, et
question × modalité, avec le département de la structure), jamais dans les réponses une à une :
`enregistrer_reponse`, le seul écrivain des réponses, les tient dans la même transaction (un INSERT …
ON CONFLICT qui ajoute, sans verrou applicatif) ; `recompter` les reconstruit depuis les réponses (après
un chargement en masse ; commande `guichet recompter_enquetes`). Les niveaux supérieurs somment les
comptes de leurs structures en SQL (quelques dizaines de milliers de lignes au national, quel que soit
le nombre de réponses).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Max, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from guichet.enquetes.masquage import masquer_texte
from guichet.enquetes.models import (
    CRITERES_OPERATEUR,
    Campagne,
    Compte,
    CompteQuestionnaires,
    EvaluationOperateur,
    Nature,
    Participation,
    Public,
    Question,
    Reponse,
    Valeur,
)
from guichet.reseau.models import Operateur, Structure
from guichet.statistiques.secret import LIGNE, SEUIL, masquer
from guichet.territoires.models import Departement, Region

NIVEAUX = ("national", "region", "departement", "structure")
TEXTES_MONTRES = 200  # les réponses libres les plus récentes, sur la page


class DejaRepondu(Exception):
    """Ce conseiller a déjà répondu à cette campagne."""


# Écriture


def valeurs_depuis_formulaire(campagne: Campagne, donnees: dict) -> list[Valeur]:
    """Les valeurs (non enregistrées) d'un formulaire de réponse validé : `donnees` {question_pk: valeur}."""
    valeurs = []
    for question in campagne.questions.all():
        brute = donnees.get(question.pk)
        if brute in (None, ""):
            continue
        if question.nature == Nature.ECHELLE:
            valeurs.append(Valeur(question=question, note=int(brute)))
        elif question.nature == Nature.CHOIX:
            valeurs.append(Valeur(question=question, choix=str(brute)))
        elif str(brute).strip():
            valeurs.append(Valeur(question=question, texte=str(brute).strip()))
    return valeurs


@transaction.atomic
def enregistrer_reponse(campagne: Campagne, structure: Structure, valeurs: list[Valeur], agent=None) -> Reponse:
    """Enregistre un questionnaire rempli, daté du jour seulement, ses textes libres masqués (le seul
    chemin d'écriture des réponses). Pour un conseiller (`agent`), écrit aussi qu'il a répondu (sans lien
    avec la réponse) ; DejaRepondu s'il l'a déjà fait."""
    jour = timezone.localdate()
    if agent is not None:
        try:
            with transaction.atomic():
                Participation.objects.create(campagne=campagne, utilisateur=agent, le=jour)
        except IntegrityError as erreur:
            raise DejaRepondu from erreur
    reponse = Reponse.objects.create(campagne=campagne, structure=structure, le=jour)
    for valeur in valeurs:
        valeur.reponse = reponse
        valeur.structure = structure
        valeur.texte = masquer_texte(valeur.texte)
    Valeur.objects.bulk_create(valeurs)
    _compter(reponse, valeurs)
    return reponse


def _modalite(valeur) -> str:
    """La modalité comptée d'une valeur : sa note (« 4 »), son choix, ou "" pour un texte."""
    return str(valeur.note) if valeur.note is not None else valeur.choix


def _compter(reponse: Reponse, valeurs: list[Valeur]) -> None:
    """Ajoute un questionnaire et ses valeurs aux comptes de sa structure (un seul INSERT … ON CONFLICT par
    table : deux réponses simultanées s'ajoutent sans se perdre, en SQLite comme en PostgreSQL)."""
    departement_id = Structure.objects.filter(pk=reponse.structure_id).values_list("commune__departement_id")[0][0]
    nom = connection.ops.quote_name
    questionnaires = nom(CompteQuestionnaires._meta.db_table)
    comptes = nom(Compte._meta.db_table)
    with connection.cursor() as curseur:
        curseur.execute(
            f"INSERT INTO {questionnaires} (campagne_id, structure_id, departement_id, nombre, premier, dernier) "
            "VALUES (%s, %s, %s, 1, %s, %s) ON CONFLICT (campagne_id, structure_id) DO UPDATE SET "
            f"nombre = {questionnaires}.nombre + 1, "
            f"premier = CASE WHEN excluded.premier < {questionnaires}.premier "
            f"THEN excluded.premier ELSE {questionnaires}.premier END, "
            f"dernier = CASE WHEN excluded.dernier > {questionnaires}.dernier "
            f"THEN excluded.dernier ELSE {questionnaires}.dernier END",
            [reponse.campagne_id, reponse.structure_id, departement_id, reponse.le, reponse.le],
        )
        lignes = [
            (reponse.campagne_id, reponse.structure_id, departement_id, v.question_id, _modalite(v))
            for v in valeurs
            if v.note is not None or v.choix or v.texte
        ]
        if lignes:
            curseur.execute(
                f"INSERT INTO {comptes} (campagne_id, structure_id, departement_id, question_id, modalite, nombre) "
                "VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, 1)"] * len(lignes))
                + " ON CONFLICT (campagne_id, structure_id, question_id, modalite) DO UPDATE SET "
                f"nombre = {comptes}.nombre + 1",
                [champ for ligne in lignes for champ in ligne],
            )


@transaction.atomic
def recompter(campagnes=None) -> int:
    """Reconstruit les comptes depuis les réponses (toutes les campagnes, ou celles données) ; renvoie le
    nombre de lignes de comptes écrites."""
    reponses = Reponse.objects.all()
    valeurs = Valeur.objects.all()
    anciens_q = CompteQuestionnaires.objects.all()
    anciens = Compte.objects.all()
    if campagnes is not None:
        reponses = reponses.filter(campagne__in=campagnes)
        valeurs = valeurs.filter(reponse__campagne__in=campagnes)
        anciens_q = anciens_q.filter(campagne__in=campagnes)
        anciens = anciens.filter(campagne__in=campagnes)
    anciens_q.delete()
    anciens.delete()
    valeurs.filter(structure__isnull=True).update(  # écrites en masse sans leur structure
        structure_id=Subquery(Reponse.objects.filter(pk=OuterRef("reponse_id")).values("structure_id")[:1])
    )
    questionnaires = [
        CompteQuestionnaires(
            campagne_id=ligne["campagne_id"],
            structure_id=ligne["structure_id"],
            departement_id=ligne["structure__commune__departement_id"],
            nombre=ligne["n"],
            premier=ligne["premier"],
            dernier=ligne["dernier"],
        )
        for ligne in reponses.values("campagne_id", "structure_id", "structure__commune__departement_id")
        .annotate(n=Count("pk"), premier=Min("le"), dernier=Max("le"))
        .order_by()
    ]
    CompteQuestionnaires.objects.bulk_create(questionnaires, batch_size=5000)
    departements = {q.structure_id: q.departement_id for q in questionnaires}
    cles = ("reponse__campagne_id", "reponse__structure_id", "question_id")
    comptes = []
    fermees = valeurs.filter(texte="").exclude(note__isnull=True, choix="")
    for groupe in (fermees.values(*cles, "note", "choix"), valeurs.exclude(texte="").values(*cles)):
        for ligne in groupe.annotate(n=Count("pk")).order_by():
            modalite = str(ligne["note"]) if ligne.get("note") is not None else ligne.get("choix", "")
            comptes.append(
                Compte(
                    campagne_id=ligne["reponse__campagne_id"],
                    structure_id=ligne["reponse__structure_id"],
                    departement_id=departements[ligne["reponse__structure_id"]],
                    question_id=ligne["question_id"],
                    modalite=modalite,
                    nombre=ligne["n"],
                )
            )
    Compte.objects.bulk_create(comptes, batch_size=5000)
    return len(questionnaires) + len(comptes)


def nombre_de_comptes(campagne: Campagne) -> int:
    return (
        CompteQuestionnaires.objects.filter(campagne=campagne).count()
        + Compte.objects.filter(campagne=campagne).count()
    )


def a_repondu(campagne: Campagne, user) -> bool:
    return Participation.objects.filter(campagne=campagne, utilisateur=user).exists()


def campagnes_a_repondre(user, structures_ids) -> list[Campagne]:
    """Les campagnes des conseillers ouvertes aujourd'hui auxquelles cet agent n'a pas répondu."""
    if not structures_ids:
        return []
    return list(
        Campagne.objects.ouvertes()
        .filter(public=Public.AGENTS)
        .exclude(participations__utilisateur=user)
        .order_by("fin", "titre")
    )


# Résultats


@dataclass(frozen=True)
class Niveau:
    code: str  # national, region, departement, structure
    objet: object = None  # Region, Departement, Structure ou None

    @property
    def libelle(self) -> str:
        if self.code == "national":
            return "France entière"
        if self.code == "region":
            return f"Région {self.objet.nom}"
        if self.code == "departement":
            return f"{self.objet.nom} ({self.objet.code})"
        return self.objet.nom

    @property
    def parametres(self) -> dict:
        if self.code == "national":
            return {"niveau": "national"}
        cle = self.objet.matricule if self.code == "structure" else self.objet.code
        return {"niveau": self.code, "code": cle}

    def filtre_comptes(self) -> Q:
        """Le filtre du niveau sur les comptes, qui portent le département de leur structure."""
        if self.code == "national":
            return Q()
        return Q(**{{"region": "departement__region"}.get(self.code, self.code): self.objet})


def lire_niveau(niveau: str, code: str) -> Niveau | None:
    """Le niveau demandé dans l'adresse, ou None s'il n'existe pas."""
    if niveau == "national":
        return Niveau("national")
    modele, champ = {
        "region": (Region, "code"),
        "departement": (Departement, "code"),
        "structure": (Structure, "matricule"),
    }.get(niveau, (None, None))
    if modele is None or not code:
        return None
    objet = modele.objects.filter(**{champ: code[:40]}).first()
    return Niveau(niveau, objet) if objet is not None else None


@dataclass
class ResultatQuestion:
    question: Question
    total: int | None  # réponses à cette question (None : masqué)
    moyenne: float | None = None
    cases: list = field(default_factory=list)  # [(libellé, nombre ou None, part ou None)]
    textes: list = field(default_factory=list)
    masquee: bool = False


@dataclass
class Resultats:
    campagne: Campagne
    niveau: Niveau
    reponses: int
    premier_jour: date | None
    dernier_jour: date | None
    questions: list
    detail_titre: str = ""
    detail: list = field(default_factory=list)  # lignes par territoire inférieur
    seuil: int = SEUIL

    @property
    def masque(self) -> bool:
        return self.reponses < self.seuil


def _cases(question) -> list[tuple[str, str]]:
    """(clé de colonne, libellé) des modalités d'une question fermée."""
    if question.nature == Nature.ECHELLE:
        return [(f"n{i}", str(i)) for i in range(1, question.echelle_max + 1)]
    return [(f"c{i}", libelle) for i, libelle in enumerate(question.choix)]


def calculer(campagne: Campagne, niveau: Niveau, textes_libres: bool = False) -> Resultats:
    bornes = CompteQuestionnaires.objects.filter(niveau.filtre_comptes(), campagne=campagne).aggregate(
        n=Sum("nombre"), premier=Min("premier"), dernier=Max("dernier")
    )
    comptes = {}
    for question_id, modalite, n in (
        Compte.objects.filter(niveau.filtre_comptes(), campagne=campagne)
        .values_list("question_id", "modalite")
        .annotate(n=Sum("nombre"))
        .values_list("question_id", "modalite", "n")
        .order_by()
    ):
        comptes.setdefault(question_id, {})[modalite] = n

    resultats = []
    for question in campagne.questions.all():
        if question.nature == Nature.TEXTE:
            n = comptes.get(question.pk, {}).get("", 0)
            r = ResultatQuestion(question, total=n if n >= SEUIL else None, masquee=n < SEUIL)
            if textes_libres and n >= SEUIL:
                r.textes = _textes_recents(question, niveau)
            resultats.append(r)
            continue
        par_modalite = comptes.get(question.pk, {})
        cases = _cases(question)
        ligne = {"total": 0}
        for (cle, _libelle), modalite in zip(cases, _modalites(question), strict=True):
            ligne[cle] = par_modalite.get(modalite, 0)
            ligne["total"] += ligne[cle]
        publiee = masquer([ligne], "total", [[cle for cle, _ in cases]])[0]
        if question.nature == Nature.ECHELLE:
            _proteger_la_moyenne(publiee, ligne, [cle for cle, _ in cases])
        r = ResultatQuestion(question, total=publiee["total"], masquee=LIGNE in publiee["masquees"])
        if not r.masquee:
            total = ligne["total"]
            r.cases = [
                (libelle, publiee[cle], None if publiee[cle] is None else 100 * publiee[cle] / total)
                for cle, libelle in cases
            ]
            if question.nature == Nature.ECHELLE:
                r.moyenne = sum(int(cle[1:]) * ligne[cle] for cle, _ in cases) / total
        resultats.append(r)

    titre, detail = _detail(campagne, niveau)
    return Resultats(
        campagne=campagne,
        niveau=niveau,
        reponses=bornes["n"] or 0,
        premier_jour=bornes["premier"],
        dernier_jour=bornes["dernier"],
        questions=resultats,
        detail_titre=titre,
        detail=detail,
    )


def _textes_recents(question, niveau) -> list[str]:
    """Les TEXTES_MONTRES textes libres les plus récents d'une question au niveau donné : par les index
    partiels des textes (question, structure), sans passer par les réponses."""
    textes = Valeur.objects.filter(question=question).exclude(texte="")
    if niveau.code == "structure":
        textes = textes.filter(structure=niveau.objet)
    elif niveau.code != "national":
        chemin = {"region": "commune__departement__region", "departement": "commune__departement"}[niveau.code]
        textes = textes.filter(
            structure__in=list(Structure.objects.filter(**{chemin: niveau.objet}).values_list("pk", flat=True))
        )
    return list(textes.order_by("-pk").values_list("texte", flat=True)[:TEXTES_MONTRES])


def _proteger_la_moyenne(publiee, ligne, cles):
    """La moyenne publiée donne une équation de plus sur les cases masquées : avec deux cases masquées
    seulement, total et moyenne les redonneraient. On en masque donc au moins trois (les plus petites
    d'abord), ou toutes si l'échelle en a moins de quatre. Limite : avec trois inconnues et deux
    équations, une répartition extrême peut rester la seule solution entière ; elle n'est pas recherchée."""
    if LIGNE in publiee["masquees"]:
        return
    masquees = [c for c in cles if publiee[c] is None]
    if not masquees:
        return
    voulues = 3 if len(cles) >= 4 else len(cles)
    for cle in sorted((c for c in cles if publiee[c] is not None), key=lambda c: ligne[c]):
        if len(masquees) >= voulues:
            break
        publiee[cle] = None
        masquees.append(cle)
    publiee["masquees"] = masquees


def _modalites(question) -> list[str]:
    """Les modalités d'une question fermée, telles que les comptes les écrivent."""
    if question.nature == Nature.ECHELLE:
        return [str(i) for i in range(1, question.echelle_max + 1)]
    return list(question.choix)


SOUS_NIVEAU = {  # (niveau inférieur, chemin depuis les comptes, titre)
    "national": ("region", "departement__region", "Par région"),
    "region": ("departement", "departement", "Par département"),
    "departement": ("structure", "structure", "Par structure"),
}


def _detail(campagne, niveau) -> tuple[str, list[dict]]:
    """Le tableau par territoire inférieur : réponses et moyenne de chaque question à échelle, sous le secret."""
    if niveau.code not in SOUS_NIVEAU:
        return "", []
    code, chemin, titre = SOUS_NIVEAU[niveau.code]
    nombres = dict(
        CompteQuestionnaires.objects.filter(niveau.filtre_comptes(), campagne=campagne)
        .values_list(chemin)
        .annotate(n=Sum("nombre"))
        .values_list(chemin, "n")
        .order_by()
    )
    if not nombres:
        return titre, []
    echelles = [q for q in campagne.questions.all() if q.nature == Nature.ECHELLE]
    sommes = {}  # (territoire, question) → [somme des notes, nombre de notes]
    for cle, question_id, modalite, n in (
        Compte.objects.filter(niveau.filtre_comptes(), campagne=campagne, question__in=echelles)
        .values_list(chemin, "question_id", "modalite")
        .annotate(n=Sum("nombre"))
        .values_list(chemin, "question_id", "modalite", "n")
        .order_by()
    ):
        somme = sommes.setdefault((cle, question_id), [0, 0])
        somme[0] += int(modalite) * n
        somme[1] += n
    moyennes = {cle: total / n for cle, (total, n) in sommes.items() if n}
    modele = {"region": Region, "departement": Departement, "structure": Structure}[code]
    objets = modele.objects.in_bulk(list(nombres))
    lignes = [{"cle": cle, "reponses": n} for cle, n in nombres.items()]
    publiees = masquer(lignes, "reponses", [], marges=[()])
    resultat = []
    for ligne in publiees:
        objet = objets[ligne["cle"]]
        masquee = LIGNE in ligne["masquees"]
        resultat.append(
            {
                "niveau": Niveau(code, objet),
                "reponses": ligne["reponses"],
                "masquee": masquee,
                "moyennes": [None if masquee else moyennes.get((ligne["cle"], q.pk)) for q in echelles],
            }
        )
    resultat.sort(key=lambda ligne: ligne["niveau"].libelle)
    return titre, resultat


def en_lignes_csv(resultats: Resultats) -> list[list]:
    """Les résultats d'un niveau à plat (en-tête compris), cases masquées laissées vides : pour l'export."""
    niveau = resultats.niveau
    periode = f"{resultats.campagne.debut:%d/%m/%Y}-{resultats.campagne.fin:%d/%m/%Y}"
    lignes = [["niveau", "territoire", "periode", "question", "modalite", "reponses", "part_pourcent", "moyenne"]]
    lignes.append([niveau.code, niveau.libelle, periode, "(questionnaires)", "", _n(resultats.reponses), "", ""])
    for r in resultats.questions:
        moyenne = "" if r.moyenne is None else round(r.moyenne, 2)
        lignes.append(
            [niveau.code, niveau.libelle, periode, r.question.libelle, "(ensemble)", _n(r.total), "", moyenne]
        )
        for libelle, nombre, part in r.cases:
            part = "" if part is None else round(part, 1)
            lignes.append([niveau.code, niveau.libelle, periode, r.question.libelle, libelle, _n(nombre), part, ""])
    for ligne in resultats.detail:
        sous = ligne["niveau"]
        lignes.append(
            [
                sous.code,
                sous.libelle,
                periode,
                "(questionnaires)",
                "",
                "" if ligne["masquee"] else ligne["reponses"],
                "",
                "",
            ]
        )
    return lignes


def _n(nombre):
    return "" if nombre is None or nombre < SEUIL else nombre


# Évaluation du back-office des opérateurs par les structures


def operateurs_a_evaluer():
    return Operateur.objects.filter(national=True).order_by("ordre", "nom")


@transaction.atomic
def enregistrer_evaluations(structure: Structure, auteur, annee: int, notes: dict) -> int:
    """Enregistre (ou remplace) les notes de la structure pour l'année : `notes` {operateur: {joignabilite,
    delai, utilite, commentaire}} ; renvoie le nombre d'opérateurs notés."""
    departement_id = structure.commune.departement_id
    jour = timezone.localdate()
    for operateur, valeurs in notes.items():
        EvaluationOperateur.objects.update_or_create(
            annee=annee,
            structure=structure,
            operateur=operateur,
            defaults={
                "departement_id": departement_id,
                "joignabilite": valeurs["joignabilite"],
                "delai": valeurs["delai"],
                "utilite": valeurs["utilite"],
                "commentaire": masquer_texte(valeurs.get("commentaire", "").strip()),
                "auteur": auteur,
                "le": jour,
            },
        )
    return len(notes)


@dataclass
class AvisOperateur:
    operateur: Operateur
    departement: Departement
    structures: int | None  # nombre de structures qui ont noté (None : masqué)
    moyennes: dict  # critère → moyenne sur 5 (vide si masqué)
    commentaires: list = field(default_factory=list)

    @property
    def masque(self) -> bool:
        return self.structures is None


def avis_des_structures(
    perimetre, du: date, au: date, operateur_id=None, departement_id=None, commentaires=False
) -> list[AvisOperateur]:
    """Les notes des structures par opérateur × département, dans la période [du, au] (jour de la note) et le
    périmètre du tableau de qualité (`permissions_qualite.PerimetreQualite`) ; moins de SEUIL structures : masqué."""
    evaluations = EvaluationOperateur.objects.filter(le__gte=du, le__lte=au)
    if operateur_id:
        evaluations = evaluations.filter(operateur_id=operateur_id)
    if departement_id:
        evaluations = evaluations.filter(departement_id=departement_id)
    if not perimetre.tout:
        q = Q(departement_id__in=perimetre.departements)
        for operateur, departement in perimetre.paires:
            q |= Q(operateur_id=operateur, departement_id=departement)
        evaluations = evaluations.filter(q)
    lignes = evaluations.values("operateur_id", "departement_id").annotate(
        n=Count("structure_id", distinct=True), **{c: Avg(c) for c in CRITERES_OPERATEUR}
    )
    operateurs = Operateur.objects.in_bulk({ligne["operateur_id"] for ligne in lignes})
    departements = Departement.objects.in_bulk({ligne["departement_id"] for ligne in lignes})
    textes = {}  # (opérateur, département) → commentaires, en une requête
    if commentaires:
        for operateur_id, departement_id, texte in (
            evaluations.exclude(commentaire="")
            .order_by("le", "pk")
            .values_list("operateur_id", "departement_id", "commentaire")
        ):
            textes.setdefault((operateur_id, departement_id), []).append(texte)
    avis = []
    for ligne in lignes:
        visible = ligne["n"] >= SEUIL
        a = AvisOperateur(
            operateur=operateurs[ligne["operateur_id"]],
            departement=departements[ligne["departement_id"]],
            structures=ligne["n"] if visible else None,
            moyennes={c: ligne[c] for c in CRITERES_OPERATEUR} if visible else {},
        )
        if visible:
            a.commentaires = textes.get((ligne["operateur_id"], ligne["departement_id"]), [])
        avis.append(a)
    avis.sort(key=lambda a: (a.operateur.ordre, a.operateur.nom, a.departement.code))
    return avis
