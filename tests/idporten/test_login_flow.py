"""Citizen login end to end: the portal (live server) against the emulator, over real HTTP.

Each relying-party check has a test that makes the emulator misbehave in exactly that way
and asserts a clear page in the user's language, a 4xx/5xx (never a 500) and a log line
naming the check, without tokens or the national identity number in it.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.idporten.portal_flow import DROPPED, Portal, upstream_fails

pytestmark = pytest.mark.django_db(transaction=True)
PID = "15878510035"


def assert_refused(page, caplog, check: str, status: int = 400) -> None:
    assert page.status_code == status, page.text[:500]
    assert "Innloggingen lyktes ikke" in page.text
    log = "\n".join(record.getMessage() for record in caplog.records)
    assert "event=login_failed kind=" in log
    assert f"check={check}" in log
    assert PID not in log


def test_a_citizen_logs_in_and_sees_how(portal: Portal):
    _, page = portal.login(pid=PID, eid="BankID")
    assert page.status_code == 200
    assert portal.path_of(page) == "/min-side/"
    assert "Du er logget inn med BankID på høyt nivå (nivå 4)." in page.text
    assert "no-store" in page.headers["Cache-Control"]


def test_the_authorization_request_carries_pkce_state_nonce_level_and_language(portal: Portal):
    browser = portal.browser()
    browser.cookies.set("portal_language", "nn")
    response = browser.get(f"{portal.url}/logg-inn/", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == portal.emulator.url
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["response_type"] == "code"
    assert params["client_id"] == portal.client_id
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["acr_values"] == "idporten-loa-substantial"
    assert params["ui_locales"] == "nn"


def test_minid_gives_the_substantial_level(portal: Portal):
    _, page = portal.login(pid="04899220043", eid="MinID")
    assert "Du er logget inn med MinID på betydelig nivå (nivå 3)." in page.text


def test_the_session_key_changes_at_login(portal: Portal):
    browser = portal.browser()
    browser.get(f"{portal.url}/", timeout=10)  # an anonymous session with a CSRF cookie
    portal.start_login(browser)
    before = browser.cookies.get("portal_session")
    portal.login(browser)
    after = browser.cookies.get("portal_session")
    assert before and after and before != after


def test_it_returns_to_the_page_it_was_asked_for(portal: Portal):
    _, page = portal.login(path="/logg-inn/?next=/min-side/%3Fx%3D1")
    assert page.url.endswith("/min-side/?x=1")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_it_never_redirects_off_site_after_login(portal: Portal, target: str):
    _, page = portal.login(path=f"/logg-inn/?next={target}")
    assert page.url.startswith(portal.url)
    assert portal.path_of(page) == "/min-side/"


def test_an_anonymous_visit_to_a_personal_page_goes_through_login_and_back(portal: Portal):
    browser = portal.browser()
    page = portal.start_login(browser, "/min-side/")
    page = portal.submit(browser, page, pid=PID, eid="BankID")
    assert portal.path_of(page) == "/min-side/"


def test_cancelling_at_id_porten_says_so(portal: Portal, caplog):
    browser = portal.browser()
    page = portal.start_login(browser)
    page = portal.submit(browser, page, cancel="1")
    assert page.status_code == 200
    assert "<title>Du avbrøt innloggingen" in page.text  # not "the login failed"
    assert "Innloggingen lyktes ikke" not in page.text
    assert "check=access_denied" in caplog.text


def test_a_replayed_callback_is_refused_as_expired(portal: Portal, caplog):
    browser = portal.browser()
    page = portal.start_login(browser)
    response = browser.post(page.url, data={"pid": PID, "eid": "BankID"}, allow_redirects=False)
    callback = response.headers["Location"]
    assert portal.follow(browser, browser.get(callback, allow_redirects=False)).status_code == 200
    replay = browser.get(callback, allow_redirects=False)
    assert replay.status_code == 400
    assert "check=state" in caplog.text


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        ("wrong_iss", "iss"),
        ("wrong_aud", "aud"),
        ("missing_aud", "aud"),
        ("multiple_aud_without_azp", "azp"),
        ("missing_sub", "sub"),
        ("missing_iat", "iat"),
        ("iat_in_future", "iat"),
        ("expired", "exp"),
        ("bad_signature", "signature"),
        ("alg_none", "alg"),
        ("alg_hs256", "alg"),
        ("unknown_kid", "kid"),
        ("nonce_mismatch", "nonce"),
        ("acr_unknown", "acr"),
        ("acr_too_low", "acr"),
    ],
)
def test_each_id_token_fault_is_refused_by_its_check(portal: Portal, caplog, fault, check):
    caplog.set_level(logging.INFO)
    portal.emulator.fault("token", fault)
    _, page = portal.login(pid=PID)
    assert_refused(page, caplog, check)


def test_a_token_without_kid_is_accepted_while_one_key_is_published(portal: Portal):
    portal.emulator.fault("token", "no_kid")
    _, page = portal.login(pid=PID)
    assert portal.path_of(page) == "/min-side/"


def test_a_wrong_iss_in_the_authorization_response_is_refused(portal: Portal, caplog):
    portal.emulator.fault("authorize", "wrong_iss_param")
    _, page = portal.login(pid=PID)
    assert_refused(page, caplog, "iss_param")


def test_an_authorization_response_without_iss_is_refused(portal: Portal, caplog):
    """The emulator's discovery says it sends iss (RFC 9207), so a response without it is not
    taken for one of its own."""
    portal.emulator.fault("authorize", "no_iss_param")
    _, page = portal.login(pid=PID)
    assert_refused(page, caplog, "iss_param")


def test_a_userinfo_sub_that_differs_is_refused(portal: Portal, caplog):
    portal.emulator.fault("userinfo", "sub_mismatch")
    _, page = portal.login(pid=PID)
    assert_refused(page, caplog, "userinfo_sub")


@pytest.mark.parametrize("endpoint", ["token", "userinfo", "jwk"])
@pytest.mark.parametrize("fault", ["http_500", "malformed_json", "drop_connection"])
def test_a_failing_op_ends_in_a_could_not_reach_page_with_retry(portal, caplog, endpoint, fault):
    upstream_fails(portal.emulator, endpoint, fault)
    _, page = portal.login(pid=PID)
    assert page.status_code == 502
    assert "ID-porten kunne ikke nås" in page.text
    assert 'href="/logg-inn/' in page.text
    assert "event=login_failed kind=unreachable" in caplog.text


def test_a_slow_op_times_out_into_the_same_page(portal: Portal, caplog):
    portal.emulator.fault("token", "latency", seconds=4)  # the read timeout is 2 s here
    _, page = portal.login(pid=PID)
    assert page.status_code == 502
    assert "kind=unreachable" in caplog.text


def test_an_unreachable_op_at_the_start_gives_the_page_too(portal: Portal, settings):
    settings.IDPORTEN_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port
    browser = portal.browser()
    page = browser.get(f"{portal.url}/logg-inn/?next=/min-side/", timeout=10)
    assert page.status_code == 502
    assert "ID-porten kunne ikke nås" in page.text
    assert 'href="/logg-inn/?next=%2Fmin-side%2F"' in page.text


def test_a_discovered_issuer_that_differs_stops_logins_and_says_why(
    portal: Portal, settings, caplog
):
    settings.IDPORTEN_ISSUER = portal.emulator.issuer + "/"  # same server, another issuer string
    page = portal.browser().get(f"{portal.url}/logg-inn/", timeout=10)
    assert page.status_code == 503
    assert "check=issuer_mismatch" in caplog.text
    assert (
        f"configured={portal.emulator.issuer}/ discovered={portal.emulator.issuer}" in caplog.text
    )


@pytest.mark.parametrize("endpoint", ["token", "userinfo", "jwk", "loginhistory"])
def test_a_connection_closed_without_an_answer_is_sent_again_once(portal, caplog, endpoint):
    """How a kept-alive connection ends that the server closed for being idle just as the
    portal reused it: under load, one login in fifty failed that way."""
    portal.emulator.fault(endpoint, DROPPED)

    _, page = portal.login(pid=PID)

    assert page.status_code == 200
    assert "Vi fikk ikke hentet innloggingshistorikken din" not in page.text
    assert "event=upstream_connection_closed" in caplog.text
    assert portal.emulator.faults() == []  # the fault was met, and recovered from
