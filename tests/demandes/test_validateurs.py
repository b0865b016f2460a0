import pytest
from django.core.exceptions import ValidationError

from guichet.demandes import validateurs


@pytest.mark.parametrize(
    "nir, attendu",
    [
        ("2 80 05 75 056 123 89", "280057505612389"),
        ("280057505612389", "280057505612389"),
        ("1 84 05 2A 012 345 31", "184052A01234531"),  # Corse-du-Sud : 2A compte comme 19
        ("1 84 05 2b 012 345 58", "184052B01234558"),  # Haute-Corse : 2B compte comme 18
    ],
)
def test_nir_valide(nir, attendu):
    assert validateurs.valider_nir(nir) == attendu


@pytest.mark.parametrize(
    "nir, code",
    [
        ("2 80 05 75 056 123 88", "cle"),
        ("1 84 05 2A 012 345 58", "cle"),  # la clé de 2B ne vaut pas pour 2A
        ("1 84 05 2B 012 345 31", "cle"),
        ("2 80 05 75 056 123", "longueur"),
        ("5 80 05 75 056 123 89", "format"),
        ("2 80 05 7X 056 123 89", "format"),
    ],
)
def test_nir_refuse(nir, code):
    with pytest.raises(ValidationError) as erreur:
        validateurs.valider_nir(nir)
    assert erreur.value.code == code
    assert "sécurité sociale" in erreur.value.messages[0]


def test_cle_nir_calculee():
    assert validateurs.cle_nir("2800575056123") == 97 - 2800575056123 % 97 == 89


def test_numero_fiscal():
    assert validateurs.valider_numero_fiscal("12 34 567 890 123") == "1234567890123"
    for mauvais in ("4234567890123", "123456789012", "12345678901AB"):
        with pytest.raises(ValidationError, match="numéro fiscal"):
            validateurs.valider_numero_fiscal(mauvais)


def test_telephone_et_allocataire():
    assert validateurs.valider_telephone("+33 6 12 34 56 78") == "+33 6 12 34 56 78"
    with pytest.raises(ValidationError, match="téléphone"):
        validateurs.valider_telephone("06 12")
    assert validateurs.valider_numero_allocataire("123 4567") == "1234567"
    with pytest.raises(ValidationError, match="allocataire"):
        validateurs.valider_numero_allocataire("12A4567")


@pytest.mark.parametrize("valeur", ["¹²³⁴⁵⁶⁷", "1234567²"])
def test_chiffres_en_exposant_refuses(valeur):
    """`str.isdigit` accepte « ² » : les numéros ne prennent que les chiffres de 0 à 9."""
    with pytest.raises(ValidationError):
        validateurs.valider_numero_allocataire(valeur)
    with pytest.raises(ValidationError):
        validateurs.valider_telephone("06123456" + "⁷⁸")
