"""Test settings: the production settings module, with the few differences a test run needs.

Environment defaults are set before portal.settings is imported, so the same typed helpers
read them; anything set in the environment (DATABASE_URL, REDIS_URL in CI) still wins.
"""

from __future__ import annotations

import os

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-with-enough-length-and-variety-0123456789"
)
# The test client and the live server speak plain HTTP.
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Named, as production settings require with DEBUG off; the admin is on for its tests.
os.environ.setdefault("IDPORTEN_ENVIRONMENT", "local")
os.environ.setdefault("ADMIN_ENABLED", "true")
os.environ.setdefault("ADMIN_PIDS", "27858815024")

from portal.settings import *  # noqa: F403

# Hashed static names need collectstatic first; tests/portal/test_static.py covers that path.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collectstatic in a test run: whitenoise serves straight from the finders instead.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Never the keystore a `make run` on this machine left in var/pki: tests configure their own.
IDPORTEN_LOCAL_KEYSTORE_PATH = ""
# Nothing reaches a real login-history API by accident (the emulator on 8001, say): tests
# that want one point this at the test emulator or stub it.
IDPORTEN_LOGINHISTORY_BASE_URL = "http://127.0.0.1:9"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
