"""One place for how the portal talks HTTP to ID-porten: one pooled session per process, always
with timeouts, and every failure to get an answer mapped to IdPortenUnavailable.

The clients of each upstream build on it: discovery.py (the metadata), id_token.py (the key
set), session.py (refreshing the citizen's tokens), server_token.py (the JWT grant),
loginhistory_api.py and authlevel_api.py (the two APIs). mozilla-django-oidc makes the login's
own token and userinfo calls, with the same timeouts (backend.py).
"""

from __future__ import annotations

from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
from django.conf import settings


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


def get(
    url: str, *, upstream: str, read_timeout: float | None = None, **kwargs: Any
) -> requests.Response:
    """A GET's response, whatever its status; no answer at all is IdPortenUnavailable, with
    the upstream's name and the kind of failure (never the URL's query) as its message."""
    try:
        return SESSION.get(url, timeout=timeouts(read_timeout), **kwargs)
    except requests.RequestException as exc:
        raise IdPortenUnavailable(f"{upstream}: {type(exc).__name__}") from exc


def post(url: str, *, upstream: str, **kwargs: Any) -> requests.Response:
    """As get(), for a POST."""
    try:
        return SESSION.post(url, timeout=timeouts(), **kwargs)
    except requests.RequestException as exc:
        raise IdPortenUnavailable(f"{upstream}: {type(exc).__name__}") from exc


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
