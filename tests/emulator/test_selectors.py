"""login_events_for_person: a person's logins newest first, read through the indexes.

It runs in the emulator's own process (see emulator_db.py) against a seeded database: on SQLite
always, and on PostgreSQL when DATABASE_URL points at one, as in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator.catalogue import OWN_AGENCY_ORGNO
from emulator.personas import HEAVY_USER, HIGH_LEVEL_USER, NEW_USER
from tests.emulator.emulator_db import EmulatorDatabase, migrated_sqlite, scratch_postgresql

# One probe answers every test of a database, so each backend costs three processes in all.
PROBE = f"""
import json
from django.db import connection
from emulator.models import LoginEvent
from emulator.selectors import login_events_for_person


def newest_first(events, limit):
    rows = sorted(events.values_list("timestamp", "id"), reverse=True)
    return [event_id for _, event_id in rows[:limit]]


def plan(events):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics, as autovacuum would have them, and no sequential scans so that
            # a small table cannot hide a missing index.
            cursor.execute("ANALYZE")
            cursor.execute("SET enable_seqscan = off")
    return events.explain()


heavy = LoginEvent.objects.filter(person__pid="{HEAVY_USER.pid}")
try:
    login_events_for_person(pid="{HEAVY_USER.pid}", limit=0)
    refused = None
except ValueError as error:
    refused = str(error)
print(json.dumps({{
    "vendor": connection.vendor,
    "newest": [e.id for e in login_events_for_person(pid="{HEAVY_USER.pid}", limit=100)],
    "expected_newest": newest_first(heavy, 100),
    "own_org": [
        e.id
        for e in login_events_for_person(
            pid="{HEAVY_USER.pid}", orgno="{OWN_AGENCY_ORGNO}", limit=20
        )
    ],
    "expected_own_org": newest_first(heavy.filter(orgno="{OWN_AGENCY_ORGNO}"), 20),
    "other_person": [
        e.person.pid for e in login_events_for_person(pid="{HIGH_LEVEL_USER.pid}", limit=1000)
    ],
    "unknown_person": [e.id for e in login_events_for_person(pid="{NEW_USER.pid}", limit=10)],
    "refused": refused,
    "plan": plan(login_events_for_person(pid="{HEAVY_USER.pid}", limit=100)),
    "org_plan": plan(
        login_events_for_person(pid="{HEAVY_USER.pid}", orgno="{OWN_AGENCY_ORGNO}", limit=100)
    ),
}}))
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def probed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    if request.param == "sqlite":
        database, _ = migrated_sqlite(tmp_path_factory.mktemp("selectors"))
        yield _seeded_probe(database)
    else:
        with scratch_postgresql() as database:
            database.manage("migrate", "--verbosity=0")
            yield _seeded_probe(database)


def _seeded_probe(database: EmulatorDatabase) -> dict[str, Any]:
    database.manage("emulator_seed", "--verbosity=0")
    return database.probe(PROBE)


class TestLoginEventsForPerson:
    def test_it_returns_the_newest_logins_first_up_to_the_limit(
        self, probed: dict[str, Any]
    ) -> None:
        assert len(probed["newest"]) == 100
        assert probed["newest"] == probed["expected_newest"]

    def test_it_can_keep_to_one_organisation(self, probed: dict[str, Any]) -> None:
        assert len(probed["own_org"]) == 20
        assert probed["own_org"] == probed["expected_own_org"]

    def test_it_returns_only_that_persons_logins(self, probed: dict[str, Any]) -> None:
        assert set(probed["other_person"]) == {HIGH_LEVEL_USER.pid}
        assert len(probed["other_person"]) == 300

    def test_it_returns_nothing_for_a_person_it_does_not_know(self, probed: dict[str, Any]) -> None:
        assert probed["unknown_person"] == []

    def test_it_refuses_a_limit_below_one(self, probed: dict[str, Any]) -> None:
        assert probed["refused"] == "limit must be at least 1"

    @pytest.mark.parametrize(
        ("plan", "index"), [("plan", "login_person_time"), ("org_plan", "login_person_org_time")]
    )
    def test_the_query_reads_the_index_in_order_instead_of_sorting_the_history(
        self, probed: dict[str, Any], plan: str, index: str
    ) -> None:
        text = probed[plan]
        if probed["vendor"] == "sqlite":
            assert f"SEARCH emulator_loginevent USING INDEX {index} " in text
            # Only ties on the same second are sorted (by id); never the whole history.
            assert "USE TEMP B-TREE FOR ORDER BY" not in text
        else:
            assert f"Index Scan using {index} on emulator_loginevent" in text
            sorts = [line for line in text.splitlines() if "Sort  (" in line]
            assert sorts and all("Incremental Sort" in line for line in sorts)
            # A one-table query's plan leaves the column unqualified.
            assert 'Presorted Key: "timestamp"' in text
