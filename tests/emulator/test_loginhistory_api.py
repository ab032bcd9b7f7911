"""The login-history API: a citizen's own login log, read with a user-bound token from a real
code flow, compared with the rows in the emulator's database."""

from __future__ import annotations

import datetime
import re
import sqlite3
from contextlib import closing
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.emulator.api_support import (
    GENERIC_FAULTS,
    assert_bearer_refused,
    assert_credentials_asked_for,
    assert_generic_fault_then_recovery,
    assert_latency_delays_the_real_answer,
    assert_only_method,
    unseeded_pid,
)
from tests.emulator.support import (
    JWT_BEARER,
    NAV_DEMO_CLIENT,
    PORTAL_CLIENT,
    TIMEOUT,
    Emulator,
    RegisteredClient,
    jwt_assertion,
    jwt_grant_request,
)

OWN = "/innlogginger/logg/idporten"
ALL = "/innlogginger/logg/idporten/all"
READ = "idporten:user.log.read"
ALL_READ = "idporten:user.log.all.read"
PORTAL_ORGNO = "991825827"
# 15878510035: about 300 seeded logins to many organisations, a few of them to the portal's.
CITIZEN = "15878510035"
OSLO = ZoneInfo("Europe/Oslo")
ITEM_FIELDS = {"tidspunkt", "tjeneste", "eid", "integrasjon_id", "orgno"}
LOCAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


def user_token(emulator: Emulator, *, scope: str, pid: str = CITIZEN) -> str:
    return emulator.code_flow(pid=pid, scope=f"openid {scope}").tokens["access_token"]


