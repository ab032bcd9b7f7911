"""Settings for the citizen portal, read from environment variables (see .env.example).

Secure by default: DEBUG is off unless asked for, there is no fallback SECRET_KEY outside
debug, and cookies are Secure with HSTS on whenever DEBUG is off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from common.env import (
    database_from_url,
    envbool,
    envchoice,
    envfloat,
    envint,
    envlist,
    envnumbers,
    envsecret,
    envstr,
    envurl,
    fernet_keys,
)
from common.logging import logging_config
from idporten.environments import (
    ENVIRONMENTS,
    LOCAL_CLIENT_ID,
    LOCAL_CLIENT_SECRET,
    LOCAL_KEYSTORE,
    LOCAL_SERVER_CLIENT_ID,
)
from idporten.types import Acr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off")
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-local-development-only-never-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin with the portal's site: ID-porten logins only, off unless ADMIN_ENABLED.
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # intcomma: counts grouped as the language writes them ("10 000", "10,000").
    "django.contrib.humanize",
    "django_tables2",
    "portal",
    "idporten",
    "loginhistory",
    "authlevel",
    "caseworker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (it reads request.user): Permissions-Policy on every response, and
    # Cache-Control: private, no-store on every response to a logged-in user (portal/headers.py).
    "portal.headers.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "idporten.middleware.IdPortenSessionMiddleware",
    # After the session, the user and messages: it reads the preview state of the logged-in
    # caseworker and refuses every write while a preview is open.
    "caseworker.middleware.PreviewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: a logged-in user's policy names ID-porten (portal/csp.py).
    "portal.csp.PortalCSPMiddleware",
    # Last: the site's page for a 405, which the middleware above then give their headers.
    "portal.errors.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "caseworker.context_processors.caseworker_link",
            ],
        },
    },
]

# Database: SQLite for `make run`, PostgreSQL in production through DATABASE_URL.
DATABASES = {"default": database_from_url("DATABASE_URL", BASE_DIR / "var" / "portal.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared Redis when REDIS_URL is set, so every process on every machine sees the same
# cached tokens and lookups; process-local memory otherwise.
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            # Django's RedisCache with one client object per process (portal/cache.py).
            "BACKEND": "portal.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whether every process sees the same cache. What must not live on in one process after it
# changed in another (a user, the lookups of a citizen) is cached only then.
CACHE_IS_SHARED = bool(REDIS_URL)
# Rendered parts of the history page, under the version of the history they were rendered from
# (loginhistory/fragments.py): in each process's own memory, never in Redis, for no
# longer than the history itself is cached, and only so many: the least used go first.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 200},
}

# Sessions live in the database, never in a cookie. Like ID-porten's own session: 30 minutes
# idle, 120 minutes at most. The tokens are not in the session but in a row of their own,
# encrypted (idporten/session.py), with keys from TOKEN_ENCRYPTION_KEYS (newest first; derived
# from SECRET_KEY when not set).
# With Redis, a page view reads the session from Redis and not from the database (Django's
# cached_db: every write and every delete goes to both, and a miss or a Redis failure reads the
# database). Never with the process-local cache: a session ended in one process (a logout, a
# back-channel logout) would live on in the others' copies.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_IS_SHARED
    else "django.contrib.sessions.backends.db"
)
TOKEN_ENCRYPTION_KEYS = fernet_keys("TOKEN_ENCRYPTION_KEYS")
SESSION_COOKIE_AGE = 30 * 60
IDPORTEN_SESSION_MAX_SECONDS = 120 * 60

# --- ID-porten ---
# A named environment sets the issuer and the API addresses (idporten/environments.py);
# IDPORTEN_ISSUER and the URL variables below override them one by one.
IDPORTEN_ENVIRONMENT = envchoice("IDPORTEN_ENVIRONMENT", "local", tuple(ENVIRONMENTS))
# With DEBUG off the environment must be named, even local (portal/checks.py, portal.E001).
IDPORTEN_ENVIRONMENT_NAMED = bool(envstr("IDPORTEN_ENVIRONMENT", "").strip())
_environment = ENVIRONMENTS[IDPORTEN_ENVIRONMENT]
IDPORTEN_ISSUER = envurl("IDPORTEN_ISSUER", _environment.issuer)
_local = IDPORTEN_ENVIRONMENT == "local"
IDPORTEN_CLIENT_ID = envstr("IDPORTEN_CLIENT_ID", LOCAL_CLIENT_ID if _local else "")
IDPORTEN_CLIENT_SECRET = envsecret("IDPORTEN_CLIENT_SECRET") or (
    LOCAL_CLIENT_SECRET if _local else ""
)
if not IDPORTEN_CLIENT_ID or not IDPORTEN_CLIENT_SECRET:
    raise ImproperlyConfigured(
        f"IDPORTEN_CLIENT_ID and IDPORTEN_CLIENT_SECRET must be set for {IDPORTEN_ENVIRONMENT}"
    )
if _environment.production and (
    IDPORTEN_CLIENT_SECRET == LOCAL_CLIENT_SECRET or _environment.issuer != IDPORTEN_ISSUER
):
    # The local emulator's client, or a stray issuer, must never meet real citizens.
    raise ImproperlyConfigured(
        f"IDPORTEN_ENVIRONMENT={IDPORTEN_ENVIRONMENT} is production: it takes its own issuer "
        "and a real client, never the local emulator's"
    )
IDPORTEN_ACR_VALUES = envchoice(
    "IDPORTEN_ACR_VALUES", Acr.SUBSTANTIAL, (Acr.SUBSTANTIAL, Acr.HIGH, Acr.LEVEL3, Acr.LEVEL4)
)
# "all" reads /innlogginger/logg/idporten/all (every service; scope idporten:user.log.all.read),
# "own" reads /innlogginger/logg/idporten (this agency's services; idporten:user.log.read).
# The login asks for the scope the chosen endpoint needs, unless IDPORTEN_SCOPES says otherwise.
LOGINHISTORY_ENDPOINT = envchoice("LOGINHISTORY_ENDPOINT", "all", ("all", "own"))
_history_scope = {"all": "idporten:user.log.all.read", "own": "idporten:user.log.read"}
IDPORTEN_SCOPES = envstr(
    "IDPORTEN_SCOPES", f"openid profile {_history_scope[LOGINHISTORY_ENDPOINT]}"
)
IDPORTEN_AUTHLEVEL_BASE_URL = envstr(
    "IDPORTEN_AUTHLEVEL_BASE_URL", _environment.authlevel_base_url or ""
)
IDPORTEN_LOGINHISTORY_BASE_URL = envstr(
    "IDPORTEN_LOGINHISTORY_BASE_URL", _environment.loginhistory_base_url or ""
)
# The agency's server client for the JWT grant (the authlevel API) and its enterprise
# certificate: a PKCS#12 keystore, or PEM files. Configured but unusable stops start-up.
IDPORTEN_SERVER_CLIENT_ID = envstr(
    "IDPORTEN_SERVER_CLIENT_ID", LOCAL_SERVER_CLIENT_ID if _local else ""
)
IDPORTEN_KEYSTORE_PATH = envstr("IDPORTEN_KEYSTORE_PATH", "")
IDPORTEN_KEYSTORE_PASSWORD = envsecret("IDPORTEN_KEYSTORE_PASSWORD")
IDPORTEN_CERTIFICATE_PATH = envstr("IDPORTEN_CERTIFICATE_PATH", "")
IDPORTEN_PRIVATE_KEY_PATH = envstr("IDPORTEN_PRIVATE_KEY_PATH", "")
# Locally, the keystore the emulator's test PKI writes at `make run`, if it is there.
IDPORTEN_LOCAL_KEYSTORE_PATH = str(BASE_DIR / LOCAL_KEYSTORE) if _local else ""
# How long a citizen's authentication level is remembered.
AUTHLEVEL_CACHE_SECONDS = envint("AUTHLEVEL_CACHE_SECONDS", 600, minimum=0)
# Every call to ID-porten gives up after these many seconds (connecting, then reading).
IDPORTEN_CONNECT_TIMEOUT = envfloat("IDPORTEN_CONNECT_TIMEOUT", 3.0, minimum=0.1)
IDPORTEN_READ_TIMEOUT = envfloat("IDPORTEN_READ_TIMEOUT", 10.0, minimum=0.1)

# mozilla-django-oidc, set deliberately: PKCE and nonce always, client secret in a Basic
# header. Client, endpoints and timeouts come from the settings above and discovery
# (idporten.backend); ID tokens are verified, RS256 only, by idporten.id_token.
# ID-porten only: there is no password login, not even to the admin (portal/admin.py).
AUTHENTICATION_BACKENDS = ["idporten.backend.IdPortenBackend"]
OIDC_RP_SCOPES = IDPORTEN_SCOPES
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_AUTHENTICATION_CALLBACK_URL = "idporten:callback"
LOGIN_URL = "idporten:login"
LOGIN_REDIRECT_URL = "loginhistory:overview"

# Cookies. The emulator runs on the same host name, so our cookies carry names of their own.
# With Secure cookies the __Host- prefix also pins them to this exact origin and path.
SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG)
_cookie_prefix = "__Host-" if SECURE_COOKIES else ""
SESSION_COOKIE_NAME = f"{_cookie_prefix}portal_session"
CSRF_COOKIE_NAME = f"{_cookie_prefix}portal_csrf"
LANGUAGE_COOKIE_NAME = "portal_language"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A refused form (mostly a tab left open across a login elsewhere) gets the site's page, in the
# reader's language, with a way on; Django's own is in English and leads nowhere.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Transport security. Behind a TLS-terminating load balancer set BEHIND_TLS_PROXY=true so
# Django trusts its X-Forwarded-Proto header.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything the pages load is our own: no script or style inline (tests/portal/
# test_no_inline_code.py keeps it so), images only our own and Designsystemet's data: icons.
# The front-channel logout view sets its own policy, which ID-porten may frame.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.NONE],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
        "base-uri": [csp_constants.NONE],
    }
}

# Languages: bokmål is the default; nynorsk and English are complete.
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates and times written the Norwegian way round (portal/formats/en/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

# Static files: our own from static/, Designsystemet straight from node_modules (installed by
# npm at setup, never copied into the repository). Hashed names and compression in production.
STATIC_URL = "static/"
# None where nothing is collected (tests/settings.py).
STATIC_ROOT: Path | None = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("designsystemet", BASE_DIR / "node_modules" / "@digdir" / "designsystemet-css" / "dist"),
]
# With DEBUG on, whitenoise serves files straight from their sources, as they change.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Logging: one line per event on stderr, with national identity numbers masked whatever
# the message or its arguments contain.
LOG_LEVEL = envstr("LOG_LEVEL", "INFO")
LOGGING = logging_config(LOG_LEVEL)

# The name shown in the header and in every <title>, and who runs the service: the agency
# whose ID-porten client this is, named on the accessibility and privacy pages.
SERVICE_NAME = _("My login history")
AGENCY_NAME = envstr("AGENCY_NAME", "Digitaliseringsdirektoratet")
CONTACT_EMAIL = envstr("CONTACT_EMAIL", "postmottak@digdir.no")

# The Django admin: off in production unless enabled, and then only for these people, logged in
# with ID-porten at the high level (portal/admin.py). No password login exists.
ADMIN_ENABLED = envbool("ADMIN_ENABLED", DEBUG)
ADMIN_PIDS = envnumbers("ADMIN_PIDS")

# --- The login-history page (loginhistory/) ---
# How many logins to ask for (the API's maxhits). The emulator answers at most 10,000; ID-porten's
# own ceiling is undocumented (a 400 is logged as event=loginhistory_bad_request: lower this then).
LOGINHISTORY_MAXHITS = envint("LOGINHISTORY_MAXHITS", 10_000, minimum=1)
# Paging, sorting and filtering reuse the fetched history for this long; "Oppdater" fetches anew.
LOGINHISTORY_CACHE_SECONDS = envint("LOGINHISTORY_CACHE_SECONDS", 120, minimum=0)
# Kept short: the page waits for the history before it shows anything.
LOGINHISTORY_READ_TIMEOUT = envfloat("LOGINHISTORY_READ_TIMEOUT", 5.0, minimum=0.1)
