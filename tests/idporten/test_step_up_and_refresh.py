"""Step-up to the high level, and token refresh against the emulator's real token endpoint."""

from __future__ import annotations

from importlib import import_module
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.test import RequestFactory

from idporten.session import ReauthenticationRequired, access_token
from tests.idporten.portal_flow import Portal
from tests.idporten.token_rows import expire_access_token, tokens_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def test_pages(settings):
    settings.ROOT_URLCONF = "tests.idporten.stepup_urls"


def test_a_substantial_login_is_stepped_up_and_returns_to_the_page(portal: Portal, test_pages):
    browser, _ = portal.login(pid="15878510035", eid="MinID")
    response = browser.get(f"{portal.url}/hoyt-niva/", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == "/logg-inn/?next=%2Fhoyt-niva%2F&level=high"

    to_op = browser.get(portal.url + response.headers["Location"], allow_redirects=False)
    params = parse_qs(urlsplit(to_op.headers["Location"]).query)
    assert params["acr_values"] == ["idporten-loa-high"]
    # ID-porten's session is only substantial, so it asks for an eID again.
    page = portal.follow(browser, to_op)
    assert page.url.startswith(portal.emulator.url)
    done = portal.submit(browser, page, pid="15878510035", eid="BankID")
    assert portal.path_of(done) == "/hoyt-niva/"
    assert done.text == "high level page"


def test_a_high_login_goes_straight_through(portal: Portal, test_pages):
    browser, _ = portal.login(eid="BankID")
    assert browser.get(f"{portal.url}/hoyt-niva/", allow_redirects=False).status_code == 200


def test_an_anonymous_visitor_logs_in_at_the_high_level_directly(portal: Portal, test_pages):
    browser = portal.browser()
    response = browser.get(f"{portal.url}/hoyt-niva/", allow_redirects=False, timeout=10)
    assert "level=high" in response.headers["Location"]


def session_of(browser: requests.Session):
    request = RequestFactory().get("/min-side/")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    request.session = store(browser.cookies["portal_session"])
    request.session.load()
    return request


def introspect(portal: Portal, token: str) -> dict:
    response = requests.post(
        f"{portal.emulator.url}/tokeninfo",
        data={"token": token},
        auth=(settings.IDPORTEN_CLIENT_ID, settings.IDPORTEN_CLIENT_SECRET),
        timeout=10,
    )
    return response.json()


def test_an_access_token_near_expiry_is_refreshed_at_id_porten(portal: Portal):
    browser, _ = portal.login()
    request = session_of(browser)
    old = tokens_of(request.session)
    assert access_token(request.session) == old["access_token"]  # fresh: used as it is

    expire_access_token(request.session, seconds_left=5)
    new_token = access_token(request.session)

    assert new_token != old["access_token"]
    assert introspect(portal, new_token)["active"] is True
    stored = tokens_of(session_of(browser).session)
    assert stored["access_token"] == new_token
    assert stored["refresh_token"] != old["refresh_token"]  # rotated


def test_a_refresh_refused_by_id_porten_asks_for_a_new_login(portal: Portal):
    browser, _ = portal.login()
    request = session_of(browser)
    portal.emulator.shift_clock(7300)  # past the 7,200 s the authorization may live
    expire_access_token(request.session)
    with pytest.raises(ReauthenticationRequired):
        access_token(request.session)


def test_a_refused_refresh_sends_the_citizen_to_log_in_and_back_to_the_page(
    portal: Portal, test_pages
):
    browser, _ = portal.login()
    request = session_of(browser)
    expire_access_token(request.session)
    portal.emulator.shift_clock(7300)  # the refresh token is past its lifetime at ID-porten

    response = browser.get(f"{portal.url}/med-token/", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == "/logg-inn/?next=%2Fmed-token%2F"
    # Back to agreeing clocks, or the new ID token's iat would lie in the portal's future.
    portal.emulator.shift_clock(-7300)
    page = portal.follow(browser, response)
    if page.url.startswith(portal.emulator.url):
        page = portal.submit(browser, page, pid="15878510035", eid="BankID")
    done = page
    assert portal.path_of(done) == "/med-token/"
    assert done.text == "called the API"
