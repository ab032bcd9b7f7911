"""The login-history API (docs/idporten.md section 2): the citizen's own login log, fetched
with the citizen's own access token and validated item by item; every failure is one of two
exceptions.

The API's error codes and bodies are undocumented (docs/idporten.md 2.3): 401 is taken to mean
the token was refused and 403 that the client lacks the scope, as for ID-porten's other APIs.

The API is the slowest part of the first page after a login, so its GET starts at the login
itself (login_records_ahead), and the page takes that answer instead of asking again.
"""

from __future__ import annotations

import datetime
import logging
import re
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from idporten import http
from idporten.session import ReauthenticationRequired, access_token

logger = logging.getLogger(__name__)

PATHS = {"own": "/innlogginger/logg/idporten", "all": "/innlogginger/logg/idporten/all"}
FIELDS = ("tidspunkt", "tjeneste", "eid", "integrasjon_id", "orgno")
# The documented shape, "2019-03-07T09:26:36"; fromisoformat alone would also take a zone,
# a fraction or a bare date, which would mean the API changed under us.
LOCAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


# The login log's times are Norwegian wall-clock time (docs/idporten.md 2.1).
OSLO = ZoneInfo("Europe/Oslo")


class LoginRecord(NamedTuple):
    """One item of the API, with its time made aware in Europe/Oslo."""

    time: datetime.datetime
    service: str  # "tjeneste": the organisation's name in Enhetsregisteret
    eid: str  # as the login log names it: "MinID PIN", "BankID mobil", "Federated", ...
    integration_id: str
    orgno: str


class HistoryUnavailable(Exception):
    """The API did not answer, or not sensibly: worth trying again later."""


class HistoryNotOffered(Exception):
    """The portal is not set up for the API here (no address, or the scope is refused)."""


# The GETs started at login, by the token they were sent with, for the first page to take. One
# no page takes (the citizen went elsewhere, or the page landed on another process) is dropped
# after AHEAD_KEPT_SECONDS; no more than AHEAD_MAX are kept at once (a heavy user's answer is
# about 2 MB).
AHEAD_KEPT_SECONDS = 10
AHEAD_MAX = 16
_ahead: dict[str, tuple[float, Future[requests.Response]]] = {}
_ahead_lock = threading.Lock()
# Long-lived threads, so each keeps its connection to the cache (the breaker's state).
_ahead_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="loginhistory-ahead")


def login_records_ahead(token: str) -> None:
    """At login, for the first page: the API's GET starts in the background with the login's
    fresh token. Only the GET runs there, on plain values (no session, no database);
    login_records() with the same token takes its answer and handles it as its own."""
    base_url = settings.IDPORTEN_LOGINHISTORY_BASE_URL
    if not base_url:
        return
    now = time.monotonic()
    with _ahead_lock:
        for kept, (started, _) in list(_ahead.items()):
            if now - started > AHEAD_KEPT_SECONDS:
                del _ahead[kept]
        if len(_ahead) < AHEAD_MAX:
            _ahead[token] = (now, _ahead_pool.submit(_get, _url(base_url), token))


def _taken_ahead(token: str) -> requests.Response | None:
    """The answer to the GET started at login with this token; None if there is none, or if it
    is still queued behind other logins' (asking now is quicker). Raises IdPortenUnavailable
    when it got no answer: asking again would make the page wait twice."""
    with _ahead_lock:
        entry = _ahead.pop(token, None)
    if entry is None or entry[1].cancel():
        return None
    return entry[1].result()


