"""`guichet import_reseau_routier EXTRAIT.osm.pbf` : le graphe routier du moteur de référence."""

import resource

from guichet.commandes import Commande, Rapport
from guichet.couverture import routier


class Command(Commande):
    help = (
        "Lit un extrait OpenStreetMap (.osm.pbf, une région ou toute la France) et range le graphe des routes "
        "carrossables (vitesse par classe de route, maxspeed quand elle est plausible, sens uniques) dans le "
        "dossier des données, pour le moteur routier de la couverture. Sans --wet-run : lecture et rapport seulement."
    )
    ecrit = True
    atomique = False  # n'écrit qu'un fichier, remplacé d'un coup (jamais à moitié écrit)
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("extrait", help="Le fichier .osm.pbf (ou .osm) à lire.")

    def executer(self, *args, extrait, **options):
        try:
            graphe, r = routier.lire_extrait(extrait)
        except routier.ExtraitIllisible as erreur:
            return Rapport(echec=str(erreur))
        taille_mo = sum(a.nbytes for a in graphe.values()) / 1e6
        memoire_mo = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        nombres = {
            "voies": r.voies,
            "voies_ignorees": r.voies_ignorees,
            "maxspeed_lues": r.maxspeed_lues,
            "maxspeed_rejetees": r.maxspeed_rejetees,
            "noeuds": r.noeuds,
            "arcs": r.arcs,
            "noeuds_hors_composante": r.noeuds_hors_composante,
            "taille_mo": round(taille_mo, 1),
            "duree_lecture_s": round(r.duree_lecture_s, 2),
            "duree_graphe_s": round(r.duree_graphe_s, 2),
            "memoire_max_mo": round(memoire_mo),
        }
        details = [
            f"{r.voies} voies carrossables ({r.voies_ignorees} autres voies ignorées), {r.noeuds} nœuds, {r.arcs} arcs "
            f"({taille_mo:.1f} Mo) ; {r.noeuds_hors_composante} nœuds hors de la plus grande composante écartés.",
            f"Vitesses : {r.maxspeed_lues} maxspeed lues, {r.maxspeed_rejetees} invraisemblables remplacées par la "
            "vitesse de la classe de route.",
            f"Lecture {r.duree_lecture_s:.1f} s, graphe {r.duree_graphe_s:.1f} s, mémoire au plus {memoire_mo:.0f} Mo.",
        ]
        if self.ecrire:
            chemin = routier.enregistrer(graphe)
            details.append(f"Graphe enregistré : {chemin.name} dans le dossier des données.")
        return Rapport(resume=f"Réseau routier lu de {extrait.rsplit('/', 1)[-1]}.", nombres=nombres, details=details)