def history(emulator: Emulator, path: str, token: str | None, **params: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(f"{emulator.url}{path}", params=params, headers=headers, timeout=TIMEOUT)


def expected_items(emulator: Emulator, pid: str, orgno: str | None = None) -> list[dict[str, Any]]:
    """The citizen's log rows straight from the database, as the API must render them."""
    return [
        {
            "tidspunkt": datetime.datetime.fromisoformat(row["timestamp"])
            .replace(tzinfo=datetime.UTC)
            .astimezone(OSLO)
            .strftime("%Y-%m-%dT%H:%M:%S"),
            "tjeneste": row["service_name"],
            "eid": row["eid"],
            "integrasjon_id": row["integration_id"],
            "orgno": row["orgno"],
        }
        for row in emulator.login_events(pid)
        if orgno is None or row["orgno"] == orgno
    ]


def forget_logins(emulator: Emulator, pid: str) -> None:
    """Every login writes a log row, so a citizen without rows is one whose rows were removed
    (by retention, say) after the token was issued."""
    with closing(sqlite3.connect(emulator.server.database_path)) as connection, connection:
        connection.execute(
            "DELETE FROM emulator_loginevent WHERE person_id ="
            " (SELECT id FROM emulator_person WHERE pid = ?)",
            (pid,),
        )


def well_formed(item: Any) -> bool:
    """What a careful client keeps: the five fields, all strings, a real local time."""
    if not isinstance(item, dict) or set(item) != ITEM_FIELDS:
        return False
    if not all(isinstance(value, str) for value in item.values()):
        return False
    if not LOCAL_TIME.fullmatch(item["tidspunkt"]):
        return False
    try:
        datetime.datetime.fromisoformat(item["tidspunkt"])
    except ValueError:
        return False
    return True


@pytest.fixture
def read_token(emulator: Emulator) -> str:
    return user_token(emulator, scope=f"{READ} {ALL_READ}")


class TestTheOwnOrganisationsHistory:
    def test_it_returns_only_the_logins_to_the_tokens_organisation_newest_first(
        self, emulator: Emulator, read_token: str
    ) -> None:
        response = history(emulator, OWN, read_token, maxhits="1000")

        assert response.status_code == 200
        items = response.json()
        assert items == expected_items(emulator, CITIZEN, PORTAL_ORGNO)
        # The seeded history has other organisations' rows that must stay out.
        assert len(expected_items(emulator, CITIZEN)) > len(items) >= 4

    def test_the_newest_item_is_the_login_that_made_the_token(
        self, emulator: Emulator, read_token: str
    ) -> None:
        newest = history(emulator, OWN, read_token, maxhits="1").json()

        assert newest == [
            {
                "tidspunkt": newest[0]["tidspunkt"],
                "tjeneste": "DIGITALISERINGSDIREKTORATET",
                "eid": "TestID",
                "integrasjon_id": PORTAL_CLIENT.client_id,
                "orgno": PORTAL_ORGNO,
            }
        ]
        logged_at = datetime.datetime.fromisoformat(newest[0]["tidspunkt"]).replace(tzinfo=OSLO)
        age = datetime.datetime.now(datetime.UTC) - logged_at
        assert datetime.timedelta(0) <= age < datetime.timedelta(minutes=1)

    def test_another_organisations_token_sees_that_organisations_logins(
        self, emulator: Emulator
    ) -> None:
        emulator.register_client(
            client_id="nav-history-reader",
            client_secret="nav-history-reader-secret",
            redirect_uris=[NAV_DEMO_CLIENT.redirect_uri],
            orgno="889640782",
            organisation_name="ARBEIDS- OG VELFERDSETATEN",
            service_name="ARBEIDS- OG VELFERDSETATEN",
            scopes=["openid", READ],
            grant_types=["authorization_code"],
            token_endpoint_auth_methods=["client_secret_basic"],
        )
        client = RegisteredClient(
            "nav-history-reader", "nav-history-reader-secret", NAV_DEMO_CLIENT.redirect_uri
        )
        token = emulator.code_flow(client=client, pid=CITIZEN, scope=f"openid {READ}").tokens[
            "access_token"
        ]

        items = history(emulator, OWN, token, maxhits="1000").json()

        assert items == expected_items(emulator, CITIZEN, "889640782")
        assert {item["integrasjon_id"] for item in items} >= {"nav-innlogging", client.client_id}

    def test_every_item_has_the_seeds_fields_and_oslo_wall_clock_time(
        self, emulator: Emulator, read_token: str
    ) -> None:
        items = history(emulator, ALL, read_token, maxhits="1000").json()

        assert items
        for item in items:
            assert well_formed(item), item
            assert re.fullmatch(r"[0-9]{9}", item["orgno"]), item

    def test_it_answers_with_no_store(self, emulator: Emulator, read_token: str) -> None:
        assert history(emulator, OWN, read_token).headers["Cache-Control"] == "no-store"


class TestTheHistoryOfEveryOrganisation:
    def test_it_returns_all_the_citizens_logins_newest_first(
        self, emulator: Emulator, read_token: str
    ) -> None:
        response = history(emulator, ALL, read_token, maxhits="1000")

        assert response.status_code == 200
        assert response.json() == expected_items(emulator, CITIZEN)
        assert len({item["orgno"] for item in response.json()}) > 3

    def test_it_needs_the_all_scope_not_only_the_read_scope(self, emulator: Emulator) -> None:
        token = user_token(emulator, scope=READ)

        response = history(emulator, ALL, token)

        assert_bearer_refused(response, 403, "insufficient_scope")
        assert f'scope="{ALL_READ}"' in response.headers["WWW-Authenticate"]


class TestMaxhits:
    def test_it_returns_the_newest_maxhits_logins(
        self, emulator: Emulator, read_token: str
    ) -> None:
        items = history(emulator, ALL, read_token, maxhits="7").json()

        assert items == expected_items(emulator, CITIZEN)[:7]

    def test_without_maxhits_it_returns_the_newest_100(
        self, emulator: Emulator, read_token: str
    ) -> None:
        items = history(emulator, ALL, read_token).json()

        assert items == expected_items(emulator, CITIZEN)[:100]

    def test_it_refuses_maxhits_given_twice(self, emulator: Emulator, read_token: str) -> None:
        response = requests.get(
            f"{emulator.url}{OWN}?maxhits=5&maxhits=6",
            headers={"Authorization": f"Bearer {read_token}"},
            timeout=TIMEOUT,
        )

        assert response.status_code == 400

    def test_it_accepts_the_maximum_of_10000(self, emulator: Emulator, read_token: str) -> None:
        assert history(emulator, ALL, read_token, maxhits="10000").status_code == 200

    @pytest.mark.parametrize("maxhits", ["0", "-1", "10001", "abc", "1.5", "", " 5", "1e3"])
    def test_it_refuses_a_bad_maxhits_with_400(
        self, emulator: Emulator, read_token: str, maxhits: str
    ) -> None:
        response = history(emulator, OWN, read_token, maxhits=maxhits)

        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_request",
            "error_description": "maxhits must be a whole number from 1 to 10000.",
        }


