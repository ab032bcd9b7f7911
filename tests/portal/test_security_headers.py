"""Every security header the portal promises, on every kind of page, with the real MIDDLEWARE.

One case per (page, header): a missing or wrong header names the page it is missing from.
Requests come over HTTPS (secure=True), as production's do behind the load balancer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils.cache import patch_cache_control

from idporten import discovery, http
from portal.headers import SecurityHeadersMiddleware
from tests.loginhistory.conftest import StubApi, item, logged_in_client

pytestmark = pytest.mark.django_db

ISSUER = "https://test.idporten.no"
# ID-porten's pages, which alone may frame the front-channel logout: the issuer's origin and
# the end_session_endpoint's (another host on the new platform).
ID_PORTEN_ORIGINS = "https://login.test.idporten.no https://test.idporten.no"
# Features that must be off everywhere; the policy may name more, all of them off.
POWERFUL_FEATURES = {
    "accelerometer",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "payment",
    "serial",
    "usb",
}
NEVER_CACHE = {"max-age=0", "no-cache", "no-store", "must-revalidate", "private"}
LOGGED_IN = {"private", "no-store"}


@dataclass(frozen=True)
class Page:
    kind: str
    path: str
    logged_in: bool
    status: int = 200
    # The Cache-Control directives the response must carry; None: no Cache-Control at all
    # (a public page shown to anyone may be cached). `exact` when they must be all there is.
    cache: frozenset[str] | None = None
    exact_cache: bool = False
    # The front-channel logout: ID-porten frames it, so no X-Frame-Options and a policy of
    # frame-ancestors naming ID-porten's origins only.
    framed_by_id_porten: bool = False

    @property
    def id(self) -> str:
        return f"{self.kind} {self.path} {'logged in' if self.logged_in else 'anonymous'}"


FRONTCHANNEL = f"/frontchannel-logout?iss={ISSUER}&sid=unknown-sid"
PAGES = [
    Page("public", "/", logged_in=False),
    Page("public", "/hjelp/", logged_in=False),
    Page("public", "/", logged_in=True, cache=frozenset(LOGGED_IN), exact_cache=True),
    Page("public", "/hjelp/", logged_in=True, cache=frozenset(LOGGED_IN), exact_cache=True),
    Page("personal", "/min-side/", logged_in=True, cache=frozenset(NEVER_CACHE)),
    Page("export", "/min-side/eksport.csv", logged_in=True, cache=frozenset(NEVER_CACHE)),
    Page("error", "/finnes-ikke/", logged_in=False, status=404),
    Page(
        "error",
        "/finnes-ikke/",
        logged_in=True,
        status=404,
        cache=frozenset(LOGGED_IN),
        exact_cache=True,
    ),
    Page(
        "front-channel logout",
        FRONTCHANNEL,
        logged_in=False,
        cache=frozenset(NEVER_CACHE),
        framed_by_id_porten=True,
    ),
]


def _directives(value: str, separator: str) -> set[str]:
    return {part.strip() for part in value.split(separator) if part.strip()}


def content_security_policy(page: Page, value: str | None) -> None:
    assert value, "no Content-Security-Policy"
    directives = _directives(value, ";")
    if page.framed_by_id_porten:
        assert directives == {f"frame-ancestors {ID_PORTEN_ORIGINS}"}
    else:
        assert {"default-src 'none'", "frame-ancestors 'none'"} <= directives, value


def x_content_type_options(page: Page, value: str | None) -> None:
    assert value == "nosniff"


def referrer_policy(page: Page, value: str | None) -> None:
    assert value == "same-origin"


def x_frame_options(page: Page, value: str | None) -> None:
    assert value == (None if page.framed_by_id_porten else "DENY")


def cross_origin_opener_policy(page: Page, value: str | None) -> None:
    assert value == "same-origin"


def strict_transport_security(page: Page, value: str | None) -> None:
    assert value, "no Strict-Transport-Security"
    directives = _directives(value, ";")
    max_age = next(d for d in directives if d.startswith("max-age="))
    assert int(max_age.removeprefix("max-age=")) >= 365 * 24 * 3600
    assert "includeSubDomains" in directives


def permissions_policy(page: Page, value: str | None) -> None:
    assert value, "no Permissions-Policy"
    allowlists = dict(d.split("=", 1) for d in _directives(value, ","))
    missing = POWERFUL_FEATURES - set(allowlists)
    assert not missing, f"not in the policy: {sorted(missing)}"
    assert {feature for feature, allowed in allowlists.items() if allowed != "()"} == set()


def cache_control(page: Page, value: str | None) -> None:
    if page.cache is None:
        assert value is None
        return
    assert value, "no Cache-Control"
    directives = _directives(value, ",")
    if page.exact_cache:
        assert directives == page.cache
    else:
        assert page.cache <= directives, page.cache - directives


HEADERS: dict[str, Callable[[Page, str | None], None]] = {
    "Content-Security-Policy": content_security_policy,
    "X-Content-Type-Options": x_content_type_options,
    "Referrer-Policy": referrer_policy,
    "X-Frame-Options": x_frame_options,
    "Cross-Origin-Opener-Policy": cross_origin_opener_policy,
    "Strict-Transport-Security": strict_transport_security,
    "Permissions-Policy": permissions_policy,
    "Cache-Control": cache_control,
}


@pytest.fixture
def id_porten(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    """ID-porten's metadata (logout on another host, as on the new platform) and its
    login-history API, both stubbed."""
    settings.IDPORTEN_ISSUER = ISSUER
    document = {
        "issuer": ISSUER,
        "authorization_endpoint": "https://login.test.idporten.no/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "userinfo_endpoint": f"{ISSUER}/userinfo",
        "jwks_uri": f"{ISSUER}/jwks.json",
        "end_session_endpoint": "https://login.test.idporten.no/logout",
    }
    monkeypatch.setattr(discovery, "get_json", lambda url, upstream: document)
    api = StubApi()
    api.history([item("2026-11-20T12:00:00")])
    monkeypatch.setattr(http.SESSION, "get", api)
    settings.IDPORTEN_LOGINHISTORY_BASE_URL = "https://api.idporten-test.example"
    settings.LOGINHISTORY_ENDPOINT = "all"
    cache.clear()
    yield
    cache.clear()


def test_the_middleware_runs_after_authentication():
    """Without this line in portal.settings.MIDDLEWARE nothing below can pass."""
    middleware = settings.MIDDLEWARE
    ours = "portal.headers.SecurityHeadersMiddleware"
    assert ours in middleware, f"add {ours!r} to MIDDLEWARE in portal/settings.py"
    authentication = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware.index(ours) > authentication


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_every_page_carries_every_security_header(id_porten: None, page: Page, header: str):
    client = logged_in_client() if page.logged_in else Client()

    response = client.get(page.path, secure=True)

    assert response.status_code == page.status, f"{page.id}: {response.status_code}"
    HEADERS[header](page, response.headers.get(header))


def _through_middleware(view: Callable[[HttpRequest], HttpResponse], user: Any) -> HttpResponse:
    request = RequestFactory().get("/")
    request.user = user
    response = SecurityHeadersMiddleware(view)(request)
    assert isinstance(response, HttpResponse)
    return response


def test_public_caching_gives_way_to_private_and_other_directives_stay():
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse()
        patch_cache_control(response, public=True, max_age=600)
        return response

    response = _through_middleware(view, SimpleNamespace(is_authenticated=True))

    assert _directives(response["Cache-Control"], ",") == {"private", "no-store", "max-age=600"}


def test_the_answer_to_a_logout_is_not_stored_either():
    """The logout's redirect carries the ID token (id_token_hint); the user is anonymous by
    the time it is answered."""

    def logout(request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()
        return HttpResponse(status=302)

    response = _through_middleware(logout, SimpleNamespace(is_authenticated=True))

    assert _directives(response["Cache-Control"], ",") == {"private", "no-store"}
