"""Les liens du pied de page, lus une fois toutes les cinq minutes (et tout de suite après une modification)."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from guichet.pages.models import Page

CLE_PIED = "guichet:pages_du_pied"
ORDRE = [Page.Nom.ACCESSIBILITE, Page.Nom.MENTIONS_LEGALES, Page.Nom.DONNEES_PERSONNELLES]


def liens_du_pied() -> list[tuple[str, str]]:
    """(adresse, libellé) des pages institutionnelles, dans l'ordre d'usage du DSFR."""

    def lire():
        pages = {p.slug: p for p in Page.objects.only("slug", "libelle_pied")}
        return [(pages[s].get_absolute_url(), pages[s].libelle_pied) for s in ORDRE if s in pages]

    return cache.get_or_set(CLE_PIED, lire, 300)


def _oublier(**kwargs):
    cache.delete(CLE_PIED)


post_save.connect(_oublier, sender=Page, dispatch_uid="pages-pied-save")
post_delete.connect(_oublier, sender=Page, dispatch_uid="pages-pied-delete")
