"""The Content-Security-Policy header: strict everywhere, with ID-porten's origins allowed as a
form target only for a logged-in user, whose logout form is redirected there."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from idporten import discovery

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
}


def directives(response: Any) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.fixture
def metadata(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """ID-porten's metadata as the new platform has it: logout on another host."""
    settings.IDPORTEN_ISSUER = "https://test.idporten.no"
    document = {
        "issuer": "https://test.idporten.no",
        "authorization_endpoint": "https://login.test.idporten.no/authorize",
        "token_endpoint": "https://test.idporten.no/token",
        "userinfo_endpoint": "https://test.idporten.no/userinfo",
        "jwks_uri": "https://test.idporten.no/jwks.json",
        "end_session_endpoint": "https://login.test.idporten.no/logout",
    }
    monkeypatch.setattr(discovery, "get_json", lambda url, upstream: document)
    cache.clear()


def logged_in_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_user(username="sub-a"))
    return client


@pytest.mark.parametrize("path", ["/", "/hjelp/", "/personvern/", "/finnes-ikke/"])
def test_every_public_page_has_the_strict_policy(client: Client, path: str, metadata: None):
    assert directives(client.get(path)) == STRICT | {"form-action 'self'"}


def test_a_logged_in_user_may_post_on_to_id_portens_hosts(metadata: None) -> None:
    discovery.provider_metadata()  # as the login did

    response = logged_in_client().get("/")

    assert directives(response) == STRICT | {
        "form-action 'self' https://login.test.idporten.no https://test.idporten.no"
    }


def test_the_policy_never_asks_id_porten_for_its_metadata(
    metadata: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(url: str) -> None:
        raise AssertionError(f"a page view asked ID-porten: {url}")

    monkeypatch.setattr(discovery, "get_json", unreachable)

    response = logged_in_client().get("/")

    assert "form-action 'self' https://test.idporten.no" in directives(response)