def login_records(session: SessionBase) -> list[LoginRecord]:
    """The logged-in citizen's logins as the API lists them, newest first.

    A refused token is renewed once and the call repeated; a second refusal ends the session
    (ReauthenticationRequired, which the middleware turns into a new login).
    """
    base_url = settings.IDPORTEN_LOGINHISTORY_BASE_URL
    if not base_url:
        logger.error("event=loginhistory_not_configured")
        raise HistoryNotOffered("IDPORTEN_LOGINHISTORY_BASE_URL is empty")
    url = _url(base_url)
    try:
        token = access_token(session)
        response = _taken_ahead(token)
        if response is None:
            response = _get(url, token)
        if response.status_code == 401:
            logger.info("event=loginhistory_token_refused retry=renewed_token")
            response = _get(url, access_token(session, refused=token))
            if response.status_code == 401:
                raise ReauthenticationRequired("the login-history API refused a renewed token")
    except http.IdPortenUnavailable as exc:
        # A token refresh that got no answer, or the API itself.
        reason = type(exc.__cause__).__name__ if exc.__cause__ else "no_answer"
        logger.warning("event=loginhistory_unavailable reason=%s", reason)
        raise HistoryUnavailable(str(exc)) from exc
    return parse_items(_body(response))


def _url(base_url: str) -> str:
    return base_url.rstrip("/") + PATHS[settings.LOGINHISTORY_ENDPOINT]


def _get(url: str, token: str) -> requests.Response:
    return http.get(
        url,
        upstream="login-history API",
        read_timeout=settings.LOGINHISTORY_READ_TIMEOUT,
        params={"maxhits": settings.LOGINHISTORY_MAXHITS},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )


def _body(response: requests.Response) -> list[Any]:
    if response.status_code == 403:
        # Not something the citizen can fix: the client lacks the scope, or the agency has not
        # signed up for the API (an additional service, "tilleggstjeneste").
        logger.error(
            "event=loginhistory_forbidden status=403 endpoint=%s www_authenticate=%r",
            settings.LOGINHISTORY_ENDPOINT,
            response.headers.get("WWW-Authenticate", "")[:200],
        )
        raise HistoryNotOffered("the login-history API answered 403")
    if response.status_code == 400:
        # Our request is wrong, not the moment: most likely more maxhits than ID-porten gives
        # (its ceiling is undocumented). Trying again would not help the citizen.
        logger.error(
            "event=loginhistory_bad_request status=400 maxhits=%d hint=lower_LOGINHISTORY_MAXHITS",
            settings.LOGINHISTORY_MAXHITS,
        )
        raise HistoryNotOffered("the login-history API answered 400")
    if response.status_code != 200:
        logger.warning("event=loginhistory_unavailable status=%s", response.status_code)
        raise HistoryUnavailable(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        logger.warning("event=loginhistory_unavailable reason=not_json")
        raise HistoryUnavailable("not JSON") from None
    if not isinstance(body, list):
        logger.warning("event=loginhistory_unavailable reason=not_an_array")
        raise HistoryUnavailable("not a JSON array")
    return body


def parse_items(items: list[Any]) -> list[LoginRecord]:
    """The well-formed items in their order; the others are skipped and counted in the log."""
    logins = [login for login in map(_parse_item, items) if login is not None]
    if len(logins) < len(items):
        logger.warning("event=loginhistory_items_skipped count=%d", len(items) - len(logins))
    return logins


def _parse_item(item: Any) -> LoginRecord | None:
    if not isinstance(item, dict):
        return None
    values = [item.get(name) for name in FIELDS]
    if not all(isinstance(value, str) for value in values):
        return None
    tidspunkt, tjeneste, eid, integrasjon_id, orgno = cast(list[str], values)  # checked above
    if not tjeneste.strip() or not eid.strip() or not LOCAL_TIME.fullmatch(tidspunkt):
        return None
    try:
        local = datetime.datetime.fromisoformat(tidspunkt)
    except ValueError:  # a well-shaped impossible time, such as 2019-13-45T25:61:00
        return None
    # Wall-clock time in Norway (docs/idporten.md 2.1). In the hour repeated when summer time
    # ends, the first of the two readings is taken (fold=0): the log does not say which it was.
    # Interned: the same few services and eIDs repeat through the history, and pickle then
    # writes (and the cache reads) each of them once.
    return LoginRecord(
        time=local.replace(tzinfo=OSLO),
        service=sys.intern(tjeneste.strip()),
        eid=sys.intern(eid.strip()),
        integration_id=sys.intern(integrasjon_id),
        orgno=sys.intern(orgno),
    )
