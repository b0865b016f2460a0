"""Les documents PDF de la plateforme (rapports d'audit, décisions, attestations, conventions…) : un gabarit
Django rendu en HTML puis en PDF par WeasyPrint, sans aucune ressource distante.

Un document étend `documents/base.html` (marques de l'État en texte, styles intégrés, polices du système) et
se produit par `pdf_depuis_gabarit(nom_du_gabarit, contexte)`. Toute URL que le gabarit demanderait (image,
feuille de style, police) est refusée, sauf les données `data:` intégrées : un PDF ne dépend jamais du réseau.
"""

from django.template.loader import render_to_string


def _recuperateur():
    # Seules les données `data:` intégrées au gabarit sont lues ; toute autre URL arrête le rendu (erreur fatale).
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True, timeout=1)


def pdf_depuis_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_recuperateur(), base_url=None).write_pdf()


def pdf_depuis_gabarit(gabarit: str, contexte: dict) -> bytes:
    return pdf_depuis_html(render_to_string(gabarit, contexte))
