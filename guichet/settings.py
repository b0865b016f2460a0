"""Réglages de guichet, lus dans l'environnement (voir .env.example).

Par défaut : profil embarqué (SQLite dans GUICHET_DATA_DIR, fichiers locaux, tâches en base).
En production : DEBUG=false, DATABASE_URL=postgres://…, SECRET_KEY, ALLOWED_HOSTS.
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONCE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


class VariableInvalide(str):
    """`string_if_invalid` des tests : une variable inconnue d'un gabarit du projet lève une erreur au lieu de
    s'effacer. Les gabarits des paquets installés (django-dsfr, l'administration) comptent sur l'effacement
    (`{{ widget.group_class|default:… }}`) : ils gardent le comportement de Django."""

    def __mod__(self, variable):
        cadre = sys._getframe(1)
        while cadre is not None and "context" not in cadre.f_locals:
            cadre = cadre.f_back
        gabarit = (
            getattr(getattr(cadre.f_locals["context"], "render_context", None), "template", None) if cadre else None
        )
        origine = str(getattr(getattr(gabarit, "origin", None), "name", ""))
        if "site-packages" in origine:
            return ""
        raise ValueError(f"Variable de gabarit invalide : {variable} ({origine or 'gabarit inconnu'})")


env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env.str("GUICHET_DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

# En développement une clé locale suffit ; en production SECRET_KEY est obligatoire.
SECRET_KEY = env.str("SECRET_KEY") if not DEBUG else env.str("SECRET_KEY", default="dev-" + "guichet-" * 8)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dsfr",  # avant django.forms : ses gabarits de widgets priment
    "django.forms",
    "widget_tweaks",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "guichet.comptes",
    "guichet.territoires",
    "guichet.reseau",
    "guichet.demarches",
    "guichet.activite",
    "guichet.statistiques",
    "guichet.demandes",
    "guichet.journal",
    "guichet.qualite",
    "guichet.bureau",
    "guichet.connaissances",
    "guichet.bornes",
    "guichet.api",
    "guichet.exploitation",
    "guichet.pages",
    "guichet.plans_d_action",
    "guichet.mandats",
    "guichet.formation",
    "guichet.labellisation",  # après la formation : le critère « deux agents formés » la lit (démonstration comprise)
    "guichet.financement",
    "guichet.conventions",
    "guichet.enquetes",
    "guichet.visites",
    "guichet.couverture",
    "guichet.demo",  # en dernier : elle enchaîne les démonstrations de toutes les autres
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "guichet.requetes.RefusOctetNul",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "guichet.comptes.middleware.DoubleFacteurObligatoireMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "guichet.urls"
WSGI_APPLICATION = "guichet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "guichet" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guichet.context_processors.site_config",
                "guichet.exploitation.context_processors.alerte_taches",
                "guichet.pages.context_processors.pied",
            ],
            "libraries": {"guichet": "guichet.balises", "navigation": "guichet.navigation"},
            # GUICHET_GABARITS_STRICTS (mis par les tests) : toute variable inconnue fait échouer le rendu.
            "string_if_invalid": VariableInvalide("%s")
            if env.bool("GUICHET_GABARITS_STRICTS", default=False)
            else env.str("TEMPLATE_STRING_IF_INVALID", default=""),
            "builtins": ["guichet.liens"],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# Les balises du DSFR échappent ce qu'on leur donne (par défaut, elles le marquent sûr) : un message peut
# citer un nom saisi par un utilisateur.
DSFR_CONTENT_IS_SAFE = False

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'guichet.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite ne sait pas « NULLS NOT DISTINCT » : l'unicité des habilitations y est assurée par le code.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

AUTH_USER_MODEL = "comptes.Utilisateur"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guichet.comptes.proconnect.ProConnectBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "comptes:espace"
LOGOUT_REDIRECT_URL = "accueil"

# Limitation des tentatives de connexion (django-axes)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # heures
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "comptes/bloque.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

OTP_TOTP_ISSUER = "guichet France Services"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "guichet" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Cache : en mémoire de chaque processus par défaut ; un cache partagé en production, par exemple
# CACHE_URL=redis://127.0.0.1:6379/1 (les résultats de la recherche publique y sont gardés une minute).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # 300 entrées par défaut : trop peu pour les pages publiques gardées (une par commune cherchée).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)

# Tâches de fond : interface Django tasks, moteur en base par défaut.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="guichet <ne-pas-repondre@guichet.localhost>")

# Sécurité (check --deploy propre quand DEBUG=false)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"

# --- Cartes publiques ---
# Le fond de carte : sans réglage, un fond hors ligne tiré de notre géographie (contours des communes, noms
# des villes). En production, les tuiles de l'État, par exemple le « Plan IGN » de la Géoplateforme (WMTS) :
# GUICHET_CARTE_TUILES_URL=https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}
# La politique de sécurité (img-src) autorise alors l'origine de ces tuiles, et elle seule.
GUICHET_CARTE_TUILES_URL = env.str("GUICHET_CARTE_TUILES_URL", default="")
GUICHET_CARTE_TUILES_ATTRIBUTION = env.str("GUICHET_CARTE_TUILES_ATTRIBUTION", default="© IGN – Plan IGN")
# Le calculateur d'itinéraire vers un lieu ({lat}, {lon} et {nom} remplacés), par exemple
# https://www.itineraires.example/?destination={lat},{lon} ; sans réglage, seul le lien « geo: » est proposé.
GUICHET_ITINERAIRE_URL = env.str("GUICHET_ITINERAIRE_URL", default="")


def _origine(url):
    from urllib.parse import urlsplit

    morceaux = urlsplit(url)
    return f"{morceaux.scheme}://{morceaux.netloc}" if morceaux.scheme in ("http", "https") else None


ORIGINES_DES_TUILES = [o for o in [_origine(GUICHET_CARTE_TUILES_URL)] if o]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [SELF, NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *ORIGINES_DES_TUILES],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Les ancres du journal d'audit vont aussi aux journaux du serveur (une copie hors de la base).
    "loggers": {"guichet.journal.ancres": {"level": "INFO"}},
}

# Moteur de recherche géographique : rayon maximal (km) pour « près de moi »
GUICHET_URL = env.str("GUICHET_URL", default="http://127.0.0.1:8000")
# L'adresse de contact des pages institutionnelles (accessibilité, données personnelles) : « {contact} » dans
# leur texte.
GUICHET_CONTACT = env.str("GUICHET_CONTACT", default="contact@guichet.localhost")

# --- Chiffrement des données personnelles des demandes (guichet.chiffrement) ---
# GUICHET_CLES_CHIFFREMENT : des clés Fernet séparées par des virgules. La première chiffre, toutes
# déchiffrent (rotation : nouvelle clé en tête, `guichet rechiffrer --wet-run`, puis retrait de l'ancienne).
# En production elle est OBLIGATOIRE en pratique : sans elle, une clé est dérivée de SECRET_KEY (pratique en
# développement et pour les tests) et `check --deploy` avertit (guichet.W001), car changer SECRET_KEY rendrait
# alors les données illisibles.
GUICHET_CLES_CHIFFREMENT = env.list("GUICHET_CLES_CHIFFREMENT", default=[])
GUICHET_CLES_CHIFFREMENT_DERIVEE = not GUICHET_CLES_CHIFFREMENT
if GUICHET_CLES_CHIFFREMENT_DERIVEE:
    import base64
    import hashlib

    GUICHET_CLES_CHIFFREMENT = [
        base64.urlsafe_b64encode(hashlib.sha256(b"guichet-chiffrement:" + SECRET_KEY.encode()).digest()).decode()
    ]
# --- fin du bloc chiffrement ---

# --- Journal d'audit : chaîne signée (HMAC) et ancres publiées hors de la base (guichet.journal.services) ---
# GUICHET_CLES_JOURNAL : des clés « identifiant:secret » séparées par des virgules, gardées hors de la base.
# La première signe les nouvelles entrées et les ancres ; toutes vérifient (chaque entrée garde l'identifiant
# de sa clé). Rotation : placer la nouvelle clé en tête et GARDER les anciennes, qui vérifient les entrées
# déjà écrites. Obligatoire quand DEBUG=false (comme SECRET_KEY) ; en développement, une clé « dev » est
# dérivée de SECRET_KEY.
GUICHET_CLES_JOURNAL = env.list("GUICHET_CLES_JOURNAL", default=[])
if not GUICHET_CLES_JOURNAL:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Définir GUICHET_CLES_JOURNAL (clé du journal d'audit, « identifiant:secret ») : obligatoire "
            "quand DEBUG=false. Voir .env.example."
        )
    import hashlib

    GUICHET_CLES_JOURNAL = ["dev:" + hashlib.sha256(b"guichet-journal:" + SECRET_KEY.encode()).hexdigest()]
# Les ancres (numéro et empreinte de la dernière entrée, signés) : un fichier en ajout seul, les journaux du
# serveur et, si une adresse est donnée, un courriel (à chaque `guichet ancrer_journal`).
GUICHET_JOURNAL_ANCRES = env.str("GUICHET_JOURNAL_ANCRES", default=str(DATA_DIR / "journal" / "ancres.jsonl"))
GUICHET_JOURNAL_ANCRES_EMAIL = env.list("GUICHET_JOURNAL_ANCRES_EMAIL", default=[])
# L'écrivain publie aussi une ancre toutes les N entrées (0 : seulement par la commande).
GUICHET_JOURNAL_ANCRAGE_INTERVALLE = env.int("GUICHET_JOURNAL_ANCRAGE_INTERVALLE", default=100)
# --- fin du bloc journal ---


# --- ProConnect : connexion des agents publics, fédération d'identité de l'État (guichet.comptes.proconnect) ---
# Active seulement si les trois réglages sont donnés ; PROCONNECT_URL est la base de ses adresses, par exemple
# https://auth.agentconnect.gouv.fr/api/v2 (production) ; le client et son secret viennent de l'inscription du service.
PROCONNECT_URL = env.str("PROCONNECT_URL", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("PROCONNECT_CLIENT_SECRET", default="")
PROCONNECT_ACTIF = bool(PROCONNECT_URL and OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET)
PROCONNECT_EMETTEUR = env.str("PROCONNECT_EMETTEUR", default=PROCONNECT_URL)
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROCONNECT_URL}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{PROCONNECT_URL}/token"
OIDC_OP_USER_ENDPOINT = f"{PROCONNECT_URL}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{PROCONNECT_URL}/jwks"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env.str("PROCONNECT_SCOPES", default="openid email given_name usual_name")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "eidas1"}
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "comptes:proconnect_retour"
LOGIN_REDIRECT_URL_FAILURE = "comptes:connexion"
# Les niveaux (`acr`) où ProConnect affirme un second facteur : les rôles qui l'exigent ne demandent alors pas de TOTP.
PROCONNECT_ACR_DOUBLE_FACTEUR = env.list(
    "PROCONNECT_ACR_DOUBLE_FACTEUR",
    default=[
        "eidas2",
        "eidas3",
        "https://proconnect.gouv.fr/assurance/self-asserted-2fa",
        "https://proconnect.gouv.fr/assurance/consistency-checked-2fa",
    ],
)
