"""Two portal processes under gunicorn, one PostgreSQL, behind a round-robin balancer: the
token store holds however the requests of one citizen are spread over processes.

Both portals are started as production starts them (tests/gunicorn_support.py), against the
emulator over real HTTP; what the emulator saw is read from its own database.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.emulator.support import Emulator
from tests.gunicorn_support import GunicornPortal, gunicorn_portals
from tests.idporten.portal_flow import Portal, portal_client_register
from tests.round_robin import round_robin

TIMEOUT = 20
CITIZEN = "15878510035"


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="localhost", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


class _NewConnectionEachRequest(HTTPAdapter):
    """To the balancer, every request on a connection of its own, and so a turn of its own;
    to the emulator the browser keeps its connections, as browsers do."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.headers["Connection"] = "close"
        return super().send(request, **kwargs)


@dataclass
class Balanced:
    """The portals behind the balancer, and the browser's way in."""

    portal: Portal
    servers: tuple[GunicornPortal, ...]
    chosen: list[int]  # which process each connection went to
    database_url: str

    def browser(self) -> requests.Session:
        browser = requests.Session()
        browser.mount(self.portal.url, _NewConnectionEachRequest())
        return browser

    def expire_access_tokens(self, *, seconds_left: int = 5) -> None:
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            connection.execute(
                "UPDATE idporten_logintokens SET access_expires_at = now() + make_interval("
                "secs => %s)",
                (seconds_left,),
            )

    def token_rows(self) -> int:
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            (count,) = connection.execute("SELECT count(*) FROM idporten_logintokens").fetchone()
        return int(count)


def emulator_saw(emulator: Emulator, client_id: str) -> dict[str, int]:
    """Grants (logins), refresh tokens issued and spent, and grants revoked for a replay."""
    with closing(sqlite3.connect(emulator.server.database_path)) as connection:
        grants, revoked = connection.execute(
            "SELECT count(*), count(g.revoked_at) FROM emulator_grant g"
            " JOIN emulator_client c ON c.id = g.client_id WHERE c.client_id = ?",
            (client_id,),
        ).fetchone()
        issued, rotated = connection.execute(
            "SELECT count(*), count(r.rotated_at) FROM emulator_refreshtoken r"
            " JOIN emulator_grant g ON g.id = r.grant_id"
            " JOIN emulator_client c ON c.id = g.client_id WHERE c.client_id = ?",
            (client_id,),
        ).fetchone()
    return {"logins": grants, "revoked": revoked, "refresh_tokens": issued, "refreshes": rotated}


@pytest.fixture(params=["without Redis", "with Redis"])
def balanced(request: pytest.FixtureRequest, emulator: Emulator) -> Iterator[Balanced]:
    environment = {}
    if request.param == "with Redis":
        if not redis_answers():
            pytest.skip("Redis does not answer on localhost:6379")
        environment = {
            "REDIS_URL": "redis://localhost:6379/0",
            "CACHE_KEY_PREFIX": f"processes-{uuid.uuid4().hex[:8]}",
        }
    client_id, secret = f"processes-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    with gunicorn_portals(
        2,
        IDPORTEN_ISSUER=emulator.issuer,
        IDPORTEN_CLIENT_ID=client_id,
        IDPORTEN_CLIENT_SECRET=secret,
        IDPORTEN_LOGINHISTORY_BASE_URL=emulator.url,
        IDPORTEN_AUTHLEVEL_BASE_URL="",  # the badge's JWT grant is not what this is about
        # Every page view reads the history afresh, so every one of them needs a token.
        LOGINHISTORY_CACHE_SECONDS="0",
        GUNICORN_THREADS="8",
        **environment,
    ) as servers:
        database_url = servers[0].database_url
        with round_robin([(s.host, s.port) for s in servers]) as (port, chosen):
            url = f"http://127.0.0.1:{port}"
            portal_client_register(emulator, url, client_id, secret)
            portal = Portal(url=url, client_id=client_id, emulator=emulator)
            yield Balanced(portal, servers, chosen, database_url)


def test_ten_requests_at_once_on_two_processes_refresh_exactly_once(balanced: Balanced):
    browser = balanced.browser()
    _, page = balanced.portal.login(browser, pid=CITIZEN)
    assert balanced.portal.path_of(page) == "/min-side/"
    assert emulator_saw(balanced.portal.emulator, balanced.portal.client_id)["refreshes"] == 0
    balanced.expire_access_tokens(seconds_left=5)  # within the refresh margin
    served_before = len(balanced.chosen)

    def page_view(_: int) -> requests.Response:
        return requests.get(
            f"{balanced.portal.url}/min-side/",
            cookies=browser.cookies.get_dict(),
            headers={"Connection": "close"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(page_view, range(10)))

    assert [r.status_code for r in responses] == [200] * 10, "\n".join(
        server.output()[-3000:] for server in balanced.servers
    )
    assert set(balanced.chosen[served_before:]) == {0, 1}  # both processes served them
    assert emulator_saw(balanced.portal.emulator, balanced.portal.client_id) == {
        "logins": 1,
        "revoked": 0,  # a replayed refresh token would have revoked the grant
        "refresh_tokens": 2,
        "refreshes": 1,
    }


def csrf_token_of(page: requests.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, "no form with a CSRF token on the page"
    return match.group(1)


def test_one_citizen_alternating_between_processes_from_login_to_logout(balanced: Balanced):
    portal, browser = balanced.portal, balanced.browser()
    steps: list[requests.Response] = []

    _, page = portal.login(browser, pid=CITIZEN, eid="MinID")  # the substantial level
    steps.append(page)
    assert portal.path_of(page) == "/min-side/"
    for query in ("?side=2", "?side=3&sortering=tjeneste", "?periode=12m"):
        steps.append(browser.get(f"{portal.url}/min-side/{query}", timeout=TIMEOUT))

    balanced.expire_access_tokens(seconds_left=0)
    steps.append(browser.get(f"{portal.url}/min-side/", timeout=TIMEOUT))

    # Step-up to the high level: ID-porten asks again, and the portal keeps one login.
    page = portal.start_login(browser, "/logg-inn/?level=high&next=%2Fmin-side%2F")
    page = portal.submit(browser, page, pid=CITIZEN, eid="BankID")
    steps.append(page)
    assert portal.path_of(page) == "/min-side/"
    assert "nivå 4" in page.text
    assert balanced.token_rows() == 1  # the step-up's tokens replaced the first login's

    logout = browser.post(
        f"{portal.url}/logg-ut/",
        data={"csrfmiddlewaretoken": csrf_token_of(page)},
        headers={"Referer": f"{portal.url}/min-side/"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    steps.append(portal.follow(browser, logout))
    after = browser.get(f"{portal.url}/min-side/", allow_redirects=False, timeout=TIMEOUT)

    assert [step.status_code for step in steps] == [200] * len(steps)
    assert after.status_code == 302 and after.headers["Location"].startswith("/logg-inn/")
    assert balanced.token_rows() == 0
    assert set(balanced.chosen) == {0, 1}
    saw = emulator_saw(portal.emulator, portal.client_id)
    assert (saw["logins"], saw["revoked"]) == (2, 0)  # the login and the step-up, nothing more
