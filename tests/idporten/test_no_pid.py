"""Citizens without a national identity number (docs/idporten.md 8.2, 8.3): e-mail login and
foreign eIDs that ID-porten could not match to a number.

End to end through the emulator: they log in, see a page that says plainly what can and cannot
be shown, and nothing is looked up (neither API is called). Then the vocabulary: every acr and
amr value ID-porten documents, the -high postfix rule, and the table's tags.
"""

from __future__ import annotations

import json
import time
from typing import Any
from unittest import mock

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from authlevel import selectors as authlevel_selectors
from authlevel.badge import Badge, BadgeKind
from authlevel.selectors import authlevel_lookup, citizen_badge
from idporten.authlevel_api import AuthlevelLookup, UsedLevel
from idporten.eids import Issuer, eid_info
from idporten.id_token import LoginCheckFailed, verify_id_token
from idporten.session import LoginDetails, login_details, store_login
from idporten.types import Acr, LevelOfAssurance, level_of
from loginhistory import selectors as loginhistory_selectors
from loginhistory.tables import level_tag
from tests.idporten.portal_flow import Portal

EMAIL_LOGIN = {"eid": "Selfregistered-email", "person": "email-kari"}
EIDAS_LOGIN = {"eid": "eIDAS", "person": "eidas-erika"}

# What the page says (in bokmål, the portal's default language).
NO_NUMBER_HEADING = "Du er logget inn uten fødselsnummer"
CANNOT_SHOW = "innloggingshistorikken din, fordi ID-porten fører den etter fødselsnummer"
BADGE_REASON = "Ikke tilgjengelig uten fødselsnummer"
BADGE_WHY = "Det høyeste nivået du har brukt, blir slått opp med fødselsnummeret ditt"


# --- End to end, through the emulator -------------------------------------------------------


