import pytest

from guichet.enquetes.masquage import masquer_texte


@pytest.mark.parametrize(
    "texte, attendu",
    [
        ("écrivez-moi à jean.dupont@laposte.net svp", "écrivez-moi à [courriel masqué] svp"),
        ("marie-claire+caf@orange.fr", "[courriel masqué]"),
        ("mon mail : paul.martin (at) gmail.com", "mon mail : [courriel masqué]"),
        ("appelez le 06 12 34 56 78.", "appelez le [téléphone masqué]."),
        ("tél 06.12.34.56.78", "tél [téléphone masqué]"),
        ("0612345678", "[téléphone masqué]"),
        ("01-23-45-67-89 le matin", "[téléphone masqué] le matin"),
        ("+33 6 12 34 56 78", "[téléphone masqué]"),
        ("+33 (0)1 23 45 67 89", "[téléphone masqué]"),
        ("0033612345678", "[téléphone masqué]"),
        ("mon numéro de sécu 1 85 05 78 006 084 36 merci", "mon numéro de sécu [numéro masqué] merci"),
        ("NIR 185057800608436", "NIR [numéro masqué]"),
        ("né en Corse : 2 69 05 2A 123 456 78", "né en Corse : [numéro masqué]"),
        ("sans clé 2690575123456", "sans clé [numéro masqué]"),
        ("allocataire 1234567", "allocataire 1234567"),
        ("numéro fiscal 3012345678901", "numéro fiscal [numéro masqué]"),
    ],
)
def test_masque_les_coordonnees_francaises(texte, attendu):
    assert masquer_texte(texte) == attendu


@pytest.mark.parametrize(
    "texte",
    [
        "Venu le 12/03/2025 à 14 h, 3 personnes attendaient, en 2025",
        "Bus n° 12, 75011 Paris, 2 h d'attente",
        "Note 4/5, 30 minutes",
    ],
)
def test_laisse_le_reste(texte):
    assert masquer_texte(texte) == texte


def test_vide():
    assert masquer_texte("") == ""
