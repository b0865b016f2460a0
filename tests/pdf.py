"""Aide de test : rendre un PDF en images par pdftoppm (poppler), comme un lecteur le ferait."""

import subprocess
import tempfile
from pathlib import Path


def pages_du_pdf(pdf: bytes, resolution: int = 50) -> list[bytes]:
    """Rend chaque page en PNG par pdftoppm ; échoue si pdftoppm signale une erreur ou ne rend rien."""
    with tempfile.TemporaryDirectory() as dossier:
        source = Path(dossier) / "document.pdf"
        source.write_bytes(pdf)
        resultat = subprocess.run(
            ["pdftoppm", "-png", "-r", str(resolution), str(source), str(Path(dossier) / "page")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert resultat.returncode == 0, resultat.stderr
        assert resultat.stderr.strip() == "", f"pdftoppm signale : {resultat.stderr}"
        pages = sorted(Path(dossier).glob("page*.png"))
        assert pages, "pdftoppm n'a rendu aucune page"
        return [p.read_bytes() for p in pages]


def texte_du_pdf(pdf: bytes) -> str:
    """Le texte du PDF par pdftotext (poppler), pour vérifier ce qu'il dit."""
    resultat = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, timeout=60)
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout.decode("utf-8")