def test_a_citizen_without_logins_gets_an_empty_array(emulator: Emulator) -> None:
    pid = unseeded_pid(1)
    token = user_token(emulator, scope=f"{READ} {ALL_READ}", pid=pid)
    forget_logins(emulator, pid)

    assert history(emulator, OWN, token).json() == []
    assert history(emulator, ALL, token).json() == []


class TestRefusedTokens:
    @pytest.mark.parametrize("path", [OWN, ALL])
    @pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz"])
    def test_no_token_gets_401_with_a_challenge_and_no_error(
        self, emulator: Emulator, path: str, authorization: str | None
    ) -> None:
        headers = {} if authorization is None else {"Authorization": authorization}

        response = requests.get(f"{emulator.url}{path}", headers=headers, timeout=TIMEOUT)

        assert_credentials_asked_for(response)

    @pytest.mark.parametrize("path", [OWN, ALL])
    def test_a_malformed_token_gets_401_invalid_token(self, emulator: Emulator, path: str) -> None:
        headers = {"Authorization": "Bearer not-a-jwt"}

        response = requests.get(f"{emulator.url}{path}", headers=headers, timeout=TIMEOUT)

        assert_bearer_refused(response, 401, "invalid_token")

    def test_an_expired_token_gets_401(self, emulator: Emulator, read_token: str) -> None:
        emulator.shift_clock(121)

        assert_bearer_refused(history(emulator, OWN, read_token), 401, "invalid_token")

    def test_a_revoked_token_gets_401(self, emulator: Emulator, read_token: str) -> None:
        revoked = requests.post(
            f"{emulator.url}/revoke",
            data={"token": read_token},
            auth=(PORTAL_CLIENT.client_id, PORTAL_CLIENT.client_secret),
            timeout=TIMEOUT,
        )
        assert revoked.status_code == 200

        assert_bearer_refused(history(emulator, OWN, read_token), 401, "invalid_token")

    def test_a_token_signed_by_another_key_gets_401(
        self, emulator: Emulator, read_token: str
    ) -> None:
        header = jwt.get_unverified_header(read_token)
        claims = jwt.decode(read_token, options={"verify_signature": False})
        forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": header["kid"]})

        assert_bearer_refused(history(emulator, OWN, forged), 401, "invalid_token")

    @pytest.mark.parametrize("path", [OWN, ALL])
    def test_a_token_without_a_log_scope_gets_403_insufficient_scope(
        self, emulator: Emulator, path: str
    ) -> None:
        token = user_token(emulator, scope="profile")

        response = history(emulator, path, token)

        assert_bearer_refused(response, 403, "insufficient_scope")

    @pytest.mark.parametrize(("path", "scope"), [(OWN, READ), (ALL, ALL_READ)])
    def test_a_server_token_without_pid_gets_403(
        self, emulator: Emulator, path: str, scope: str
    ) -> None:
        token = log_reading_server_token(emulator, scope)
        assert "pid" not in jwt.decode(token, options={"verify_signature": False})

        response = history(emulator, path, token)

        assert_bearer_refused(response, 403, "insufficient_scope")
        assert response.json() == {
            "error": "insufficient_scope",
            "error_description": "The access token must belong to a logged-in user; it has no pid.",
        }

    def test_the_token_is_checked_before_maxhits(self, emulator: Emulator) -> None:
        assert_credentials_asked_for(history(emulator, OWN, None, maxhits="abc"))


