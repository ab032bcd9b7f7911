"""One place for how the portal talks HTTP to ID-porten: always with timeouts."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings


class IdPortenUnavailable(Exception):
    """ID-porten did not answer in time, or answered with a server error or garbage."""


def timeouts() -> tuple[float, float]:
    return (settings.IDPORTEN_CONNECT_TIMEOUT, settings.IDPORTEN_READ_TIMEOUT)


def get_json(url: str) -> object:
    """GET a JSON document; every failure to get one becomes IdPortenUnavailable."""
    try:
        response = requests.get(url, timeout=timeouts())
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise IdPortenUnavailable(f"{url}: {type(exc).__name__}") from exc


def post_to_token_endpoint(
    url: str, data: dict[str, str], *, auth: tuple[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST a grant; the status and JSON body of an answer below 500 (an RFC 6749 error is
    an answer too). No answer, a 5xx or a body that is not a JSON object: IdPortenUnavailable."""
    try:
        response = requests.post(url, data=data, auth=auth, timeout=timeouts())
    except requests.RequestException as exc:
        raise IdPortenUnavailable(f"token endpoint: {type(exc).__name__}") from exc
    if response.status_code >= 500:
        raise IdPortenUnavailable(f"token endpoint: HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise IdPortenUnavailable("token endpoint: not JSON") from None
    if not isinstance(body, dict):
        raise IdPortenUnavailable("token endpoint: not a JSON object")
    return response.status_code, body
