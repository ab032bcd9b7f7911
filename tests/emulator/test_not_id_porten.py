"""The emulator never passes for ID-porten.

With DEBUG off it runs in demo mode (no control API), refuses to start without a secret key of
its own (the fixed local key is public, and every pairwise `sub` is an HMAC under it), takes the
portal's transport security (`check --deploy` is clean), and every page and the discovery
document say it is a test emulator. DEBUG on (`make run`, the test suite) keeps working as before.

Settings are read once per process, so the settings cases run `manage.py --settings=
emulator.settings` in a subprocess with a clean environment of their own, as
tests/portal/test_settings.py does for the portal. The control API's loopback rule is in
test_control.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.emulator.support import Emulator

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "emulator" / "templates"
DEMO_SECRET = "Qv8rT2mXk9Lp4Wz7Nc1Hf6Jb3Yd5Gs0Ae-demo-emulator-secret-for-the-deploy-check"
LOCAL_SECRET_KEY = "emulator-local-only-not-a-production-secret"  # public on purpose
# The first words of the test-emulator notice (emulator/templates/emulator/notice.html) in each
# language: the page must show the translation, not fall back to English.
NOTICE = {
    "nb": "Dette er en lokal testemulator, ikke den ekte ID-porten.",
    "nn": "Dette er ein lokal testemulator, ikkje den ekte ID-porten.",
    "en": "This is a local test emulator, not the real ID-porten.",
}


def manage(*args: str, database: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """manage.py with the emulator's settings, in an environment a deployment could have:
    nothing of the test process's DEBUG, DJANGO_* or EMULATOR_* variables leaks in."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if name != "DEBUG" and not name.startswith(("DJANGO_", "EMULATOR_"))
    }
    clean.update({"EMULATOR_DATABASE_URL": f"sqlite:///{database}", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=emulator.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_values(*names: str, database: Path, **env: str) -> list[str]:
    script = f"from django.conf import settings as s; print(*(getattr(s, n) for n in {names!r}))"
    result = manage("shell", "-v", "0", "-c", script, database=database, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """Never var/emulator.sqlite3 of a `make run` on this machine."""
    return tmp_path / "emulator.sqlite3"


# --- The mode ----------------------------------------------------------------------------------


def test_with_debug_off_the_mode_is_demo(database: Path) -> None:
    assert settings_values("EMULATOR_MODE", database=database, EMULATOR_SECRET_KEY=DEMO_SECRET) == [
        "demo"
    ]


def test_with_debug_on_the_mode_is_dev(database: Path) -> None:
    assert settings_values("EMULATOR_MODE", database=database, DEBUG="true") == ["dev"]


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({"EMULATOR_MODE": "dev", "EMULATOR_SECRET_KEY": DEMO_SECRET}, "dev"),
        ({"EMULATOR_MODE": "test", "EMULATOR_SECRET_KEY": DEMO_SECRET}, "test"),
        ({"EMULATOR_MODE": "demo", "DEBUG": "true"}, "demo"),
    ],
)
def test_an_explicit_mode_wins_over_the_default(
    database: Path, env: dict[str, str], mode: str
) -> None:
    assert settings_values("EMULATOR_MODE", database=database, **env) == [mode]


def test_a_bad_mode_stops_start_up_naming_the_variable(database: Path) -> None:
    result = manage("check", database=database, DEBUG="true", EMULATOR_MODE="production")

    assert result.returncode != 0
    assert "EMULATOR_MODE must be one of dev, test, demo, not 'production'" in result.stderr


# --- The secret key ----------------------------------------------------------------------------


def test_with_debug_off_it_refuses_to_start_without_a_secret_key(database: Path) -> None:
    result = manage("check", database=database)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMULATOR_SECRET_KEY (or EMULATOR_SECRET_KEY_FILE) must be set" in result.stderr


def test_with_debug_off_it_refuses_the_public_local_key(database: Path) -> None:
    result = manage("check", database=database, EMULATOR_SECRET_KEY=LOCAL_SECRET_KEY)

    assert result.returncode != 0
    assert "EMULATOR_SECRET_KEY (or EMULATOR_SECRET_KEY_FILE) must be set" in result.stderr


def test_with_debug_off_the_key_may_come_from_a_file(database: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "emulator-secret-key"
    key_file.write_text(DEMO_SECRET + "\n", encoding="utf-8")

    values = settings_values(
        "SECRET_KEY", database=database, EMULATOR_SECRET_KEY_FILE=str(key_file)
    )

    assert values == [DEMO_SECRET]


def test_with_debug_on_the_fixed_local_key_stays(database: Path) -> None:
    # make run and the test suite's emulator run so: their `sub` values stay what they were.
    assert settings_values("SECRET_KEY", database=database, DEBUG="true") == [LOCAL_SECRET_KEY]


# --- Transport security and the deploy check ---------------------------------------------------


def test_check_deploy_is_clean_in_demo_mode(database: Path) -> None:
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", database=database,
        EMULATOR_SECRET_KEY=DEMO_SECRET, EMULATOR_ALLOWED_HOSTS="emulator.example.no",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


TRANSPORT = (
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
)


def test_with_debug_off_cookies_are_secure_and_https_is_enforced(database: Path) -> None:
    values = settings_values(*TRANSPORT, database=database, EMULATOR_SECRET_KEY=DEMO_SECRET)

    session, csrf, *secure, redirect, hsts, proxy_header = values
    assert (session, csrf) == ("__Host-idporten_emulator_session", "__Host-idporten_emulator_csrf")
    assert secure == ["True", "True", "True"]
    assert redirect == "True"
    assert int(hsts) >= 31536000
    assert proxy_header == "None"  # X-Forwarded-Proto is not trusted unless asked for


def test_a_plain_http_demo_turns_each_of_them_off(database: Path) -> None:
    values = settings_values(
        *TRANSPORT, database=database, EMULATOR_SECRET_KEY=DEMO_SECRET,
        EMULATOR_SECURE_COOKIES="false", EMULATOR_SECURE_SSL_REDIRECT="false",
        EMULATOR_SECURE_HSTS_SECONDS="0",
    )  # fmt: skip

    assert values == [
        "idporten_emulator_session",
        "idporten_emulator_csrf",
        *["False"] * 4,
        "0",
        "None",
    ]


def test_behind_a_tls_proxy_it_trusts_x_forwarded_proto(database: Path) -> None:
    script = "from django.conf import settings as s; print(*s.SECURE_PROXY_SSL_HEADER)"
    result = manage(
        "shell", "-v", "0", "-c", script, database=database,
        EMULATOR_SECRET_KEY=DEMO_SECRET, EMULATOR_BEHIND_TLS_PROXY="true",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_with_debug_on_it_speaks_plain_http_as_before(database: Path) -> None:
    values = settings_values(*TRANSPORT, database=database, DEBUG="true")

    assert values == [
        "idporten_emulator_session",
        "idporten_emulator_csrf",
        *["False"] * 4,
        "0",
        "None",
    ]


@pytest.mark.parametrize("name", ["EMULATOR_SECURE_COOKIES", "EMULATOR_SECURE_SSL_REDIRECT"])
def test_a_bad_switch_stops_start_up_naming_the_variable(database: Path, name: str) -> None:
    result = manage("check", database=database, DEBUG="true", **{name: "sometimes"})

    assert result.returncode != 0
    assert f"{name} must be true or false" in result.stderr


# --- Every page says it is a test emulator -----------------------------------------------------

# Runs in the emulator's process under DEBUG off, where Django renders 404.html and the other
# error templates instead of its technical pages. The client speaks HTTPS (the SSL redirect).
DEBUG_OFF_PAGES = """
import json
from django.test import Client
answers = {}
for language in ("nb", "nn", "en"):
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE=language)
    for path in ("/no-such-page", "/_emulator/faults"):
        response = client.get(path, secure=True)
        answers[f"{language} {path}"] = [response.status_code, response.content.decode()]
print(json.dumps(answers))
"""


def test_with_debug_off_a_missing_page_says_it_is_a_test_emulator(database: Path) -> None:
    result = manage(
        "shell", "-v", "0", "-c", DEBUG_OFF_PAGES, database=database,
        EMULATOR_SECRET_KEY=DEMO_SECRET,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)

    for language, notice in NOTICE.items():
        status, page = answers[f"{language} /no-such-page"]
        assert status == 404
        assert notice in page, page
        # The control API in demo mode, even from loopback: exactly a page that does not exist.
        assert answers[f"{language} /_emulator/faults"] == [404, page]


# Every template named in PAGES, in each language. Rendered without a request, as
# Django's server_error, bad_request and csrf_failure views render theirs.
RENDER_ALL = """
import json, os
from django.template.loader import render_to_string
from django.utils import translation
answers = {}
for name in json.loads(os.environ["PAGES"]):
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            answers[f"{language} {name}"] = render_to_string(name, {"form": None})
print(json.dumps(answers))
"""

# Not pages of their own: the layout every page extends, the notice it includes, and the
# parts that pages include (named with a leading "_").
NOT_PAGES = {"emulator/base.html", "emulator/notice.html"}


def _page_templates() -> list[str]:
    paths = sorted(TEMPLATES.rglob("*.html"))
    names = [str(path.relative_to(TEMPLATES)) for path in paths if not path.name.startswith("_")]
    return [name for name in names if name not in NOT_PAGES]


def test_every_template_extends_the_layout_or_shows_the_notice() -> None:
    # A new template that neither extends base.html nor shows the notice fails here.
    for name in _page_templates():
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        extends = re.search(r'{%\s*extends\s+"([^"]+)"', source)
        assert extends, name
        assert extends.group(1) == "emulator/base.html" or "local test emulator" in source, name
    assert 'include "emulator/notice.html"' in (TEMPLATES / "emulator/base.html").read_text()


def test_every_page_shows_the_notice_in_each_language(database: Path) -> None:
    names = _page_templates()
    assert {"400.html", "403.html", "403_csrf.html", "404.html", "500.html"} <= set(names)
    assert "admin/base_site.html" in names
    result = manage(
        "shell", "-v", "0", "-c", RENDER_ALL, database=database,
        EMULATOR_SECRET_KEY=DEMO_SECRET, PAGES=json.dumps(names),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout)

    for name in names:
        for language, notice in NOTICE.items():
            assert notice in pages[f"{language} {name}"], f"{name} in {language}"


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_admin_says_it_is_a_test_emulator(emulator: Emulator, language: str) -> None:
    page = requests.get(
        f"{emulator.url}/admin/login/", headers={"Accept-Language": language}, timeout=10
    )

    assert page.status_code == 200
    assert NOTICE[language] in page.text
    title = re.search(r"<title>(.*?)</title>", page.text, re.S)
    assert title and "emulator" in title.group(1), page.text[:500]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_front_page_says_what_the_emulator_is(emulator: Emulator, language: str) -> None:
    page = requests.get(f"{emulator.url}/", headers={"Accept-Language": language}, timeout=10)

    assert page.status_code == 200
    assert NOTICE[language] in page.text
    assert 'href="/.well-known/openid-configuration"' in page.text


# --- Discovery ---------------------------------------------------------------------------------


def test_discovery_says_it_is_an_emulator_and_not_id_porten(emulator: Emulator) -> None:
    metadata = requests.get(f"{emulator.url}/.well-known/openid-configuration", timeout=5).json()

    assert metadata["emulator"] == (
        "Local ID-porten emulator for development and tests; not ID-porten"
    )
    assert metadata["service_documentation"] == f"{emulator.issuer}/"
    documentation = requests.get(metadata["service_documentation"], timeout=5)
    assert documentation.status_code == 200
    assert NOTICE["nb"] in documentation.text  # bokmål unless the browser asks otherwise
