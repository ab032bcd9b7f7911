"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0, docs/idporten.md 8.1).

Unit tests: real RS256 keys, discovery and the JWKS stubbed at idporten.http.SESSION.get, and
portal sessions made as a login makes them (store_login, then the sid row). Each check of the
logout token is refused with its own code and ends nothing; a valid token ends every session
of its sid, with tokens and cached history, and no other.

End to end: the emulator, over real HTTP, POSTs its logout token to the live portal.
"""

from __future__ import annotations

import datetime
import json
import logging
import secrets
import time
from importlib import import_module
from unittest import mock
from urllib.parse import urlencode

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from idporten.backchannel import BACKCHANNEL_LOGOUT_EVENT, MAX_AGE_SECONDS
from idporten.http import IdPortenUnavailable
from idporten.models import LoginTokens, SessionBySid, UsedLogoutToken
from idporten.services import logout_token_spend, session_sid_record, sessions_end_for_sid
from idporten.session import TOKENS_KEY, store_login
from idporten.signals import session_ended
from loginhistory.selectors import history_cache_key
from tests.idporten.portal_flow import Portal
from tests.idporten.test_id_token import JWK_A, JWK_B, KEY_A, KEY_B, FakeResponse
from tests.idporten.test_logout import csrf_token, form_to_id_porten

ISSUER = "https://idporten.example"
CLIENT = "our-client"
JWKS_URI = f"{ISSUER}/jwks.json"
SID = "sid-of-the-citizens-id-porten-session"
OTHER_SID = "sid-of-someone-else"
PATH = "/backchannel-logout"
FORM = "application/x-www-form-urlencoded"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": JWKS_URI,
    "end_session_endpoint": f"{ISSUER}/logout",
}


@pytest.fixture(autouse=True)
def configured(settings):
    settings.IDPORTEN_ISSUER = ISSUER
    settings.IDPORTEN_CLIENT_ID = CLIENT
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published():
    """What ID-porten publishes; tests change `keys` to rotate, or set `down`."""
    state = {"keys": [JWK_A], "fetches": 0, "down": False}

    def fake_get(url: str, **kwargs: object) -> FakeResponse:
        assert kwargs.get("timeout"), "every call to ID-porten has a timeout"
        if state["down"]:
            raise IdPortenUnavailable("jwks: ConnectTimeout")
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return FakeResponse(DISCOVERY)
        assert url == JWKS_URI
        state["fetches"] += 1
        return FakeResponse({"keys": list(state["keys"])})

    with mock.patch("idporten.http.SESSION.get", side_effect=fake_get):
        yield state


def logout_claims(**changes: object) -> dict:
    """ID-porten's documented logout token (docs/idporten.md 8.1); a change of None drops the
    claim."""
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "pairwise-sub",
        "iat": now,
        "exp": now + 300,
        "jti": secrets.token_urlsafe(16),
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        "sid": SID,
    }
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def sign(payload: dict, *, key=KEY_A, headers: dict | None = None, algorithm="RS256") -> str:
    header = {"kid": "a", "typ": "logout+jwt"} if headers is None else headers
    return jwt.encode(payload, key, algorithm=algorithm, headers=header)


def post_logout(token: str | None, client: Client | None = None, **data: str):
    form = {"logout_token": token, **data} if token is not None else data
    return (client or Client(enforce_csrf_checks=True)).post(
        PATH, urlencode(form), content_type=FORM
    )


def portal_session(sid: str) -> SessionBase:
    """A logged-in portal session of ID-porten's session `sid`, with tokens and a cached
    history, as a login and a page view leave it."""
    session = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store_login(
        session,
        claims={"acr": "idporten-loa-high", "amr": ["BankID"], "pid": "15878510035", "sid": sid},
        token_response={"access_token": "at", "refresh_token": "rt", "id_token": "it"},
    )
    session.save()
    session_sid_record(sid=sid, session_key=session.session_key)
    cache.set(history_cache_key(session), "the cached history", 600)
    return session


def alive(session: SessionBase) -> bool:
    """Whether anything of the session is left: the row, its sid row, its tokens, its cache."""
    parts = [
        Session.objects.filter(session_key=session.session_key).exists(),
        SessionBySid.objects.filter(session_key=session.session_key).exists(),
        LoginTokens.objects.filter(pk=session[TOKENS_KEY]).exists(),
        cache.get(history_cache_key(session)) is not None,
    ]
    assert len(set(parts)) == 1, f"partly ended: {parts}"
    return parts[0]


def assert_refused(response, check: str) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {"error": "invalid_request", "error_description": check}


# --- A valid logout token ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_logout_token_ends_every_session_of_its_sid_and_no_other(published, caplog):
    first, second = portal_session(SID), portal_session(SID)
    someone_else = portal_session(OTHER_SID)
    caplog.set_level(logging.INFO)
    token = sign(logout_claims())

    response = post_logout(token)

    assert response.status_code == 200
    assert response.content == b""
    assert response["Cache-Control"] == "no-store"
    assert not alive(first)
    assert not alive(second)
    assert alive(someone_else)
    assert "event=backchannel_logout sessions_ended=2" in caplog.text
    assert token not in caplog.text


@pytest.mark.django_db
def test_it_is_idempotent_a_second_logout_of_an_ended_sid_is_200_too(published):
    session = portal_session(SID)
    assert post_logout(sign(logout_claims())).status_code == 200
    assert not alive(session)
    assert post_logout(sign(logout_claims())).status_code == 200


@pytest.mark.django_db
def test_a_sid_without_any_portal_session_is_200(published):
    assert post_logout(sign(logout_claims(sid="never-logged-in-here"))).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("typ", ["logout+jwt", "application/logout+jwt", "Logout+JWT"])
def test_typ_is_the_media_type_in_any_case_with_or_without_its_prefix(published, typ):
    session = portal_session(SID)
    assert post_logout(sign(logout_claims(), headers={"kid": "a", "typ": typ})).status_code == 200
    assert not alive(session)


@pytest.mark.django_db
def test_an_audience_list_with_our_client_is_accepted(published):
    session = portal_session(SID)
    assert post_logout(sign(logout_claims(aud=["another", CLIENT]))).status_code == 200
    assert not alive(session)


@pytest.mark.django_db
def test_a_rotated_key_is_fetched_once_more(published):
    session = portal_session(SID)
    post_logout(sign(logout_claims(sid="warm-the-cache")))
    published["keys"] = [JWK_A, JWK_B]
    token = sign(logout_claims(), key=KEY_B, headers={"kid": "b", "typ": "logout+jwt"})
    assert post_logout(token).status_code == 200
    assert published["fetches"] == 2
    assert not alive(session)


@pytest.mark.django_db
def test_the_jwks_is_cached_between_logouts(published):
    post_logout(sign(logout_claims()))
    post_logout(sign(logout_claims()))
    assert published["fetches"] == 1


# --- Every check, each with its code and nothing ended -----------------------------------------


def _token(**changes: object) -> str:
    return sign(logout_claims(**changes))


REFUSED_TOKENS = {
    "signature": lambda: sign(logout_claims(), key=KEY_B),  # kid "a", signed by another key
    "alg none": lambda: jwt.encode(
        logout_claims(), None, algorithm="none", headers={"kid": "a", "typ": "logout+jwt"}
    ),
    "alg HS256": lambda: sign(
        logout_claims(), key="a-shared-secret-of-thirty-two-bytes!", algorithm="HS256"
    ),
    "typ JWT": lambda: sign(logout_claims(), headers={"kid": "a", "typ": "JWT"}),
    "no typ": lambda: sign(logout_claims(), headers={"kid": "a", "typ": None}),
    "unknown kid": lambda: sign(logout_claims(), headers={"kid": "zzz", "typ": "logout+jwt"}),
    "wrong iss": lambda: _token(iss="https://evil.example"),
    "iss with a slash": lambda: _token(iss=f"{ISSUER}/"),
    "wrong aud": lambda: _token(aud="another-client"),
    "no aud": lambda: _token(aud=None),
    "no iat": lambda: _token(iat=None),
    "iat in the future": lambda: _token(iat=int(time.time()) + 3600),
    "iat too old": lambda: _token(iat=int(time.time()) - MAX_AGE_SECONDS - 120),
    "no exp": lambda: _token(exp=None),
    "exp passed": lambda: _token(exp=int(time.time()) - 120),
    "no jti": lambda: _token(jti=None),
    "empty jti": lambda: _token(jti=""),
    "no events": lambda: _token(events=None),
    "events without the logout event": lambda: _token(events={"http://other/event": {}}),
    "the event not an object": lambda: _token(events={BACKCHANNEL_LOGOUT_EVENT: "yes"}),
    "events a list": lambda: _token(events=[BACKCHANNEL_LOGOUT_EVENT]),
    "no sid": lambda: _token(sid=None),
    "a nonce": lambda: _token(nonce="n-0S6_WzA2Mj"),
    "not a JWT": lambda: "not-a-jwt",
    "two segments": lambda: _token().rsplit(".", 1)[0],
}
EXPECTED_CHECK = {
    "signature": "signature",
    "alg none": "alg",
    "alg HS256": "alg",
    "typ JWT": "typ",
    "no typ": "typ",
    "unknown kid": "kid",
    "wrong iss": "iss",
    "iss with a slash": "iss",
    "wrong aud": "aud",
    "no aud": "aud",
    "no iat": "iat",
    "iat in the future": "iat_in_future",
    "iat too old": "iat_too_old",
    "no exp": "exp",
    "exp passed": "expired",
    "no jti": "jti",
    "empty jti": "jti",
    "no events": "events",
    "events without the logout event": "events",
    "the event not an object": "events",
    "events a list": "events",
    "no sid": "sid",
    "a nonce": "nonce",
    "not a JWT": "malformed",
    "two segments": "malformed",
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(REFUSED_TOKENS))
def test_each_check_refuses_with_its_code_and_ends_nothing(published, caplog, case):
    session = portal_session(SID)
    token = REFUSED_TOKENS[case]()

    response = post_logout(token)

    check = EXPECTED_CHECK[case]
    assert_refused(response, check)
    assert alive(session)
    assert f"event=backchannel_logout_refused check={check}" in caplog.text
    assert token not in caplog.text
    assert not UsedLogoutToken.objects.exists(), "a refused token spends no jti"


@pytest.mark.django_db
def test_the_same_jti_twice_is_a_replay_even_for_another_sid(published):
    first = portal_session(SID)
    second = portal_session(OTHER_SID)
    jti = secrets.token_urlsafe(16)
    assert post_logout(sign(logout_claims(jti=jti))).status_code == 200
    assert not alive(first)

    assert_refused(post_logout(sign(logout_claims(jti=jti, sid=OTHER_SID))), "replay")
    assert alive(second)


@pytest.mark.django_db
def test_the_very_same_token_again_is_a_replay(published):
    token = sign(logout_claims())
    assert post_logout(token).status_code == 200
    assert_refused(post_logout(token), "replay")


@pytest.mark.django_db
def test_a_used_jti_is_kept_in_the_database_until_the_token_would_be_refused_anyway(published):
    """In the database, so every process and thread refuses the replay: the unique jti is the
    one arbiter. Kept until exp (or iat + the window, if sooner), plus the clock skew."""
    iat = int(time.time())
    post_logout(sign(logout_claims(jti="the-jti", iat=iat, exp=iat + 120)))
    row = UsedLogoutToken.objects.get(jti="the-jti")
    assert row.expires_at == datetime.datetime.fromtimestamp(iat + 120 + 60, tz=datetime.UTC)

    post_logout(sign(logout_claims(jti="long-lived", iat=iat, exp=iat + 86400)))
    row = UsedLogoutToken.objects.get(jti="long-lived")
    expected = iat + MAX_AGE_SECONDS + 60
    assert row.expires_at == datetime.datetime.fromtimestamp(expected, tz=datetime.UTC)


@pytest.mark.django_db
def test_spending_a_jti_is_insert_or_fail_and_prunes_what_has_expired():
    later = timezone.now() + datetime.timedelta(minutes=5)
    UsedLogoutToken.objects.create(jti="stale", expires_at=timezone.now())
    assert logout_token_spend(jti="j", keep_until=later) is True
    assert logout_token_spend(jti="j", keep_until=later) is False
    assert list(UsedLogoutToken.objects.values_list("jti", flat=True)) == ["j"]


# --- The request ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_get_is_refused(published):
    session = portal_session(SID)
    response = Client().get(PATH, {"logout_token": sign(logout_claims())})
    assert_refused(response, "method")
    assert alive(session)


@pytest.mark.django_db
def test_the_logout_token_parameter_is_required(published):
    session = portal_session(SID)
    assert_refused(post_logout(None), "logout_token")
    assert_refused(post_logout(None, id_token="x"), "logout_token")
    assert_refused(post_logout(""), "logout_token")
    assert alive(session)


@pytest.mark.django_db
def test_two_logout_tokens_are_refused(published):
    token = sign(logout_claims())
    body = urlencode([("logout_token", token), ("logout_token", token)])
    assert_refused(Client().post(PATH, body, content_type=FORM), "logout_token")


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data"])
def test_only_a_form_post_is_read(published, content_type):
    session = portal_session(SID)
    token = sign(logout_claims())
    if content_type == "application/json":
        response = Client().post(PATH, {"logout_token": token}, content_type=content_type)
    else:
        response = Client().post(PATH, {"logout_token": token})  # the test client's multipart
    assert_refused(response, "content_type")
    assert alive(session)


@pytest.mark.django_db
def test_it_needs_no_csrf_token_and_sets_no_cookie(published):
    response = post_logout(sign(logout_claims()), client=Client(enforce_csrf_checks=True))
    assert response.status_code == 200
    assert not response.cookies


# --- When the failure is not the token's ------------------------------------------------------


@pytest.mark.django_db
def test_unreachable_keys_are_a_400_not_a_5xx(published, caplog):
    session = portal_session(SID)
    published["down"] = True
    assert_refused(post_logout(sign(logout_claims())), "keys_unavailable")
    assert alive(session)
    assert "event=backchannel_logout_keys_unavailable" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_database_failure_is_a_400_and_leaves_the_jti_unspent(published, caplog):
    session = portal_session(SID)
    token = sign(logout_claims(jti="unspent"))
    with mock.patch(
        "idporten.views.sessions_end_for_sid", side_effect=DatabaseError("connection lost")
    ):
        assert_refused(post_logout(token), "logout_failed")
    assert "event=backchannel_logout_failed" in caplog.text
    assert not UsedLogoutToken.objects.filter(jti="unspent").exists()
    assert alive(session)
    # ID-porten does not retry, but the same token would now work.
    assert post_logout(token).status_code == 200
    assert not alive(session)


# --- The signal, and front-channel logout through the same path -------------------------------


@pytest.mark.django_db
def test_sessions_end_for_sid_sends_session_ended_for_each_session():
    first, second = portal_session(SID), portal_session(SID)
    portal_session(OTHER_SID)
    received = []

    def receiver(sender, *, session_key, **kwargs):
        received.append(session_key)

    session_ended.connect(receiver)
    try:
        assert sessions_end_for_sid(sid=SID) == 2
    finally:
        session_ended.disconnect(receiver)
    assert sorted(received) == sorted([first.session_key, second.session_key])


@pytest.mark.django_db
def test_front_channel_logout_forgets_the_cached_history_too():
    session = portal_session(SID)
    response = Client().get("/frontchannel-logout", {"iss": ISSUER, "sid": SID})
    assert response.status_code == 200
    assert not alive(session)


# --- End to end: the emulator's logout token, over real HTTP ----------------------------------


def register_backchannel(portal: Portal) -> None:
    portal.emulator.register_client(
        client_id=portal.client_id, backchannel_logout_uri=f"{portal.url}{PATH}"
    )


def logged_in_keys() -> set[str]:
    return set(SessionBySid.objects.values_list("session_key", flat=True))


@pytest.mark.django_db(transaction=True)
def test_logging_out_at_id_porten_ends_the_portal_session_through_the_back_channel(
    portal: Portal, caplog
):
    caplog.set_level(logging.INFO)
    register_backchannel(portal)
    browser, page = portal.login()
    assert portal.path_of(page) == "/min-side/"
    (key,) = logged_in_keys()
    history_key = history_cache_key(SessionBase(session_key=key))
    assert cache.get(history_key) is not None, "the page cached the history"

    # The citizen logs out at another service of the same ID-porten session. No iframe is
    # loaded: the back channel alone ends the portal's session.
    endsession = browser.get(
        f"{portal.emulator.url}/endsession", params={"client_id": "local-nav-demo"}, timeout=10
    )
    assert endsession.status_code == 200

    assert "event=backchannel_logout sessions_ended=1" in caplog.text
    assert not Session.objects.filter(session_key=key).exists()
    assert not SessionBySid.objects.exists()
    assert not LoginTokens.objects.exists()
    assert cache.get(history_key) is None
    personal = browser.get(f"{portal.url}/min-side/", allow_redirects=False, timeout=10)
    assert personal.status_code == 302
    assert personal.headers["Location"].startswith("/logg-inn/")


@pytest.mark.django_db(transaction=True)
def test_after_logging_out_at_the_portal_the_back_channel_finds_nothing_left_and_says_200(
    portal: Portal, caplog
):
    caplog.set_level(logging.INFO)
    register_backchannel(portal)
    browser, page = portal.login()
    ending = browser.post(
        f"{portal.url}/logg-ut/",
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    action, fields = form_to_id_porten(ending.text)
    assert browser.post(action, data=fields, timeout=10).status_code == 200
    assert "event=backchannel_logout sessions_ended=0" in caplog.text
    assert "backchannel_logout_refused" not in caplog.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("fault", "check"),
    [
        ("bad_signature", "signature"),
        ("wrong_aud", "aud"),
        ("no_events", "events"),
        ("nonce", "nonce"),
        ("no_sid", "sid"),
    ],
)
def test_a_faulty_logout_token_from_the_emulator_is_refused_and_the_session_stays(
    portal: Portal, caplog, fault, check
):
    register_backchannel(portal)
    browser, _ = portal.login()
    portal.emulator.fault("endsession", fault)
    browser.get(
        f"{portal.emulator.url}/endsession", params={"client_id": "local-nav-demo"}, timeout=10
    )
    assert f"event=backchannel_logout_refused check={check}" in caplog.text
    assert browser.get(f"{portal.url}/min-side/", timeout=10).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_replayed_jti_from_the_emulator_is_refused_and_the_session_stays(portal: Portal, caplog):
    register_backchannel(portal)
    first, _ = portal.login()
    first.get(f"{portal.emulator.url}/endsession", params={"client_id": portal.client_id})
    assert "backchannel_logout_refused" not in caplog.text

    browser, _ = portal.login()  # a new ID-porten session, a new sid
    portal.emulator.fault("endsession", "replayed_jti")
    browser.get(f"{portal.emulator.url}/endsession", params={"client_id": portal.client_id})
    assert "event=backchannel_logout_refused check=replay" in caplog.text
    assert browser.get(f"{portal.url}/min-side/", timeout=10).status_code == 200
