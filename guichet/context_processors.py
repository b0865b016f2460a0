"""Les variables communes à toutes les pages."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from dsfr.context_processors import site_config as site_config_dsfr
from dsfr.models import DsfrConfig

CLE_SITE_CONFIG = "guichet:site_config"


def site_config(request):
    """La configuration du DSFR (titre, bandeau d'information…), lue en base une fois par minute
    et non à chaque page ; un enregistrement depuis l'administration l'oublie tout de suite."""
    return cache.get_or_set(CLE_SITE_CONFIG, lambda: site_config_dsfr(request), 60)


def _oublier_site_config(**kwargs):
    cache.delete(CLE_SITE_CONFIG)


post_save.connect(_oublier_site_config, sender=DsfrConfig, dispatch_uid="site_config-save")
post_delete.connect(_oublier_site_config, sender=DsfrConfig, dispatch_uid="site_config-delete")
