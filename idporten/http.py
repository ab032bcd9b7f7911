"""One place for how the portal talks HTTP to ID-porten: always with timeouts."""

from __future__ import annotations

import requests
from django.conf import settings


class IdPortenUnavailable(Exception):
    """ID-porten did not answer in time, or answered with a server error or garbage."""


def timeouts() -> tuple[float, float]:
    return (settings.IDPORTEN_CONNECT_TIMEOUT, settings.IDPORTEN_READ_TIMEOUT)


def get_json(url: str, **kwargs: object) -> object:
    """GET a JSON document; every failure to get one becomes IdPortenUnavailable."""
    try:
        response = requests.get(url, timeout=timeouts(), **kwargs)  # type: ignore[arg-type]
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise IdPortenUnavailable(f"{url}: {type(exc).__name__}") from exc
