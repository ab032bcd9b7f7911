"""Log in to the portal (pytest-django's live server) through the emulator, over real HTTP,
with a requests.Session standing in for the browser."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.core.cache import cache

from tests.emulator.support import Emulator

TIMEOUT = 15


@dataclass
class Portal:
    url: str
    client_id: str
    emulator: Emulator

    def browser(self) -> requests.Session:
        return requests.Session()

    def follow(self, browser: requests.Session, response: requests.Response) -> requests.Response:
        """Follow redirects like a browser, across the portal and the emulator."""
        hops = 0
        while response.is_redirect:
            hops += 1
            assert hops < 15, "redirect loop"
            target = urljoin(response.url, response.headers["Location"])
            response = browser.get(target, allow_redirects=False, timeout=TIMEOUT)
        return response

    def start_login(self, browser: requests.Session, path: str = "/logg-inn/") -> requests.Response:
        """From the portal to where the flow stops: the TestID page, or back at the portal."""
        response = browser.get(self.url + path, allow_redirects=False, timeout=TIMEOUT)
        return self.follow(browser, response)

    def submit(self, browser: requests.Session, page: requests.Response, **form: str):
        assert page.url.startswith(self.emulator.url), f"not at the TestID page: {page.url}"
        response = browser.post(page.url, data=form, allow_redirects=False, timeout=TIMEOUT)
        return self.follow(browser, response)

    def login(
        self,
        browser: requests.Session | None = None,
        *,
        pid: str = "15878510035",
        eid: str = "BankID",
        path: str = "/logg-inn/",
    ) -> tuple[requests.Session, requests.Response]:
        browser = browser or self.browser()
        page = self.start_login(browser, path)
        if page.url.startswith(self.emulator.url):
            page = self.submit(browser, page, pid=pid, eid=eid)
        return browser, page

    def path_of(self, response: requests.Response) -> str:
        return urlsplit(response.url).path


DROPPED = "drop_connection"


def upstream_fails(emulator: Emulator, endpoint: str, fault: str, **params: object) -> None:
    """Queue a fault that the portal sees as the upstream failing. A connection closed
    without an answer is sent once more (idporten/http.py), so a dropped connection is
    queued twice: once is recovered from."""
    emulator.fault(endpoint, fault, count=2 if fault == DROPPED else 1, **params)


def portal_client_register(emulator: Emulator, url: str, client_id: str, secret: str) -> None:
    """Register a portal at `url` as the emulator's client, as emulator/clients.json registers
    the portal of `make run`."""
    emulator.register_client(
        client_id=client_id,
        client_secret=secret,
        redirect_uris=[f"{url}/oidc/callback/"],
        post_logout_redirect_uris=[f"{url}/logget-ut/"],
        frontchannel_logout_uri=f"{url}/frontchannel-logout",
        frontchannel_logout_session_required=True,
        orgno="991825827",
        organisation_name="DIGITALISERINGSDIREKTORATET",
        service_name="DIGITALISERINGSDIREKTORATET",
        scopes=["openid", "profile", "idporten:user.log.read", "idporten:user.log.all.read"],
        grant_types=["authorization_code", "refresh_token"],
        token_endpoint_auth_methods=["client_secret_basic", "client_secret_post"],
    )


@pytest.fixture
def portal(live_server, emulator: Emulator, settings) -> Portal:
    """The portal configured against the emulator, with a client registered for its port."""
    client_id = f"e2e-portal-{secrets.token_hex(4)}"
    secret = secrets.token_urlsafe(24)
    portal_client_register(emulator, live_server.url, client_id, secret)
    settings.IDPORTEN_ISSUER = emulator.issuer
    settings.IDPORTEN_CLIENT_ID = client_id
    settings.IDPORTEN_CLIENT_SECRET = secret
    settings.IDPORTEN_READ_TIMEOUT = 2.0
    settings.IDPORTEN_LOGINHISTORY_BASE_URL = emulator.url
    cache.clear()
    yield Portal(url=live_server.url, client_id=client_id, emulator=emulator)
    cache.clear()
