"""La normalisation du texte, pour tout le projet : les comparaisons et recherches se font sans accents."""

import unicodedata


def sans_accents(texte: str) -> str:
    """Le texte sans ses accents ni signes diacritiques (décomposition de compatibilité, NFKD) : « Pré » → « Pre ».

    Les caractères de compatibilité se ramènent à leur forme simple (espace insécable → espace, « ﬁ » → « fi »).
    """
    return "".join(c for c in unicodedata.normalize("NFKD", texte or "") if not unicodedata.combining(c))


def replier(texte: str) -> str:
    """Forme de comparaison : minuscules, sans accents (« Évry » → « evry »)."""
    return sans_accents(texte).lower()


def chiffres(texte: str) -> bool:
    """Que des chiffres de 0 à 9, au moins un : `str.isdigit` accepte aussi « ² » ou « ¹ », que `int` refuse."""
    return bool(texte) and texte.isascii() and texte.isdigit()