def log_reading_server_token(emulator: Emulator, scope: str) -> str:
    """A JWT-grant token with a log scope, from a server client with a pre-registered key: no
    real agency has one, but the API must refuse it for its missing pid, not its scope."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "log-reader-key"}
    emulator.register_client(
        client_id="log-reading-server",
        orgno=PORTAL_ORGNO,
        organisation_name="DIGITALISERINGSDIREKTORATET",
        service_name="DIGITALISERINGSDIREKTORATET",
        scopes=[READ, ALL_READ],
        grant_types=[JWT_BEARER],
        token_endpoint_auth_methods=["private_key_jwt"],
        jwks=[jwk],
    )
    assertion = jwt_assertion(
        emulator, key, header={"kid": jwk["kid"]}, client_id="log-reading-server", scope=scope
    )
    response = jwt_grant_request(emulator, assertion)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_a_method_other_than_get_gets_405(emulator: Emulator, read_token: str) -> None:
    assert_only_method(emulator, OWN, read_token, allowed="GET")
    assert_only_method(emulator, ALL, read_token, allowed="GET")


def test_health_answers_up_without_a_token(emulator: Emulator) -> None:
    response = requests.get(f"{emulator.url}/innlogginger/health", timeout=TIMEOUT)

    assert response.status_code == 200
    assert response.json() == {"status": "UP"}


class TestFaults:
    @pytest.mark.parametrize("fault", GENERIC_FAULTS)
    def test_a_generic_fault_replaces_one_answer(
        self, emulator: Emulator, read_token: str, fault: str
    ) -> None:
        assert_generic_fault_then_recovery(
            emulator, "loginhistory", fault, lambda: history(emulator, OWN, read_token)
        )

    def test_latency_delays_the_real_answer(self, emulator: Emulator, read_token: str) -> None:
        response = assert_latency_delays_the_real_answer(
            emulator, "loginhistory", lambda: history(emulator, ALL, read_token, maxhits="3")
        )

        assert response.json() == expected_items(emulator, CITIZEN)[:3]

    def test_wrong_shaped_items_come_between_the_real_ones(
        self, emulator: Emulator, read_token: str
    ) -> None:
        real = expected_items(emulator, CITIZEN)[:4]
        emulator.fault("loginhistory", "wrong_shaped_items")

        items = history(emulator, ALL, read_token, maxhits="4").json()

        assert [item for item in items if item in real] == real
        wrong = [item for item in items if item not in real]
        assert len(wrong) >= 9
        assert not any(well_formed(item) for item in wrong)
        objects = [item for item in wrong if isinstance(item, dict)]
        assert any("tidspunkt" not in item for item in objects)
        assert any(item.get("tidspunkt") == "2019-13-45T25:61:00" for item in objects)
        assert any(isinstance(item.get("tidspunkt"), int) for item in objects)
        assert any(isinstance(item.get("orgno"), int) for item in objects)
        assert any(item.get("eid", "") is None for item in objects)
        assert any(not isinstance(item, dict) for item in wrong)
        assert history(emulator, ALL, read_token, maxhits="4").json() == real

    def test_wrong_shaped_items_appear_even_in_an_empty_history(self, emulator: Emulator) -> None:
        pid = unseeded_pid(2)
        token = user_token(emulator, scope=READ, pid=pid)
        forget_logins(emulator, pid)
        emulator.fault("loginhistory", "wrong_shaped_items")

        items = history(emulator, OWN, token).json()

        assert len(items) >= 9
        assert not any(well_formed(item) for item in items)

    def test_non_array_body_wraps_the_items_in_an_object(
        self, emulator: Emulator, read_token: str
    ) -> None:
        emulator.fault("loginhistory", "non_array_body")

        body = history(emulator, ALL, read_token, maxhits="2").json()

        assert body == {"innlogginger": expected_items(emulator, CITIZEN)[:2]}
        assert isinstance(history(emulator, ALL, read_token, maxhits="2").json(), list)
