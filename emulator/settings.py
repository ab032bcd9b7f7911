"""Settings for the local ID-porten emulator, a separate process (default http://localhost:8001).

It is for development and tests only: it never runs in production, and the portal refuses to
start against it in an ID-porten production environment.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from common.env import (
    database_from_url,
    envbool,
    envchoice,
    envlist,
    envsecret,
    envstr,
    envurl,
)
from common.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
# "dev" (make run) and "test" (the test suite) enable the fault-injection control endpoint.
EMULATOR_MODE = envchoice("EMULATOR_MODE", "dev", ("dev", "test", "demo"))
# The OpenID issuer, exactly as it appears in tokens and discovery (no trailing slash, like
# the new ID-porten platform).
EMULATOR_ISSUER = envurl("EMULATOR_ISSUER", "http://localhost:8001")
EMULATOR_CLIENTS_FILE = Path(
    envstr("EMULATOR_CLIENTS_FILE", "") or BASE_DIR / "emulator" / "clients.json"
)
# The test PKI of the JWT grant (emulator_pki): the CA the grant trusts and the clients'
# PKCS#12 files. Tests point it at a temporary folder.
EMULATOR_PKI_DIR = Path(envstr("EMULATOR_PKI_DIR", "") or BASE_DIR / "var" / "pki")

# A fixed key is fine here: the emulator holds only synthetic people and never runs in
# production. A deployment of a shared demo emulator can still set its own.
SECRET_KEY = envsecret("EMULATOR_SECRET_KEY") or "emulator-local-only-not-a-production-secret"

ALLOWED_HOSTS = envlist("EMULATOR_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "emulator",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The portal runs on the same host name: cookie names of our own keep the two apart.
SESSION_COOKIE_NAME = "idporten_emulator_session"
CSRF_COOKIE_NAME = "idporten_emulator_csrf"
LANGUAGE_COOKIE_NAME = "idporten_emulator_language"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
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
