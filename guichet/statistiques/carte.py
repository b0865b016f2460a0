"""La carte des départements du tableau national : chaque département teinté selon ses accompagnements
par structure active, en cinq classes.

Les classes, leurs couleurs et la légende sont calculées ici (la page les écrit en HTML) ; le script de
la page ne fait que poser la couleur de sa classe sur chaque contour, lus dans le fond de carte hors
ligne du site (aucun serveur de tuiles). Les mêmes chiffres sont dans le tableau « Par département »,
l'alternative textuelle de la carte.

Classes par quantiles (autant de départements dans chacune, à peu près) : une distribution très étalée
(quelques départements très actifs) ne laisse pas tous les autres dans la même teinte.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from guichet.statistiques.templatetags.statistiques import entier

# Du plus clair au plus foncé : les teintes « bleu France » du système de design de l'État ; la plus
# claire contraste encore avec le fond de la page, la plus foncée porte le texte blanc de l'infobulle.
COULEURS = ("#e3e3fd", "#bcbcf9", "#8585f6", "#4545de", "#000091")
SANS_ACTIVITE = "#f6f6f6"
NOMBRE_CLASSES = len(COULEURS)


@dataclass(frozen=True)
class Classe:
    minimum: int
    maximum: int
    couleur: str

    @property
    def libelle(self):
        if self.minimum == self.maximum:
            return f"{entier(self.minimum)} par structure active"
        return f"de {entier(self.minimum)} à {entier(self.maximum)} par structure active"


@dataclass
class Carte:
    classes: list = field(default_factory=list)
    departements: dict = field(default_factory=dict)  # code → {"couleur", "texte"}
    fond: str = ""
    sans_activite: str = SANS_ACTIVITE

    def donnees(self) -> dict:
        """Ce que le script de la page lit (json_script)."""
        return {"fond": self.fond, "departements": self.departements, "sans_activite": self.sans_activite}


def classes(valeurs: list[int], nombre=NOMBRE_CLASSES) -> list[Classe]:
    """Au plus `nombre` classes de valeurs contiguës, par quantiles ; des bornes égales fusionnent."""
    valeurs = sorted(valeurs)
    if not valeurs:
        return []
    bornes = []
    for i in range(nombre):
        tranche = valeurs[len(valeurs) * i // nombre : len(valeurs) * (i + 1) // nombre]
        # Une valeur à cheval sur deux tranches reste dans la première : la suivante commence après.
        reste = [v for v in tranche if not bornes or v > bornes[-1][1]]
        if reste:
            bornes.append((reste[0], reste[-1]))
    # Des couleurs réparties sur toute l'échelle, même avec moins de classes.
    pas = (len(COULEURS) - 1) / max(len(bornes) - 1, 1)
    return [Classe(a, b, COULEURS[round(i * pas)]) for i, (a, b) in enumerate(bornes)]


def carte_des_departements(repartition) -> Carte:
    """La carte d'un bloc « Par département » (lignes : cle = code, par_structure, structures)."""
    lignes = [ligne for ligne in repartition.lignes if ligne.cle]
    actives = [ligne for ligne in lignes if ligne.par_structure is not None]
    carte = Carte(classes=classes([ligne.par_structure for ligne in actives]), fond=reverse("reseau:fond_index"))
    for ligne in lignes:
        valeur = ligne.par_structure
        if valeur is None:
            couleur = SANS_ACTIVITE
            texte = f"{ligne.libelle} : aucune structure active"
        else:
            couleur = next(c.couleur for c in carte.classes if c.minimum <= valeur <= c.maximum)
            pluriel = "s" if ligne.structures > 1 else ""
            texte = (
                f"{ligne.libelle} : {entier(valeur)} accompagnements par structure active "
                f"({entier(ligne.nombre)} pour {ligne.structures} structure{pluriel} active{pluriel})"
            )
        carte.departements[ligne.cle] = {"couleur": couleur, "texte": texte}
    return carte
