"""Les codes QR de la plateforme (configuration du second facteur, borne, enquête, carte de conseiller) : un SVG
inséré dans la page, sans ressource externe, avec son texte pour les lecteurs d'écran."""

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import mark_safe


def qr_code_svg(texte: str, libelle: str, taille: int = 10) -> str:
    image = qrcode.make(texte, image_factory=qrcode.image.svg.SvgPathImage, box_size=taille)
    svg = image.to_string(encoding="unicode")
    svg = svg[svg.index("<svg") :].replace("<svg ", f'<svg role="img" aria-label="{escape(libelle)}" ', 1)
    return mark_safe(svg)  # produit par qrcode depuis un texte construit par la plateforme ; le libellé est échappé
