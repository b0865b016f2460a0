import pytest
from django.template import Context, Template
from weasyprint.urls import FatalURLFetchingError

from guichet.documents import pdf_depuis_gabarit, pdf_depuis_html
from tests.pdf import pages_du_pdf, texte_du_pdf


def test_un_document_porte_les_marques_de_l_etat_en_texte_et_se_rend_proprement():
    pdf = pdf_depuis_gabarit("documents/base.html", {})
    assert pdf.startswith(b"%PDF")
    pages = pages_du_pdf(pdf)
    assert len(pages) == 1 and pages[0].startswith(b"\x89PNG")
    texte = texte_du_pdf(pdf)
    assert "RÉPUBLIQUE" in texte and "Fraternité" in texte


def test_un_document_qui_demande_une_ressource_distante_est_refuse():
    html = Template('<html><body><img src="https://exemple.invalid/logo.png" alt="">{{ x }}</body></html>').render(
        Context({"x": "texte"})
    )
    with pytest.raises(FatalURLFetchingError):
        pdf_depuis_html(html)
