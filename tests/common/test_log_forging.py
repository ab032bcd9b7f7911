"""No request can write a log line of its own ("log forging"), by any of the three routes in:
a record's message or arguments (common.logging, every handler logging_config builds), the
callback's `error` parameter (idporten.views, through the real handler), and gunicorn's access
and error logs (portal.gunicorn_logging, under the real gunicorn). National identity numbers
stay masked on each route."""

from __future__ import annotations

import datetime
import io
import logging
import runpy
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from gunicorn.config import Config

from common.logging import CONTINUATION_INDENT, logging_config
from portal.gunicorn_logging import PortalLogger
from tests.gunicorn_support import GunicornPortal, gunicorn_portal

FORGED_TIMESTAMP = "2026-12-01 14:30:00,000"
FORGED = f"{FORGED_TIMESTAMP} INFO idporten.login event=login_succeeded acr=FORGED"
INJECTION = "\n" + FORGED
# The same, URL-encoded as an attacker sends it.
INJECTION_IN_URL = "%0a" + FORGED.replace(" ", "%20")
PID = "15878510035"
PID_MASKED = "158785*****"
ROOT = Path(__file__).resolve().parents[2]


def forged_lines(text: str) -> list[str]:
    """Lines that a reader (or a log shipper splitting on line breaks) takes for a record of
    the forged event."""
    return [line for line in text.splitlines() if line.startswith(FORGED_TIMESTAMP)]


def configured_handlers() -> list[logging.Handler]:
    """The handlers Django built from settings.LOGGING (logging_config), as they run now."""
    names = logging_config("INFO")["handlers"]
    assert isinstance(names, dict)
    handlers = [h for h in logging.getLogger().handlers if h.name in names]
    assert {h.name for h in handlers} == set(names), "settings.LOGGING is not logging_config"
    return handlers


def record(msg: str, *args: object, exc_info: Any = None) -> logging.LogRecord:
    return logging.LogRecord(
        "idporten.login", logging.WARNING, __file__, 1, msg, args or None, exc_info
    )


# --- (a) the logging path: every handler logging_config builds ---


@pytest.mark.parametrize(
    "message, args",
    [
        ("event=login_failed kind=refused check=%s", (f"op_error_{INJECTION}",)),
        (f"event=login_failed check=op_error_{INJECTION}", ()),
        ("event=%(what)s", ({"what": INJECTION},)),
    ],
    ids=["in an argument", "in the message", "in a mapping argument"],
)
def test_a_newline_in_a_message_or_its_arguments_stays_on_the_one_line(message, args):
    for handler in configured_handlers():
        line = handler.format(record(message, *args))
        assert line.splitlines() == [line], f"{handler.name}: {line!r}"
        assert "\\n" + FORGED in line


def test_every_control_character_is_escaped_and_numbers_stay_masked():
    controls = "".join(map(chr, [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]))
    for handler in configured_handlers():
        # Right before the number, an escape (\x01) must not hide it from the mask.
        line = handler.format(record("pid=%s controls=%s", "\x01" + PID, controls))
        assert line.splitlines() == [line]
        assert all(ch not in line for ch in controls)
        assert (
            "\\t\\n\\x0b\\x0c\\r" in line
            and "\\x1b" in line
            and "\\x85" in line
            and "\\u2028" in line
        )
        assert f"pid=\\x01{PID_MASKED}" in line
        assert PID not in line


def _raise_with_message(message: str) -> Any:
    try:
        try:
            raise KeyError("the cause")
        except KeyError as cause:
            raise ValueError(message) from cause
    except ValueError:
        return sys.exc_info()


def test_a_newline_in_an_exception_message_cannot_start_a_record():
    exc_info = _raise_with_message(f"bad person {PID}{INJECTION}")
    for handler in configured_handlers():
        text = handler.format(record("event=callback_crashed", exc_info=exc_info))
        first, *continuation = text.splitlines()
        assert first.endswith("event=callback_crashed")
        assert continuation, "the traceback is there"
        # A traceback is several lines; none of them can pass for a record of its own.
        assert all(line.startswith(CONTINUATION_INDENT) for line in continuation), text
        assert forged_lines(text) == []
        # The exception's message is escaped onto its own line, and masked.
        assert f"ValueError: bad person {PID_MASKED}\\n{FORGED}" in text
        assert PID not in text


def test_a_newline_in_a_note_or_a_cause_cannot_start_a_record():
    try:
        try:
            raise OSError(f"the cause{INJECTION}")
        except OSError as cause:
            error = RuntimeError("the error")
            error.add_note(f"a note{INJECTION}")
            raise error from cause
    except RuntimeError:
        exc_info = sys.exc_info()
    for handler in configured_handlers():
        text = handler.format(record("event=crashed", exc_info=exc_info))
        assert forged_lines(text) == []
        assert f"OSError: the cause\\n{FORGED}" in text
        assert f"a note\\n{FORGED}" in text
        assert all(line.startswith(CONTINUATION_INDENT) for line in text.splitlines()[1:])


def test_a_traceback_cached_unescaped_by_another_formatter_is_escaped_all_the_same():
    logged = record("event=crashed", exc_info=_raise_with_message(INJECTION))
    logging.Formatter().format(logged)  # caches record.exc_text, as a first handler would
    for handler in configured_handlers():
        assert forged_lines(handler.format(logged)) == []


