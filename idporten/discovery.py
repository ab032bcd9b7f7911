"""ID-porten's OpenID provider metadata, from <issuer>/.well-known/openid-configuration.

ID-porten asks clients to cache the metadata, typically for 24 hours (docs/idporten.md 3.1).
It is cached in the Django cache, so every process shares one copy, fetched once however many
logins need it at once, and kept parsed in each process (idporten/documents.py). It is forgotten
whenever a login fails in a way a stale copy could explain, so the next attempt fetches it afresh.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from idporten.documents import PublishedDocument
from idporten.http import IdPortenUnavailable, get_json

CACHE_SECONDS = 24 * 60 * 60
logger = logging.getLogger(__name__)


class IssuerMismatch(Exception):
    """The metadata names another issuer than the one configured: a misconfiguration, or
    a man in the middle. Logins are refused until it is fixed."""

    def __init__(self, configured: str, discovered: str) -> None:
        super().__init__(f"configured issuer {configured!r}, discovered {discovered!r}")
        self.configured = configured
        self.discovered = discovered


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    # RFC 9207: the provider says it sends `iss` with every authorization response, so a
    # response without one is not from it (a mix-up attack) and is refused.
    authorization_response_iss_parameter_supported: bool = False


REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


def discovery_url(issuer: str) -> str:
    return f"{issuer.rstrip('/')}/.well-known/openid-configuration"


def _fetch(issuer: str) -> dict[str, Any]:
    document = get_json(discovery_url(issuer), upstream="discovery")
    if not isinstance(document, dict) or not all(
        isinstance(document.get(name), str) for name in REQUIRED
    ):
        raise IdPortenUnavailable("discovery document lacks required endpoints")
    # An exact comparison: "https://idporten.no" and "https://idporten.no/" are two issuers.
    if document["issuer"] != issuer:
        logger.error(
            "event=issuer_mismatch configured=%s discovered=%s: logins are refused until "
            "IDPORTEN_ISSUER matches",
            issuer,
            document["issuer"],
        )
        raise IssuerMismatch(issuer, document["issuer"])
    return document


def _parsed(document: dict[str, Any]) -> ProviderMetadata:
    return ProviderMetadata(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        userinfo_endpoint=document["userinfo_endpoint"],
        jwks_uri=document["jwks_uri"],
        end_session_endpoint=document.get("end_session_endpoint"),
        authorization_response_iss_parameter_supported=(
            document.get("authorization_response_iss_parameter_supported") is True
        ),
    )


METADATA = PublishedDocument(name="discovery", seconds=CACHE_SECONDS, fetch=_fetch, parse=_parsed)


def provider_metadata() -> ProviderMetadata:
    """Raises IdPortenUnavailable when it cannot be fetched, IssuerMismatch when it is wrong."""
    return METADATA.get(settings.IDPORTEN_ISSUER)


def forget_provider_metadata() -> None:
    METADATA.forget(settings.IDPORTEN_ISSUER)


def provider_origins(*, cached_only: bool = False) -> list[str]:
    """The origins ID-porten's pages are served from: its issuer's, and its
    end_session_endpoint's (login.idporten.no on the new platform). Without the metadata, the
    issuer's alone. cached_only never asks ID-porten: for every page view, which must not wait
    for (or on) ID-porten."""
    urls = [settings.IDPORTEN_ISSUER]
    try:
        if cached_only:
            metadata = METADATA.cached_only(settings.IDPORTEN_ISSUER)
            endpoint = metadata.end_session_endpoint if metadata else None
        else:
            endpoint = provider_metadata().end_session_endpoint
    except (IdPortenUnavailable, IssuerMismatch):
        endpoint = None
    if endpoint:
        urls.append(endpoint)
    return sorted({f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, urls)})
