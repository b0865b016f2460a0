"""`guichet horaires` : lire des horaires en texte libre et dire ce qu'on en comprend."""

from guichet.commandes import Commande, Rapport
from guichet.reseau.horaires import JOURS, Lecture, lire_jour, lire_texte


class Command(Commande):
    help = (
        "Lit des horaires en texte libre : la cellule d'un jour de la liste nationale (--day lundi) "
        "ou une description de la semaine. Les fragments non compris sont rapportés, "
        "jamais devinés en silence."
    )
    requires_system_checks = []  # un outil de texte pur : ni base ni réglages à vérifier
    atomique = False
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("texte", nargs="+", metavar="TEXTE", help="Les horaires (les mots sont réunis).")
        self.option_renommee(
            parser,
            "--day",
            "--jour",
            type=str.lower,
            choices=JOURS,
            help="Lire TEXTE comme la cellule de ce jour dans la liste nationale.",
        )

    def executer(self, *args, texte, jour, **options):
        texte = " ".join(texte)
        lecture = _lire_cellule(texte, jour) if jour else lire_texte(texte)
        resultat = lecture.to_json()
        del resultat["jours"]
        return Rapport(nombres=resultat, details=_resume(lecture))


def _lire_cellule(texte: str, jour: str) -> Lecture:
    index = JOURS.index(jour)
    creneaux, non_lus = lire_jour(texte)
    return Lecture({} if creneaux is None else {index: creneaux}, non_lus, portee=(index,))


def _resume(lecture: Lecture) -> list[str]:
    """Un résumé en français : les jours, le total, la valeur OSM, les fragments non lus."""
    lignes = [f"{JOURS[j].capitalize()} : {_creneaux_du_jour(lecture, j)}" for j in sorted(lecture.portee)]
    libelle = "Heures par semaine" if len(lecture.portee) == 7 else "Heures ce jour"
    minutes = lecture.weekly_minutes
    total = "inconnu" if minutes is None else f"{minutes // 60} h {minutes % 60:02d}"
    lignes.append(f"{libelle} : {total}")
    lignes.append(f"Jours d'ouverture : {lecture.days_open}")
    lignes.append(f"OpenStreetMap : {lecture.opening_hours() or '(inconnu)'}")
    if lecture.non_lus:
        lignes.append("Fragments non lus :")
        lignes.extend(f"  - {fragment}" for fragment in lecture.non_lus)
    else:
        lignes.append("Tout a été lu.")
    return lignes


def _creneaux_du_jour(lecture: Lecture, jour: int) -> str:
    if jour not in lecture.jours:
        return "inconnu"
    return ", ".join(str(intervalle) for intervalle in lecture.jours[jour]) or "fermé"
