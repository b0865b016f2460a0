"""L'ordre des titres des fiches : jamais plus d'un niveau sous le titre précédent (RGAA 9.1), même quand la
fiche source déclare un chapitre de niveau 3 en tête ou un cas sous un titre de section."""

import re

from guichet.connaissances.rendu import Rendu


def _niveaux(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"<h(\d)", html)]


def test_chapitre_de_niveau_trois_en_tete_devient_un_h2():
    blocs = [
        {"type": "chapitre", "niveau": 3, "titre": "Conditions", "blocs": []},
        {
            "type": "chapitre",
            "niveau": 1,
            "titre": "Démarche",
            "blocs": [
                {"type": "chapitre", "niveau": 3, "titre": "En ligne", "blocs": []},
            ],
        },
    ]
    assert _niveaux(Rendu(set()).blocs(blocs, 2)) == [2, 2, 3]


def test_cas_sous_un_chapitre_suivent_l_ordre():
    blocs = [
        {
            "type": "chapitre",
            "niveau": 1,
            "titre": "Situation",
            "blocs": [
                {
                    "type": "cas",
                    "cas": [
                        {
                            "titre": "Vous êtes salarié",
                            "blocs": [
                                {"type": "chapitre", "niveau": 2, "titre": "Détail", "blocs": []},
                            ],
                        }
                    ],
                },
            ],
        },
    ]
    niveaux = _niveaux(Rendu(set()).blocs(blocs, 2))
    assert niveaux[0] == 2
    assert all(b - a <= 1 for a, b in zip([1, *niveaux], niveaux, strict=False))