class Calls:
    """Counts the calls of both APIs, where the portal makes them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.authlevel: list[str] = []
        self.history = 0

        def used_level(*, pid: str, from_date: Any = None) -> AuthlevelLookup:
            self.authlevel.append(pid)
            return AuthlevelLookup(UsedLevel.NOT_HIGH)

        def login_records(session: Any) -> list[Any]:
            self.history += 1
            return []

        monkeypatch.setattr(authlevel_selectors, "used_level", used_level)
        monkeypatch.setattr(loginhistory_selectors, "login_records", login_records)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    return Calls(monkeypatch)


@pytest.fixture
def email_login_offered(settings) -> None:
    """The portal asks for e-mail login (acr_values=selfregistered-email), as its login button
    for e-mail users will (docs.digdir.no "oidc_func_emaillogin": that value alone goes straight
    to e-mail login)."""
    settings.IDPORTEN_ACR_VALUES = Acr.SELF_REGISTERED_EMAIL


def log_in(
    portal: Portal, path: str = "/logg-inn/", **form: str
) -> tuple[requests.Session, requests.Response]:
    browser = portal.browser()
    page = portal.start_login(browser, path)
    return browser, portal.submit(browser, page, **form)


def session_details(browser: requests.Session) -> LoginDetails | None:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore(browser.cookies["portal_session"])
    return login_details(store)


def assert_the_page_explains(page: requests.Response) -> None:
    assert page.status_code == 200, page.text[:500]
    assert NO_NUMBER_HEADING in page.text
    assert CANNOT_SHOW in page.text
    assert "Den kan ikke vise deg:" in page.text
    assert 'href="/hjelp/#without-national-id"' in page.text
    # No history and no exports; the lookups, matched on the login's number, are none.
    assert "Last ned" not in page.text
    assert "Oppslag på deg" in page.text
    assert "Ingen saksbehandler har sett på siden din." in page.text


@pytest.mark.django_db(transaction=True)
class TestEndToEnd:
    def test_the_email_login_asks_id_porten_for_email_alone(self, portal: Portal, calls: Calls):
        browser = portal.browser()
        first = browser.get(
            f"{portal.url}/logg-inn/?login=email", allow_redirects=False, timeout=10
        )
        assert "acr_values=selfregistered-email&" in first.headers["Location"]

        _, page = log_in(portal, "/logg-inn/?login=email", **EMAIL_LOGIN)

        assert portal.path_of(page) == "/min-side/"
        assert_the_page_explains(page)
        assert (calls.authlevel, calls.history) == ([], 0)

    def test_an_email_login_sees_what_can_and_cannot_be_shown(
        self, portal: Portal, calls: Calls, email_login_offered: None
    ):
        browser, page = log_in(portal, **EMAIL_LOGIN)

        assert portal.path_of(page) == "/min-side/"
        assert_the_page_explains(page)
        assert "Du logget inn med e-post, så ID-porten har ikke gitt" in page.text
        assert BADGE_REASON in page.text and BADGE_WHY in page.text
        assert "Du er logget inn med e-post. En innlogging med e-post har ikke noe" in page.text
        assert (calls.authlevel, calls.history) == ([], 0)
        details = session_details(browser)
        assert details is not None
        assert (details.pid, details.acr, details.level) == (
            "",
            "selfregistered-email",
            LevelOfAssurance.SELF_REGISTERED,
        )

    def test_a_foreign_eid_without_a_number_sees_the_same(self, portal: Portal, calls: Calls):
        # The portal's usual request (substantial): eidas-loa-substantial meets it.
        browser, page = log_in(portal, **EIDAS_LOGIN, level="substantial")

        assert_the_page_explains(page)
        assert "Du logget inn med eIDAS, og ID-porten har ikke gitt" in page.text
        assert BADGE_REASON in page.text
        assert "Du er logget inn med eIDAS på betydelig nivå (nivå 3)." in page.text
        assert (calls.authlevel, calls.history) == ([], 0)
        details = session_details(browser)
        assert details is not None and details.acr == "eidas-loa-substantial"

    def test_at_the_high_level_the_badge_says_so_without_asking(self, portal: Portal, calls: Calls):
        _, page = log_in(portal, **EIDAS_LOGIN, level="high")

        assert_the_page_explains(page)
        assert "Høyt nivå (nivå 4) brukt de siste 18 månedene" in page.text
        assert "Du er logget inn med eIDAS på høyt nivå (nivå 4)." in page.text
        assert (calls.authlevel, calls.history) == ([], 0)

    def test_a_login_with_a_number_calls_both_apis_as_before(self, portal: Portal, calls: Calls):
        _, page = log_in(portal, pid="04899220043", eid="MinID")

        assert page.status_code == 200
        assert NO_NUMBER_HEADING not in page.text
        assert (calls.authlevel, calls.history) == (["04899220043"], 1)

    def test_the_downloads_say_there_is_nothing_to_download(
        self, portal: Portal, calls: Calls, email_login_offered: None
    ):
        browser, _ = log_in(portal, **EMAIL_LOGIN)

        for name in ("loginhistory:export-csv", "loginhistory:export-json"):
            response = browser.get(portal.url + reverse(name), allow_redirects=False, timeout=10)
            assert response.status_code == 404
            assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
            assert "Det finnes ingen innloggingshistorikk å laste ned" in response.text
        assert calls.history == 0

    def test_an_email_login_never_passes_for_the_substantial_level(
        self, portal: Portal, calls: Calls, email_login_offered: None, settings
    ):
        settings.ROOT_URLCONF = "tests.idporten.stepup_urls"
        browser, _ = log_in(portal, **EMAIL_LOGIN)

        response = browser.get(f"{portal.url}/med-token/", allow_redirects=False, timeout=10)

        assert response.status_code == 302
        assert response.headers["Location"] == "/logg-inn/?next=%2Fmed-token%2F"

    def test_when_the_portal_asks_for_substantial_an_email_login_is_refused(
        self, portal: Portal, caplog
    ):
        """Even when the browser rewrote the request to ID-porten to allow e-mail login: the
        portal checks the level it asked for, kept in its own state."""
        browser = portal.browser()
        to_op = browser.get(f"{portal.url}/logg-inn/", allow_redirects=False, timeout=10)
        location = to_op.headers["Location"]
        assert "acr_values=idporten-loa-substantial" in location
        tampered = location.replace(
            "acr_values=idporten-loa-substantial", "acr_values=selfregistered-email"
        )
        page = portal.follow(browser, browser.get(tampered, allow_redirects=False, timeout=10))

        done = portal.submit(browser, page, **EMAIL_LOGIN)

        assert done.status_code == 400
        assert "Innloggingen lyktes ikke" in done.text
        assert "check=acr" in caplog.text


# --- The vocabulary: acr ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("acr", "level"),
    [
        # Every acr ID-porten documents today (docs/idporten.md 8.2) ...
        ("idporten-loa-low", LevelOfAssurance.LOW),
        ("idporten-loa-substantial", LevelOfAssurance.SUBSTANTIAL),
        ("idporten-loa-high", LevelOfAssurance.HIGH),
        ("eidas-loa-substantial", LevelOfAssurance.SUBSTANTIAL),
        ("eidas-loa-high", LevelOfAssurance.HIGH),
        ("selfregistered-email", LevelOfAssurance.SELF_REGISTERED),
        # ... the old platform's ...
        ("Level3", LevelOfAssurance.SUBSTANTIAL),
        ("Level4", LevelOfAssurance.HIGH),
        # ... and Digdir's advice: any "-high" is the high level, known here or not.
        ("someframework-loa-high", LevelOfAssurance.HIGH),
        ("eudi-high", LevelOfAssurance.HIGH),
        # Nothing else is guessed.
        ("idporten-loa-unknown", None),
        ("eidas-loa-low", None),
        ("-high", None),
        ("high", None),
        ("idporten-loa-HIGH", None),
        ("idporten-loa-high ", None),
        ("idporten-loa-high extra", None),
        ("Level2", None),
        ("", None),
        (None, None),
        (4, None),
        (["idporten-loa-high"], None),
    ],
)
def test_level_of_every_acr(acr: object, level: LevelOfAssurance | None) -> None:
    assert level_of(acr) is level


ISSUER, CLIENT, NONCE = "https://idporten.example", "our-client", "n-0S6_WzA2Mj"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key())), "kid": "a"}


@pytest.fixture
def published():
    """The JWKS, where the portal fetches it."""
    jwks = requests.Response()
    jwks.status_code = 200
    jwks.headers["Content-Type"] = "application/json"
    jwks._content = json.dumps({"keys": [JWK]}).encode()
    with mock.patch("idporten.http.SESSION.get", return_value=jwks):
        yield


def id_token(acr: str, **claims: object) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": CLIENT, "sub": "pairwise", "iat": now, "exp": now + 120}
    payload.update(nonce=NONCE, acr=acr, **claims)
    return jwt.encode(payload, KEY, algorithm="RS256", headers={"kid": "a"})


def verify(token: str, required: LevelOfAssurance) -> dict[str, Any]:
    return verify_id_token(
        token,
        issuer=ISSUER,
        client_id=CLIENT,
        jwks_uri=f"{ISSUER}/jwk",
        nonce=NONCE,
        required_level=required,
    )


def refused(token: str, required: LevelOfAssurance) -> None:
    with pytest.raises(LoginCheckFailed) as caught:
        verify(token, required)
    assert caught.value.check == "acr"


def test_email_is_below_every_level_a_page_can_ask_for() -> None:
    assert LevelOfAssurance.SELF_REGISTERED < LevelOfAssurance.LOW < LevelOfAssurance.SUBSTANTIAL


def test_an_email_login_is_refused_where_substantial_was_asked_for(published):
    token = id_token("selfregistered-email", email="kari.nordmann@example.com")

    refused(token, LevelOfAssurance.SUBSTANTIAL)
    refused(token, LevelOfAssurance.LOW)
    assert verify(token, LevelOfAssurance.SELF_REGISTERED)["acr"] == "selfregistered-email"


def test_foreign_eids_meet_the_national_levels(published):
    substantial = id_token("eidas-loa-substantial")
    high = id_token("eidas-loa-high")

    assert "pid" not in verify(substantial, LevelOfAssurance.SUBSTANTIAL)
    refused(substantial, LevelOfAssurance.HIGH)
    assert verify(high, LevelOfAssurance.HIGH)


def test_a_new_high_acr_passes_the_high_check(published):
    assert verify(id_token("nextgen-loa-high", pid="15878510035"), LevelOfAssurance.HIGH)
    refused(id_token("nextgen-loa-substantial", pid="15878510035"), LevelOfAssurance.SUBSTANTIAL)


# --- The vocabulary: amr, and the table's tags ---------------------------------------------


@pytest.mark.parametrize(
    ("amr", "name", "level", "issuer", "tag"),
    [
        # Every amr ID-porten documents today (docs/idporten.md 8.2).
        ("Minid-PIN", "MinID", LevelOfAssurance.SUBSTANTIAL, Issuer.MINID, "level 3, substantial"),
        ("Minid-OTC", "MinID", LevelOfAssurance.SUBSTANTIAL, Issuer.MINID, "level 3, substantial"),
        (
            "Minid-APP",
            "MinID app",
            LevelOfAssurance.SUBSTANTIAL,
            Issuer.MINID,
            "level 3, substantial",
        ),
        ("Minid-TOTP", "MinID", LevelOfAssurance.SUBSTANTIAL, Issuer.MINID, "level 3, substantial"),
        (
            "Minid-WEBAUTHN",
            "MinID",
            LevelOfAssurance.SUBSTANTIAL,
            Issuer.MINID,
            "level 3, substantial",
        ),
        ("BankID", "BankID", LevelOfAssurance.HIGH, Issuer.BANKID, "level 4, high"),
        ("BankID Mobil", "BankID mobil", LevelOfAssurance.HIGH, Issuer.BANKID, "level 4, high"),
        ("Buypass", "Buypass", LevelOfAssurance.HIGH, Issuer.BUYPASS, "level 4, high"),
        ("Commfides", "Commfides", LevelOfAssurance.HIGH, Issuer.COMMFIDES, "level 4, high"),
        ("eIDAS", "eIDAS", None, Issuer.OTHER, "level not known"),
        ("TestID", "TestID", None, Issuer.OTHER, "level not known"),
        (
            "Selfregistered-email",
            "Selfregistered-email",
            LevelOfAssurance.SELF_REGISTERED,
            Issuer.OTHER,
            "e-mail, no security level",
        ),
    ],
)
def test_every_documented_amr_has_its_product_level_issuer_and_tag(
    amr: str, name: str, level: LevelOfAssurance | None, issuer: Issuer, tag: str
) -> None:
    info = eid_info(amr)

    assert (info.name, info.level, info.issuer) == (name, level, issuer)
    with translation.override("en"):
        assert f">{tag}</span>" in level_tag(amr)


def test_the_email_tag_is_translated() -> None:
    with translation.override("nb"):
        assert ">e-post, uten sikkerhetsnivå</span>" in level_tag("Selfregistered-email")
    with translation.override("nn"):
        assert ">e-post, utan sikkerheitsnivå</span>" in level_tag("selfregistered email")


# --- The badge: no lookup by an empty number ------------------------------------------------


def details(*, pid: str, acr: str, amr: str) -> LoginDetails:
    return LoginDetails(pid=pid, acr=acr, amr=(amr,), sid=None, auth_time=None, logged_in_at=0.0)


@pytest.fixture
def no_api(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**kwargs: object) -> AuthlevelLookup:
        raise AssertionError(f"the authlevel API was asked: {kwargs}")

    monkeypatch.setattr(authlevel_selectors, "used_level", refuse)


@pytest.mark.parametrize(
    ("acr", "amr"),
    [("selfregistered-email", "Selfregistered-email"), ("eidas-loa-substantial", "eIDAS")],
)
def test_a_login_without_a_number_gets_the_reason_and_no_lookup(no_api, acr: str, amr: str):
    assert citizen_badge(details(pid="", acr=acr, amr=amr)) == Badge(BadgeKind.NO_NATIONAL_ID)


def test_a_high_login_without_a_number_is_high_without_a_lookup(no_api) -> None:
    badge = citizen_badge(details(pid="", acr="eidas-loa-high", amr="eIDAS"))

    assert badge == Badge(BadgeKind.HIGH)


def test_an_empty_number_is_never_looked_up(no_api) -> None:
    assert authlevel_lookup(pid="") == AuthlevelLookup(UsedLevel.UNKNOWN)


def render_badge(badge: Badge, eid: str, level: LevelOfAssurance | None, language: str) -> str:
    template = Template("{% load authlevel_tags %}{% authlevel_badge badge eid level %}")
    with translation.override(language):
        return template.render(Context({"badge": badge, "eid": eid, "level": level}))


@pytest.mark.parametrize(
    ("language", "tag", "line"),
    [
        (
            "nb",
            "Ikke tilgjengelig uten fødselsnummer",
            "Du er logget inn med e-post. En innlogging med e-post har ikke noe sikkerhetsnivå.",
        ),
        (
            "nn",
            "Ikkje tilgjengeleg utan fødselsnummer",
            "Du er logga inn med e-post. Ei innlogging med e-post har ikkje noko sikkerheitsnivå.",
        ),
        (
            "en",
            "Not available without a national identity number",
            "You are logged in with e-mail. An e-mail login has no security level.",
        ),
    ],
)
def test_the_badge_says_why_there_is_no_level(language: str, tag: str, line: str) -> None:
    html = render_badge(
        Badge(BadgeKind.NO_NATIONAL_ID),
        "Selfregistered-email",
        LevelOfAssurance.SELF_REGISTERED,
        language,
    )

    assert f'<span class="ds-tag" data-color="neutral">{tag}</span>' in html
    assert line in html


# --- Who may see the page -------------------------------------------------------------------


def logged_in(*, pid: str, acr: str, amr: str = "BankID") -> Client:
    client = Client()
    user = get_user_model().objects.create_user(username=f"sub-{acr}-{pid or 'none'}")
    client.force_login(user, backend="idporten.backend.IdPortenBackend")
    session = client.session
    store_login(
        session,
        claims={"sub": user.username, "pid": pid, "acr": acr, "amr": [amr]},
        token_response={"access_token": "a", "refresh_token": "r", "id_token": "i"},
    )
    session.save()
    return client


@pytest.mark.django_db
def test_a_login_without_a_number_sees_the_page_at_any_known_level(no_api) -> None:
    email = logged_in(pid="", acr="selfregistered-email", amr="Selfregistered-email")

    response = email.get(reverse("loginhistory:overview"))

    assert response.status_code == 200
    assert response.context["without_national_id"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pid", "acr"),
    [
        ("15878510035", "idporten-loa-low"),  # a number needs substantial, as always
        ("15878510035", "selfregistered-email"),  # (never sent so, and refused if it were)
        ("", "urn:made-up"),  # no level at all
    ],
)
def test_everyone_else_still_needs_the_substantial_level(pid: str, acr: str) -> None:
    response = logged_in(pid=pid, acr=acr).get(reverse("loginhistory:overview"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("idporten:login"))
