"""Settings for the local ID-porten emulator, a separate process (default http://localhost:8001).

It is for development and tests only: it never runs in production, and the portal refuses to
start against it in an ID-porten production environment. It must never pass for ID-porten
either: with DEBUG off (anything but `make run` and the test suite) it runs in demo mode, without
the control API, refuses to start without a secret key of its own, and takes the secure
transport settings the portal takes (`check --deploy` is clean).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from common.env import (
    database_from_url,
    envbool,
    envchoice,
    envint,
    envlist,
    envsecret,
    envstr,
    envurl,
)
from common.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
# "dev" (make run) and "test" (the test suite) enable the control API (faults, clock, clients;
# emulator/views/control.py), and then only for requests from a loopback address. "demo" has
# none: it is the default whenever DEBUG is off, so only an explicit choice turns the API on.
EMULATOR_MODE = envchoice("EMULATOR_MODE", "dev" if DEBUG else "demo", ("dev", "test", "demo"))
# The OpenID issuer, exactly as it appears in tokens and discovery (no trailing slash, like
# the new ID-porten platform).
EMULATOR_ISSUER = envurl("EMULATOR_ISSUER", "http://localhost:8001")
EMULATOR_CLIENTS_FILE = Path(
    envstr("EMULATOR_CLIENTS_FILE", "") or BASE_DIR / "emulator" / "clients.json"
)
# Another team's clients, besides those of EMULATOR_CLIENTS_FILE: read again on the first
# request after the file changes, without a restart (emulator/client_config.py).
_extra_clients_file = envstr("EMULATOR_EXTRA_CLIENTS_FILE", "")
EMULATOR_EXTRA_CLIENTS_FILE = Path(_extra_clients_file) if _extra_clients_file else None
# The same list inline, for a container started without a file beside it: registered when the
# process starts, after EMULATOR_CLIENTS_FILE and before EMULATOR_EXTRA_CLIENTS_FILE (the later
# definition of a client_id wins). A bad definition stops the start.
try:
    EMULATOR_EXTRA_CLIENTS = json.loads(envstr("EMULATOR_EXTRA_CLIENTS", "") or "[]")
except ValueError as error:
    raise ImproperlyConfigured(f"EMULATOR_EXTRA_CLIENTS is not valid JSON: {error}") from None
if not isinstance(EMULATOR_EXTRA_CLIENTS, list) or not all(
    isinstance(definition, dict) for definition in EMULATOR_EXTRA_CLIENTS
):
    raise ImproperlyConfigured("EMULATOR_EXTRA_CLIENTS must be a JSON list of client objects")
# The team's own synthetic test citizens, on the TestID page and with a generated history if
# asked; read again on the first request after the file changes (emulator/persona_config.py).
_extra_personas_file = envstr("EMULATOR_EXTRA_PERSONAS_FILE", "")
EMULATOR_EXTRA_PERSONAS_FILE = Path(_extra_personas_file) if _extra_personas_file else None
# The test PKI of the JWT grant (emulator_pki): the CA the grant trusts and the clients'
# PKCS#12 files. Tests point it at a temporary folder.
EMULATOR_PKI_DIR = Path(envstr("EMULATOR_PKI_DIR", "") or BASE_DIR / "var" / "pki")

# The key signs the emulator's sessions and is the HMAC key of every pairwise `sub` it issues
# (emulator/tokens.py). The fixed local key is public, so anyone could compute those: it is only
# for DEBUG (make run, the tests), and anything else must bring a key of its own.
LOCAL_SECRET_KEY = "emulator-local-only-not-a-production-secret"  # noqa: S105
SECRET_KEY = envsecret("EMULATOR_SECRET_KEY")
if not DEBUG and SECRET_KEY in ("", LOCAL_SECRET_KEY):
    raise ImproperlyConfigured(
        "EMULATOR_SECRET_KEY (or EMULATOR_SECRET_KEY_FILE) must be set to a secret of its own "
        "when DEBUG is off: the emulator's fixed local key is public"
    )
SECRET_KEY = SECRET_KEY or LOCAL_SECRET_KEY

ALLOWED_HOSTS = envlist("EMULATOR_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    # First, so that its admin/base_site.html (the test-emulator notice) wins over the admin's.
    "emulator",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # One read of the clock offset per request (emulator/clock.py).
    "emulator.clock.clock_middleware",
    # Registers EMULATOR_EXTRA_CLIENTS at start; then one stat of EMULATOR_EXTRA_CLIENTS_FILE
    # and EMULATOR_EXTRA_PERSONAS_FILE per request, a read when one changed.
    "emulator.client_config.extra_clients_middleware",
    # In dev and test mode, each request to an OpenID endpoint, for the debugger page.
    "emulator.debugger.debugger_middleware",
]

ROOT_URLCONF = "emulator.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url("EMULATOR_DATABASE_URL", BASE_DIR / "var" / "emulator.sqlite3")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two requests at once (the portal asks both APIs side by side) each read, then write, in
    # one transaction (a fault taken, a token issued). SQLite cannot upgrade two readers to
    # writers and fails one of them at once with "database is locked"; a transaction that takes
    # the write lock when it begins makes the second wait its turn instead.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The portal runs on the same host name: cookie names of our own keep the two apart. With DEBUG
# off the cookies are Secure (and __Host- pinned to this origin), as the portal's are; a demo on
# plain HTTP without TLS turns that off with EMULATOR_SECURE_COOKIES=false.
EMULATOR_SECURE_COOKIES = envbool("EMULATOR_SECURE_COOKIES", not DEBUG)
_cookie_prefix = "__Host-" if EMULATOR_SECURE_COOKIES else ""
SESSION_COOKIE_NAME = f"{_cookie_prefix}idporten_emulator_session"
CSRF_COOKIE_NAME = f"{_cookie_prefix}idporten_emulator_csrf"
LANGUAGE_COOKIE_NAME = "idporten_emulator_language"
SESSION_COOKIE_SECURE = EMULATOR_SECURE_COOKIES
CSRF_COOKIE_SECURE = EMULATOR_SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = EMULATOR_SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Transport security, as the portal's (portal/settings.py), each with a variable of its own so
# that a demo over plain HTTP can turn it off. Behind a TLS-terminating proxy set
# EMULATOR_BEHIND_TLS_PROXY=true so Django trusts its X-Forwarded-Proto header (only that one:
# the control API's loopback rule reads REMOTE_ADDR and never X-Forwarded-For).
SECURE_SSL_REDIRECT = envbool("EMULATOR_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("EMULATOR_SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if envbool("EMULATOR_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("nn", _("Norwegian Nynorsk")), ("en", _("English"))]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "emulator-static"
STATICFILES_DIRS = [
    ("designsystemet", BASE_DIR / "node_modules" / "@digdir" / "designsystemet-css" / "dist"),
]

LOGGING = logging_config("INFO")
