"""The settings module itself, loaded in a fresh interpreter under production-like environments.

Settings are read once per process, so each case runs `manage.py` in a subprocess with an
environment of its own rather than reloading modules inside the test process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "x7Jk2mQp9vLr4Tz8Wc1Nf6Hb3Yd5Gs0Ae-prod-like-secret-for-the-deploy-check"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Nothing from the test process's own environment that a deployment would not have:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests and is itself a deploy warning.
    leaks = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in leaks}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    clean.pop("SECURE_COOKIES", None)
    clean.pop("SECURE_SSL_REDIRECT", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=PRODUCTION_SECRET, ALLOWED_HOSTS="innlogging.example.no",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_outside_debug():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off" in result.stderr


def test_debug_alone_runs_without_a_secret_key():
    result = manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_a_bad_value_stops_start_up_naming_the_variable():
    result = manage("check", DEBUG="yes please")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_production_cookies_are_secure_and_host_bound():
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_ENGINE)"
    )
    result = manage("shell", "-v", "0", "-c", script, SECRET_KEY=PRODUCTION_SECRET)
    assert result.returncode == 0, result.stderr
    name, session_secure, csrf_secure, hsts, redirect, engine = result.stdout.split()
    assert name == "__Host-portal_session"
    assert (session_secure, csrf_secure, redirect) == ("True", "True", "True")
    assert int(hsts) >= 31536000
    assert engine == "idporten.session_store"


def test_debug_turns_off_secure_cookies_and_hsts_for_local_http():
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    result = manage("shell", "-v", "0", "-c", script, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "0"]


def test_a_production_environment_refuses_the_local_emulators_client():
    result = manage(
        "check",
        SECRET_KEY=PRODUCTION_SECRET,
        IDPORTEN_ENVIRONMENT="prod",
        IDPORTEN_CLIENT_ID="local-min-innloggingshistorikk",
        IDPORTEN_CLIENT_SECRET="local-emulator-secret-not-for-production",
    )
    assert result.returncode != 0
    assert "IDPORTEN_ENVIRONMENT=prod is production" in result.stderr


def test_a_production_environment_refuses_another_issuer():
    result = manage(
        "check",
        SECRET_KEY=PRODUCTION_SECRET,
        IDPORTEN_ENVIRONMENT="prod",
        IDPORTEN_ISSUER="http://localhost:8001",
        IDPORTEN_CLIENT_ID="agency-client",
        IDPORTEN_CLIENT_SECRET="a-real-secret",
    )
    assert result.returncode != 0
    assert "IDPORTEN_ENVIRONMENT=prod is production" in result.stderr


def test_outside_local_the_client_must_be_configured():
    result = manage("check", SECRET_KEY=PRODUCTION_SECRET, IDPORTEN_ENVIRONMENT="test")
    assert result.returncode != 0
    assert "IDPORTEN_CLIENT_ID and IDPORTEN_CLIENT_SECRET must be set for test" in result.stderr


def test_a_real_environment_with_its_client_starts():
    script = "from django.conf import settings as s; print(s.IDPORTEN_ISSUER)"
    result = manage(
        "shell", "-v", "0", "-c", script,
        SECRET_KEY=PRODUCTION_SECRET, IDPORTEN_ENVIRONMENT="prod",
        IDPORTEN_CLIENT_ID="agency-client", IDPORTEN_CLIENT_SECRET="a-real-secret",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://idporten.no"


def test_the_default_scopes_follow_the_history_endpoint():
    script = "from django.conf import settings as s; print(s.OIDC_RP_SCOPES)"
    for endpoint, scope in (
        ("all", "idporten:user.log.all.read"),
        ("own", "idporten:user.log.read"),
    ):
        result = manage(
            "shell", "-v", "0", "-c", script, DEBUG="true", LOGINHISTORY_ENDPOINT=endpoint
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["openid", "profile", scope]
