"""One place for how the portal talks HTTP to ID-porten: one pooled session per process, always
with timeouts, and every failure to get an answer mapped to IdPortenUnavailable.

The clients of each upstream build on it: discovery.py (the metadata), id_token.py (the key
set), session.py (refreshing the citizen's tokens), server_token.py (the JWT grant),
loginhistory_api.py and authlevel_api.py (the two APIs), and the login's code exchange and
userinfo call, which backend.py takes over from mozilla-django-oidc for that reason.
"""

from __future__ import annotations

import http.client
import logging
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
import urllib3
from django.conf import settings

from idporten.breaker import circuit_open, failure_record

logger = logging.getLogger(__name__)


class IdPortenUnavailable(Exception):
    """ID-porten did not answer in time, or answered with a server error or garbage."""


# Shared by every request of the process, so connections to ID-porten are kept and reused.
# It must never carry one citizen's state into another citizen's call: no cookie an upstream
# sets is kept (each call names its own token in its own Authorization header).
SESSION = requests.Session()
SESSION.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))


def timeouts(read: float | None = None) -> tuple[float, float]:
    """(connect, read) in seconds; `read` for an API that has a read timeout of its own."""
    return (settings.IDPORTEN_CONNECT_TIMEOUT, read or settings.IDPORTEN_READ_TIMEOUT)


# More than any answer of ID-porten's can hold (10,000 logins are about 2 MB): past it, the
# client stops reading, rather than holding a worker and its memory on a runaway body.
MAX_BODY_BYTES = 8 * 1024 * 1024


def get(
    url: str, *, upstream: str, read_timeout: float | None = None, **kwargs: Any
) -> requests.Response:
    """A GET's response, whatever its status; no answer at all is IdPortenUnavailable, with
    the upstream's name and the kind of failure (never the URL's query) as its message."""
    return _send("GET", url, upstream=upstream, timeout=timeouts(read_timeout), **kwargs)


def post(url: str, *, upstream: str, **kwargs: Any) -> requests.Response:
    """As get(), for a POST."""
    return _send("POST", url, upstream=upstream, timeout=timeouts(), **kwargs)


def _send(method: str, url: str, *, upstream: str, **kwargs: Any) -> requests.Response:
    """The request, unless the upstream's circuit is open (idporten/breaker.py); a failure
    (no answer, a 5xx, a body past MAX_BODY_BYTES) counts toward opening it."""
    if circuit_open(upstream):
        raise IdPortenUnavailable(f"{upstream}: circuit open")
    try:
        response = _sent(method, url, upstream=upstream, **kwargs)
        _read_limited(response, upstream)
    except (requests.RequestException, IdPortenUnavailable) as exc:
        failure_record(upstream)
        if isinstance(exc, IdPortenUnavailable):
            raise
        raise IdPortenUnavailable(f"{upstream}: {type(exc).__name__}") from exc
    if response.status_code >= 500:
        failure_record(upstream)
    return response


# How a connection ends that the server closed before it read the request: a kept-alive
# connection the server (or a load balancer) closed for being idle, just as it was reused. The
# pool checks a connection before reusing it, but the server may close it after that check.
_CLOSED_UNANSWERED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def _sent(method: str, url: str, *, upstream: str, **kwargs: Any) -> requests.Response:
    """The request, sent once more, on a new connection, if the connection was closed
    without any answer. Never after a timeout or a partial answer: those are the upstream's
    own failures. A POST too: a server that closed without answering either never read the
    grant or could not act on it, and a grant that was used up is refused the second time
    (invalid_grant), which is what the first failure would have ended in."""
    send = SESSION.get if method == "GET" else SESSION.post
    try:
        return send(url, stream=True, **kwargs)
    except requests.ConnectionError as exc:
        if not _closed_unanswered(exc):
            raise
    logger.info("event=upstream_connection_closed upstream=%s: sent again", upstream)
    return send(url, stream=True, **kwargs)


def _closed_unanswered(exc: requests.ConnectionError) -> bool:
    """requests wraps urllib3's ProtocolError("Connection aborted.", <the OSError>)."""
    cause = exc.args[0] if exc.args else None
    reason = cause.args[-1] if isinstance(cause, urllib3.exceptions.ProtocolError) else None
    return isinstance(reason, _CLOSED_UNANSWERED)


def _read_limited(response: requests.Response, upstream: str) -> None:
    """Reads the body into the response, as requests does without stream=True, but no more
    than MAX_BODY_BYTES of it. (A response that holds its body already, as the test doubles
    at this boundary do, is left as it is.)"""
    if not isinstance(getattr(response, "raw", None), urllib3.BaseHTTPResponse):
        return
    with response:
        body = response.raw.read(MAX_BODY_BYTES + 1, decode_content=True)
    if len(body) > MAX_BODY_BYTES:
        raise IdPortenUnavailable(f"{upstream}: body over {MAX_BODY_BYTES} bytes")
    response._content = body


def get_json(url: str, *, upstream: str) -> object:
    """GET a JSON document; every failure to get one becomes IdPortenUnavailable."""
    response = get(url, upstream=upstream)
    try:
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise IdPortenUnavailable(f"{upstream}: {type(exc).__name__}") from exc


def post_to_token_endpoint(
    url: str, data: dict[str, str], *, auth: tuple[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST a grant; the status and JSON body of an answer below 500 (an RFC 6749 error is
    an answer too). No answer, a 5xx or a body that is not a JSON object: IdPortenUnavailable."""
    response = post(url, upstream="token endpoint", data=data, auth=auth)
    if response.status_code >= 500:
        raise IdPortenUnavailable(f"token endpoint: HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise IdPortenUnavailable("token endpoint: not JSON") from None
    if not isinstance(body, dict):
        raise IdPortenUnavailable("token endpoint: not a JSON object")
    return response.status_code, body
