"""Les adresses venues de l'extérieur : seules https (et http relevée) atteignent un href."""

import pytest

from guichet.liens import url_externe


@pytest.mark.parametrize(
    ("url", "attendu"),
    [
        ("https://www.service-public.fr/particuliers", "https://www.service-public.fr/particuliers"),
        ("http://www.caf.fr/allocataires?x=1#a", "https://www.caf.fr/allocataires?x=1#a"),
        ("  HTTPS://ants.gouv.fr  ", "https://ants.gouv.fr"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        ("javascript://www.service-public.fr/%0aalert(1)", ""),
        (" \x01javascript:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("java\nscript:alert(1)", ""),
        ("data:text/html;base64,PHNjcmlwdD4=", ""),
        ("vbscript:msgbox(1)", ""),
        ("//evil.example/x", ""),
        ("/espace/", ""),
        ("https:javascript:alert(1)", ""),
        ("https://exemple.fr/a\x00b", ""),
        ("https://[::1", ""),
        ("", ""),
        (None, ""),
        (42, ""),
    ],
)
def test_url_externe(url, attendu):
    assert url_externe(url) == attendu
