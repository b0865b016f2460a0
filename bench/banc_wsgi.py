"""L'application WSGI du banc de charge : celle du site, avec les adresses de `banc_urls` (vue nue en plus)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
settings.ROOT_URLCONF = "banc_urls"