# --- (b) the callback's `error` parameter, through the real handler and formatter ---


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the configured handlers write, while the test runs."""
    output = io.StringIO()
    handlers = configured_handlers()
    previous = [h.setStream(output) for h in handlers if isinstance(h, logging.StreamHandler)]
    assert previous, "logging_config writes to a stream"
    yield output
    for handler, stream in zip(handlers, previous, strict=True):
        if stream is not None:
            handler.setStream(stream)


@pytest.mark.django_db
def test_the_callbacks_error_parameter_cannot_forge_a_line(log_output: io.StringIO):
    client = Client()
    state = secrets.token_urlsafe(32)
    session = client.session
    session["oidc_states"] = {
        state: {"code_verifier": "v", "nonce": "n", "added_on": time.time()},
    }
    session.save()

    # As ID-porten answers: with its `iss` (RFC 9207), and an error of the attacker's making.
    issuer = quote(settings.IDPORTEN_ISSUER, safe="")
    response = client.get(f"/oidc/callback/?state={state}&iss={issuer}&error=x{INJECTION_IN_URL}")

    assert response.status_code == 400
    output = log_output.getvalue()
    assert forged_lines(output) == [], output
    assert "event=login_failed kind=refused check=op_error_x\\n2026-12-01" in output


# --- (c) gunicorn: its logger class, and the real portal under gunicorn ---


def production_gunicorn_config() -> Config:
    """gunicorn's settings as `gunicorn -c gunicorn.conf.py` reads them."""
    cfg = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


@dataclass
class GunicornLogs:
    logger: Any
    access: io.StringIO
    errors: io.StringIO


@pytest.fixture
def gunicorn_logs() -> Iterator[GunicornLogs]:
    """The logger class gunicorn.conf.py names, set up as gunicorn sets it up, with the
    handlers it built writing here instead of to stdout (the access log) and stderr."""
    cfg = production_gunicorn_config()
    assert cfg.logger_class is PortalLogger
    logger = cfg.logger_class(cfg)
    logs = GunicornLogs(logger, io.StringIO(), io.StringIO())
    for log, output in ((logger.access_log, logs.access), (logger.error_log, logs.errors)):
        streams = [h for h in log.handlers if getattr(h, "_gunicorn", False)]
        assert len(streams) == 1
        streams[0].setStream(output)
    yield logs
    for log in (logger.error_log, logger.access_log):
        for handler in [h for h in log.handlers if getattr(h, "_gunicorn", False)]:
            log.removeHandler(handler)
        for log_filter in list(log.filters):
            log.removeFilter(log_filter)


def _access(logger: Any, path: str, headers: list[tuple[str, str]]) -> None:
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1"}
    environ |= {"PATH_INFO": path, "QUERY_STRING": "", "REMOTE_ADDR": "127.0.0.1"}
    response = SimpleNamespace(status="404 Not Found", sent=179, headers=[])
    request = SimpleNamespace(headers=headers)
    logger.access(response, request, environ, datetime.timedelta(milliseconds=3))


def test_gunicorns_access_atoms_are_escaped_and_masked(gunicorn_logs: GunicornLogs):
    # The production format, and a header atom after it.
    cfg = gunicorn_logs.logger.cfg
    cfg.set("access_log_format", cfg.access_log_format + ' "%({referer}i)s"')
    _access(gunicorn_logs.logger, f"/x/{PID}{INJECTION}", [("REFERER", f"https://x/{INJECTION}")])

    access = gunicorn_logs.access.getvalue()
    assert len(access.splitlines()) == 1, access
    assert f'"GET /x/{PID_MASKED}\\n{FORGED}"' in access
    assert f'"https://x/\\n{FORGED}"' in access
    assert PID not in access


def test_gunicorns_error_log_is_escaped_masked_and_indented(gunicorn_logs: GunicornLogs):
    logger = gunicorn_logs.logger
    logger.warning(f"Invalid request from ip=127.0.0.1: {PID}{INJECTION}")
    try:
        raise ValueError(f"while reading {PID}{INJECTION}")
    except ValueError:
        logger.exception("Error handling request %s", f"/x{INJECTION}")

    errors = gunicorn_logs.errors.getvalue()
    assert forged_lines(errors) == [], errors
    assert f"Invalid request from ip=127.0.0.1: {PID_MASKED}\\n{FORGED}" in errors
    assert f"Error handling request /x\\n{FORGED}" in errors
    assert f"ValueError: while reading {PID_MASKED}\\n{FORGED}" in errors
    assert PID not in errors
    records = [line for line in errors.splitlines() if not line.startswith(CONTINUATION_INDENT)]
    assert len(records) == 2, errors


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[GunicornPortal]:
    with gunicorn_portal(tmp_path) as server:
        yield server


def test_a_path_under_gunicorn_cannot_forge_an_access_log_line(gunicorn: GunicornPortal):
    answer = gunicorn.get(f"/x/{PID}{INJECTION_IN_URL}")

    assert answer.startswith(b"HTTP/1.1 404 ")
    output = gunicorn.wait_for_output("acr=FORGED")
    assert forged_lines(output) == [], output
    assert f'"GET /x/{PID_MASKED}\\n{FORGED}" 404 ' in output
    assert PID not in output
