"""Le masquage des textes libres (enquêtes, évaluations des opérateurs) avant qu'ils ne soient écrits.

Un usager écrit parfois son courriel, son téléphone ou son numéro de sécurité sociale dans un champ
libre (« rappelez-moi au 06 12 34 56 78 ») : ces données n'ont rien à faire dans une enquête anonyme.
On remplace, dans cet ordre :

1. les adresses électroniques ;
2. les numéros de sécurité sociale (NIR : sexe, année, mois, département — 2A/2B compris —, commune,
   ordre, clé facultative ; avec ou sans espaces, points ou tirets) ;
3. les téléphones français (0X XX XX XX XX, +33 X…, 0033 X…, +33 (0)X…, séparés ou non) ;
4. toute autre suite d'au moins 9 chiffres (numéro d'allocataire, fiscal, de dossier…).
"""

import re

SEP = r"[\s.\-]?"
COURRIEL = re.compile(r"[\w.+\-]+\s?(?:@|\(at\)|\[at\])\s?[\w\-]+(?:\.[\w\-]+)+", re.IGNORECASE)
NIR = re.compile(
    rf"(?<![\dA-Za-z])[12]{SEP}\d{{2}}{SEP}(?:0[1-9]|1[0-2]|[2-9]\d){SEP}(?:\d{{2}}|2[AB]){SEP}\d{{3}}{SEP}\d{{3}}"
    rf"(?:{SEP}\d{{2}})?(?!\d)",
    re.IGNORECASE,
)
TELEPHONE = re.compile(rf"(?<![\d+])(?:(?:\+|00){SEP}33{SEP}(?:\(0\){SEP})?|0)[1-9](?:{SEP}\d{{2}}){{4}}(?!\d)")
LONG_NUMERO = re.compile(r"(?<!\d)\d(?:[\s.\-]?\d){8,}(?!\d)")

COURRIEL_MASQUE = "[courriel masqué]"
NIR_MASQUE = "[numéro masqué]"
TELEPHONE_MASQUE = "[téléphone masqué]"


def masquer_texte(texte: str) -> str:
    """Le texte sans courriel, numéro de sécurité sociale, téléphone ni long numéro."""
    if not texte:
        return ""
    texte = COURRIEL.sub(COURRIEL_MASQUE, texte)
    texte = NIR.sub(NIR_MASQUE, texte)
    texte = TELEPHONE.sub(TELEPHONE_MASQUE, texte)
    return LONG_NUMERO.sub(NIR_MASQUE, texte)
