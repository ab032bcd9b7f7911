"""Logout through ID-porten (RP-initiated, with state) and front-channel logout, end to end."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from tests.idporten.portal_flow import Portal

pytestmark = pytest.mark.django_db(transaction=True)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def iframe_sources(html: str) -> list[str]:
    return [unescape(src) for src in re.findall(r'<iframe[^>]*src="([^"]+)"', html)]


def meta_refresh_target(html: str) -> str:
    return unescape(re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html).group(1))


def form_to_id_porten(html: str) -> tuple[str, dict[str, str]]:
    """The form the logout page posts to ID-porten: (its action, its hidden fields)."""
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', html).group(1))
    fields = {
        name: unescape(value)
        for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }
    return action, fields


def logout(portal: Portal, browser, page):
    """Press "Logg ut" on a portal page, then the form it shows (as its script does at once);
    returns that page and ID-porten's logout page."""
    response = browser.post(
        f"{portal.url}/logg-ut/",
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 200
    action, fields = form_to_id_porten(response.text)
    return response, browser.post(action, data=fields, timeout=10)


def test_logout_ends_the_portal_session_and_id_portens(portal: Portal, caplog):
    browser, page = portal.login()
    ending, endsession = logout(portal, browser, page)

    action, sent = form_to_id_porten(ending.text)
    assert action == f"{portal.emulator.url}/endsession"
    assert sent["post_logout_redirect_uri"] == f"{portal.url}/logget-ut/"
    assert sent["id_token_hint"].count(".") == 2
    assert len(sent["state"]) >= 32
    # No token in any address: the ID token holds the national identity number.
    assert sent["id_token_hint"] not in ending.url and "id_token_hint" not in ending.url
    assert "no-store" in ending.headers["Cache-Control"]
    assert "form-action" in ending.headers["Content-Security-Policy"]
    assert portal.emulator.url in ending.headers["Content-Security-Policy"]

    # The browser loads ID-porten's front-channel iframes, then follows the refresh back.
    assert endsession.status_code == 200
    for source in iframe_sources(endsession.text):
        browser.get(source, timeout=10)
    back = browser.get(meta_refresh_target(endsession.text), timeout=10)
    assert urlsplit(back.url).path == "/logget-ut/"
    assert "Du er logget ut av denne tjenesten og av ID-porten." in back.text
    assert "logout_state_mismatch" not in caplog.text

    # Logged out here: a personal page sends the browser to log in again...
    personal = browser.get(f"{portal.url}/min-side/", allow_redirects=False, timeout=10)
    assert personal.status_code == 302
    assert personal.headers["Location"].startswith("/logg-inn/")
    # ...and at ID-porten: the next login asks for an eID again instead of passing silently.
    again = portal.start_login(browser)
    assert again.url.startswith(portal.emulator.url)


def test_a_state_that_does_not_match_makes_the_page_say_so(portal: Portal, caplog):
    browser, page = portal.login()
    logout(portal, browser, page)
    back = browser.get(f"{portal.url}/logget-ut/?state=forged", timeout=10)
    assert back.status_code == 200
    assert "vi fikk ikke bekreftet at ID-porten også avsluttet" in back.text
    assert "event=logout_state_mismatch" in caplog.text


def test_logout_is_a_post_with_csrf(portal: Portal):
    browser, _ = portal.login()
    assert browser.get(f"{portal.url}/logg-ut/", timeout=10).status_code == 405
    forged = browser.post(f"{portal.url}/logg-ut/", allow_redirects=False, timeout=10)
    assert forged.status_code == 403
    assert browser.get(f"{portal.url}/min-side/", timeout=10).status_code == 200


def test_logging_out_at_another_service_ends_the_portal_session_through_the_front_channel(
    portal: Portal,
):
    browser, _ = portal.login()
    # The citizen logs out somewhere else in the same ID-porten session (here: directly at
    # ID-porten for the NAV demo client); ID-porten's page frames every service's logout URL.
    endsession = browser.get(
        f"{portal.emulator.url}/endsession", params={"client_id": "local-nav-demo"}, timeout=10
    )
    frames = iframe_sources(endsession.text)
    ours = [url for url in frames if url.startswith(f"{portal.url}/frontchannel-logout")]
    assert len(ours) == 1
    framed = browser.get(ours[0], timeout=10)
    assert framed.status_code == 200
    personal = browser.get(f"{portal.url}/min-side/", allow_redirects=False, timeout=10)
    assert personal.status_code == 302


def test_front_channel_logout_may_be_framed_by_id_porten_only(portal: Portal):
    response = portal.browser().get(
        f"{portal.url}/frontchannel-logout",
        params={"iss": portal.emulator.issuer, "sid": "unknown"},
        timeout=10,
    )
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(portal.emulator.url))
    assert response.headers["Content-Security-Policy"] == f"frame-ancestors {origin}"
    assert "no-store" in response.headers["Cache-Control"]
    # Every other page refuses to be framed.
    assert portal.browser().get(portal.url + "/", timeout=10).headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("query", [{"sid": "x", "iss": "https://evil.example"}, {"sid": ""}])
def test_front_channel_logout_checks_the_issuer_and_sid(portal: Portal, query):
    params = {"iss": portal.emulator.issuer, **query}
    response = portal.browser().get(f"{portal.url}/frontchannel-logout", params=params, timeout=10)
    assert response.status_code == 400


def test_front_channel_logout_with_another_sid_leaves_the_session_alone(portal: Portal):
    browser, _ = portal.login()
    params = {"iss": portal.emulator.issuer, "sid": "someone-elses-sid"}
    assert browser.get(f"{portal.url}/frontchannel-logout", params=params).status_code == 200
    assert browser.get(f"{portal.url}/min-side/", timeout=10).status_code == 200
