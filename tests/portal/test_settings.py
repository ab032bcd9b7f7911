"""The settings module itself, loaded in a fresh interpreter under production-like environments.

Settings are read once per process, so each case runs `manage.py` in a subprocess with an
environment of its own rather than reloading modules inside the test process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "x7Jk2mQp9vLr4Tz8Wc1Nf6Hb3Yd5Gs0Ae-prod-like-secret-for-the-deploy-check"


# Nothing from the test process's own environment that a deployment would not have:
# DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests and is itself a deploy warning, and
# the test settings' own defaults (tests/settings.py) and CI's database and Redis stay out too.
LEAKS = {
    "DEBUG",
    "SECRET_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "IDPORTEN_ENVIRONMENT",
    "ADMIN_ENABLED",
    "ADMIN_PIDS",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
}


def clean_environment(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in LEAKS}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    return clean


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = clean_environment(**env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


# What a production deployment sets (portal/checks.py says what happens without each).
PRODUCTION = {
    "SECRET_KEY": PRODUCTION_SECRET,
    "ALLOWED_HOSTS": "innlogging.example.no",
    "IDPORTEN_ENVIRONMENT": "prod",
    "IDPORTEN_CLIENT_ID": "agency-client",
    "IDPORTEN_CLIENT_SECRET": "a-real-secret",
    "DATABASE_URL": "postgres://portal@db.example.no:5432/portal",
    "REDIS_URL": "redis://cache.example.no:6379/0",
}


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
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
    assert engine == "django.contrib.sessions.backends.db"


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


def production_with(**changes: str) -> dict[str, str]:
    """PRODUCTION with some variables changed; an empty value leaves the variable out."""
    env = {**PRODUCTION, **changes}
    return {name: value for name, value in env.items() if value}


def check_output(*args: str, **env: str) -> tuple[int, str]:
    result = manage("check", *args, **env)
    return result.returncode, result.stdout + result.stderr


def test_debug_off_needs_the_environment_named():
    status, output = check_output(**production_with(IDPORTEN_ENVIRONMENT=""))
    assert status != 0
    assert "portal.E001" in output and "IDPORTEN_ENVIRONMENT must be set" in output


def test_local_with_debug_off_is_allowed_when_named_with_a_warning():
    env = production_with(
        IDPORTEN_ENVIRONMENT="local", IDPORTEN_CLIENT_ID="", IDPORTEN_CLIENT_SECRET=""
    )
    status, output = check_output(**env)
    assert status == 0, output
    assert "portal.W001" in output
    strict, _ = check_output("--fail-level", "WARNING", **env)
    assert strict != 0


@pytest.mark.parametrize(
    "name", ["IDPORTEN_ISSUER", "IDPORTEN_AUTHLEVEL_BASE_URL", "IDPORTEN_LOGINHISTORY_BASE_URL"]
)
@pytest.mark.parametrize("environment", ["test", "prod", "prod-old"])
def test_every_id_porten_address_must_be_https_in_a_real_environment(name, environment):
    env = production_with(IDPORTEN_ENVIRONMENT=environment, **{name: "http://localhost:8001"})
    status, output = check_output(**env)
    assert status != 0
    # prod and prod-old refuse another issuer outright, before any check runs.
    assert f"(portal.E002) {name} must be an https:// address" in output or (
        name == "IDPORTEN_ISSUER" and "is production" in output
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("IDPORTEN_CLIENT_ID", "local-min-innloggingshistorikk"),
        ("IDPORTEN_SERVER_CLIENT_ID", "local-min-innloggingshistorikk-server"),
        ("IDPORTEN_KEYSTORE_PATH", "var/pki/local-min-innloggingshistorikk-server.p12"),
    ],
)
def test_no_emulator_value_is_accepted_in_a_real_environment(name, value, tmp_path):
    env = production_with(IDPORTEN_ENVIRONMENT="test", **{name: value})
    if name == "IDPORTEN_KEYSTORE_PATH":
        env["IDPORTEN_SERVER_CLIENT_ID"] = "agency-server-client"
        env["IDPORTEN_KEYSTORE_PASSWORD"] = "unused"
    status, output = check_output(**env)
    assert status != 0
    assert f"{name} is the local emulator's" in output or (
        # A keystore that is not there stops start-up earlier, naming the same setting.
        name == "IDPORTEN_KEYSTORE_PATH" and "IDPORTEN_KEYSTORE_PATH" in output
    )


def test_the_emulators_client_secret_is_refused_in_the_test_environment():
    env = production_with(
        IDPORTEN_ENVIRONMENT="test",
        IDPORTEN_CLIENT_SECRET="local-emulator-secret-not-for-production",
    )
    status, output = check_output(**env)
    assert status != 0
    assert "(portal.E003) IDPORTEN_CLIENT_SECRET is the local emulator's" in output


def test_debug_off_needs_postgresql():
    status, output = check_output(**production_with(DATABASE_URL=""))
    assert status != 0
    assert "(portal.E004) DATABASE_URL must name a PostgreSQL database" in output


def test_a_process_local_cache_is_said_at_start():
    status, output = check_output(**production_with(REDIS_URL=""))
    assert status == 0, output
    assert "portal.W002" in output and "REDIS_URL" in output


def test_an_admin_nobody_may_use_is_said():
    status, output = check_output(**production_with(ADMIN_ENABLED="true"))
    assert status == 0, output
    assert "portal.W003" in output


def test_an_admin_number_that_is_not_one_stops_start_up_naming_the_setting():
    status, output = check_output(**production_with(ADMIN_PIDS="15878510035,12345678901"))
    assert status != 0
    assert "ADMIN_PIDS holds 123456*****" in output
    assert "12345678901" not in output


def wsgi_start(*, then: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """What gunicorn does first: import portal.wsgi (without serving anything); `then` runs
    after it."""
    clean = clean_environment(**env)
    return subprocess.run(
        [sys.executable, "-c", f"import portal.wsgi\n{then}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_gunicorns_start_stops_at_a_failing_check_naming_the_setting():
    result = wsgi_start(**production_with(DATABASE_URL=""))
    assert result.returncode != 0
    assert "portal.E004: DATABASE_URL must name a PostgreSQL database" in result.stderr


def test_the_loaded_application_is_kept_out_of_the_collectors_sight():
    """gunicorn forks its workers from the loaded application (preload_app): a collection in
    a worker that walked those objects would copy their pages, and took the longest pauses."""
    result = wsgi_start(then="import gc; print(gc.get_freeze_count())", **production_with())
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10_000


def test_gunicorns_start_logs_the_warnings_and_goes_on():
    result = wsgi_start(**production_with(REDIS_URL=""))
    assert result.returncode == 0, result.stderr
    assert "event=system_check id=portal.W002" in result.stderr
