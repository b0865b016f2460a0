"""Le texte des pages institutionnelles : une mise en forme minimale, sûre, que l'équipe nationale écrit
dans un simple champ de formulaire (pas de HTML saisi, donc pas de script possible).

- une ligne « ## Titre » : un intertitre (« ### » : un sous-intertitre) ;
- des lignes « - élément » qui se suivent : une liste ;
- les autres lignes, séparées par une ligne vide : des paragraphes ;
- dans le texte : « [libellé](adresse) » fait un lien (https://, mailto: ou une adresse du site « /… ») et
  « **texte** » met en gras ; « {contact} » est remplacé par l'adresse de contact de la plateforme.

`verifier` est la seule validation (formulaire et migrations l'utilisent) ; `en_html` échappe tout le reste.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from guichet.liens import url_externe

LIEN = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
GRAS = re.compile(r"\*\*([^*\n]+)\*\*")
TAILLE_MAX = 50_000


def _adresse(adresse: str) -> str:
    """L'adresse à mettre dans le href, ou "" si elle est refusée : une page du site (« /… »), un courriel
    (« mailto: »), ou une adresse web lue par la règle commune des adresses externes (https seulement)."""
    if adresse.startswith("/") and not adresse.startswith("//"):
        return adresse
    if re.fullmatch(r"mailto:[^\s<>\"'\x00-\x1f]+@[^\s<>\"'\x00-\x1f]+", adresse):
        return adresse
    return url_externe(adresse)


def verifier(texte: str) -> None:
    """Lève une ValidationError qui nomme la ligne fautive (lien refusé, titre vide, texte trop long)."""
    erreurs = []
    if not texte.strip():
        raise ValidationError("Le texte de la page est vide.")
    if len(texte) > TAILLE_MAX:
        raise ValidationError(f"Le texte dépasse {TAILLE_MAX} caractères ({len(texte)}).")
    for numero, ligne in enumerate(texte.splitlines(), start=1):
        for _libelle, adresse in LIEN.findall(ligne):
            adresse = adresse.replace("{contact}", settings.GUICHET_CONTACT)
            if not _adresse(adresse):
                erreurs.append(
                    f"Ligne {numero} : le lien « {adresse} » est refusé ; seules les adresses en https://, "
                    "mailto: ou les pages du site (/…) sont permises."
                )
        if ligne.strip() in ("##", "###"):
            erreurs.append(f"Ligne {numero} : intertitre vide.")
    if erreurs:
        raise ValidationError(erreurs)


def _en_ligne(texte: str) -> str:
    """Échappe le texte puis rend liens, gras et adresse de contact."""
    contact = settings.GUICHET_CONTACT
    morceaux, debut = [], 0
    for m in LIEN.finditer(texte):
        morceaux.append(escape(texte[debut : m.start()]))
        libelle, adresse = m.group(1), _adresse(m.group(2).replace("{contact}", contact))
        if adresse:
            morceaux.append(format_html('<a href="{}">{}</a>', adresse, libelle.replace("{contact}", contact)))
        else:
            morceaux.append(escape(m.group(0)))
        debut = m.end()
    morceaux.append(escape(texte[debut:]))
    html = "".join(morceaux)
    html = GRAS.sub(r"<strong>\1</strong>", html)
    return html.replace("{contact}", format_html('<a href="mailto:{0}">{0}</a>', contact))


def en_html(texte: str, niveau_titre: int = 2) -> str:
    """Le texte en HTML (« ## » donne un titre de niveau `niveau_titre`)."""
    blocs, paragraphe, liste = [], [], []

    def fermer():
        if paragraphe:
            blocs.append("<p>" + "<br>".join(paragraphe) + "</p>")
            paragraphe.clear()
        if liste:
            blocs.append("<ul>" + "".join(f"<li>{e}</li>" for e in liste) + "</ul>")
            liste.clear()

    for brute in texte.splitlines():
        ligne = brute.strip()
        if not ligne:
            fermer()
        elif ligne.startswith("### "):
            fermer()
            blocs.append(f"<h{niveau_titre + 1}>{_en_ligne(ligne[4:].strip())}</h{niveau_titre + 1}>")
        elif ligne.startswith("## "):
            fermer()
            blocs.append(f"<h{niveau_titre}>{_en_ligne(ligne[3:].strip())}</h{niveau_titre}>")
        elif ligne.startswith("- "):
            if paragraphe:
                fermer()
            liste.append(_en_ligne(ligne[2:].strip()))
        else:
            if liste:
                fermer()
            paragraphe.append(_en_ligne(ligne))
    fermer()
    return mark_safe("\n".join(blocs))  # noqa: S308 — chaque morceau de texte est échappé par _en_ligne
