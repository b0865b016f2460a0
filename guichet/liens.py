"""Les adresses venues de l'extérieur (fiches importées, liens des opérateurs, sites des structures,
guides…) avant qu'elles n'atteignent un `href` : seules `https:` passent, `http:` est relevé en `https:`,
tout le reste (`javascript:`, `data:`, `vbscript:`, adresse relative ou sans hôte) est refusé.

Les navigateurs ignorent les espaces et caractères de contrôle autour d'une adresse et les tabulations ou
sauts de ligne en son milieu (« java\\tscript: » s'exécute) : ils sont retirés avant de lire le schéma, et
une adresse qui garde un caractère de contrôle est refusée.

Le filtre de gabarit `lien_externe` (intégré à tous les gabarits) applique la même règle : une adresse
refusée devient "" et le gabarit rend le texte sans lien.
"""

import re
from urllib.parse import urlsplit, urlunsplit

from django import template

register = template.Library()

_CONTROLES = re.compile(r"[\x00-\x1f\x7f]")


def url_externe(url) -> str:
    """L'adresse en https, ou "" si elle n'est pas une adresse web absolue."""
    if not isinstance(url, str):
        return ""
    propre = url.strip("".join(chr(c) for c in range(0x21)) + "\x7f").replace("\t", "").replace("\n", "")
    propre = propre.replace("\r", "")
    if not propre or _CONTROLES.search(propre):
        return ""
    try:
        morceaux = urlsplit(propre)
        hote = morceaux.hostname
    except ValueError:
        return ""
    schema = morceaux.scheme.lower()
    if schema not in ("https", "http") or not hote:
        return ""
    return urlunsplit(("https", morceaux.netloc, morceaux.path, morceaux.query, morceaux.fragment))


@register.filter(name="lien_externe")
def filtre_lien_externe(url) -> str:
    return url_externe(url)
