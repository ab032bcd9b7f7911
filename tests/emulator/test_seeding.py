"""The public-service catalogue, the persona histories, and the emulator_seed command."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.catalogue import (
    FEDERATED,
    LEVEL4_EIDS,
    LOGIN_LOG_EIDS,
    MINID_EIDS,
    OWN_AGENCY,
    SERVICES,
)
from emulator.personas import (
    DEMO_CASEWORKER,
    HEAVY_USER,
    HIGH_LEVEL_LONG_AGO_USER,
    HIGH_LEVEL_USER,
    MINID_ONLY_USER,
    NEW_USER,
    PERSONAS,
)
from emulator.seeding import (
    HISTORY_DAYS,
    OSLO,
    PLANS,
    GeneratedLogin,
    HistoryPlan,
    generate_history,
    long_ago_cutoff,
    months_before,
)
from tests.emulator.emulator_db import EmulatorDatabase, migrated_sqlite, sqlite_copy

NOW = datetime.datetime(2025, 11, 21, 14, 30, tzinfo=datetime.UTC)
Histories = dict[str, list[GeneratedLogin]]
PLAN_BY_PID = {plan.persona.pid: plan for plan in PLANS}
SMALL_PLANS = [plan for plan in PLANS if plan.persona != HEAVY_USER]


def organisation_number_is_valid(orgno: str) -> bool:
    """Enhetsregisteret's check digit: weights 3,2,7,6,5,4,3,2, mod 11 (remainder 1: invalid)."""
    if len(orgno) != 9 or not orgno.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(orgno, (3, 2, 7, 6, 5, 4, 3, 2), strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(orgno[8])


@pytest.fixture(scope="module")
def histories() -> Histories:
    return {plan.persona.pid: generate_history(plan, now=NOW) for plan in PLANS}


def level4_logins(history: list[GeneratedLogin]) -> list[GeneratedLogin]:
    return [login for login in history if login.eid in LEVEL4_EIDS]


class TestTheCatalogue:
    def test_the_check_digit_helper_tells_a_real_number_from_a_mistyped_one(self) -> None:
        assert organisation_number_is_valid("991825827")
        assert not organisation_number_is_valid("991825828")
        assert not organisation_number_is_valid("99182582")

    def test_every_organisation_number_passes_the_mod_11_check_digit(self) -> None:
        invalid = [s.orgno for s in SERVICES if not organisation_number_is_valid(s.orgno)]
        assert invalid == []

    def test_it_has_about_fifteen_distinct_organisations_and_integrations(self) -> None:
        assert 13 <= len(SERVICES) <= 20
        assert len({s.orgno for s in SERVICES}) == len(SERVICES)
        assert len({s.integration_id for s in SERVICES}) == len(SERVICES)

    def test_names_are_upper_case_as_in_the_login_log(self) -> None:
        assert all(s.name == s.name.upper() for s in SERVICES)

    def test_the_agencies_the_issue_names_are_there_with_their_real_numbers(self) -> None:
        by_orgno = {s.orgno: s.name for s in SERVICES}
        assert by_orgno["991825827"] == "DIGITALISERINGSDIREKTORATET"
        assert by_orgno["974761076"] == "SKATTEETATEN"
        assert by_orgno["889640782"] == "ARBEIDS- OG VELFERDSETATEN"
        assert by_orgno["960885406"] == "STATENS LÅNEKASSE FOR UTDANNING"
        assert by_orgno["994598759"] == "NORSK HELSENETT SF"
        assert by_orgno["915429785"] == "POLITI- OG LENSMANNSETATEN"
        assert by_orgno["974760746"] == "UTLENDINGSDIREKTORATET"
        assert by_orgno["971032081"] == "STATENS VEGVESEN"
        assert by_orgno["942114184"] == "HUSBANKEN"
        assert by_orgno["974760673"] == "REGISTERENHETEN I BRØNNØYSUND"
        assert by_orgno["971040238"] == "STATENS KARTVERK"

    def test_the_portals_own_agency_logs_under_the_portals_integration_id(self) -> None:
        assert (OWN_AGENCY.orgno, OWN_AGENCY.integration_id) == (
            "991825827",
            "local-min-innloggingshistorikk",
        )

    def test_level_4_means_bankid_buypass_and_commfides_never_minid_or_federated(self) -> None:
        assert {"BankID", "BankID mobil", "BuyPass", "Commfides"} == LEVEL4_EIDS
        assert not LEVEL4_EIDS & (MINID_EIDS | {FEDERATED})


class TestMonthsBefore:
    def test_it_keeps_the_day_and_time(self) -> None:
        moment = datetime.datetime(2025, 1, 15, 10, 0, tzinfo=OSLO)
        assert months_before(moment, 18) == datetime.datetime(2023, 7, 15, 10, 0, tzinfo=OSLO)

    def test_it_moves_a_day_the_month_lacks_to_its_last_day(self) -> None:
        moment = datetime.datetime(2024, 3, 31, tzinfo=OSLO)
        assert months_before(moment, 1) == datetime.datetime(2024, 2, 29, tzinfo=OSLO)
        assert months_before(moment, 13) == datetime.datetime(2023, 2, 28, tzinfo=OSLO)


class TestGeneratedHistories:
    def test_the_same_moment_gives_the_same_rows(self, histories: Histories) -> None:
        again = generate_history(PLAN_BY_PID[HIGH_LEVEL_USER.pid], now=NOW)
        assert again == histories[HIGH_LEVEL_USER.pid]

    def test_a_later_moment_moves_the_history_along(self, histories: Histories) -> None:
        later = NOW + datetime.timedelta(days=40)
        moved = generate_history(PLAN_BY_PID[HIGH_LEVEL_USER.pid], now=later)
        assert len(moved) == len(histories[HIGH_LEVEL_USER.pid])
        assert moved[-1].timestamp > histories[HIGH_LEVEL_USER.pid][-1].timestamp

    def test_every_persona_but_the_new_user_has_a_plan(self) -> None:
        assert {p.pid for p in PERSONAS if p.seeded} == set(PLAN_BY_PID)
        assert NEW_USER.pid not in PLAN_BY_PID

    def test_each_persona_gets_exactly_its_planned_number_of_logins(
        self, histories: Histories
    ) -> None:
        assert {pid: len(history) for pid, history in histories.items()} == {
            plan.persona.pid: plan.logins for plan in PLANS
        }
        assert len(histories[HEAVY_USER.pid]) == 10_000
        assert 250 <= len(histories[HIGH_LEVEL_USER.pid]) <= 350

    def test_logins_lie_in_the_24_months_before_seeding_oldest_first(
        self, histories: Histories
    ) -> None:
        earliest = NOW - datetime.timedelta(days=HISTORY_DAYS + 1)
        for history in histories.values():
            timestamps = [login.timestamp for login in history]
            assert timestamps == sorted(timestamps)
            assert earliest < timestamps[0] and timestamps[-1] < NOW - datetime.timedelta(days=1)

    def test_timestamps_are_aware_and_in_oslo_time(self, histories: Histories) -> None:
        offsets = {login.timestamp.utcoffset() for login in histories[HEAVY_USER.pid]}
        assert all(login.timestamp.tzinfo is OSLO for login in histories[HEAVY_USER.pid])
        assert offsets == {datetime.timedelta(hours=1), datetime.timedelta(hours=2)}

    def test_services_and_eids_all_come_from_the_catalogue(self, histories: Histories) -> None:
        for history in histories.values():
            assert {login.service for login in history} <= set(SERVICES)
            assert {login.eid for login in history} <= LOGIN_LOG_EIDS

    def test_every_persona_has_logins_to_the_portals_own_agency(self, histories: Histories) -> None:
        for history in histories.values():
            assert sum(login.service == OWN_AGENCY for login in history) >= 3

    def test_the_high_level_user_used_level_4_within_the_last_18_months(
        self, histories: Histories
    ) -> None:
        recent = months_before(NOW, 17)
        assert any(
            login.timestamp > recent for login in level4_logins(histories[HIGH_LEVEL_USER.pid])
        )

    def test_the_demo_caseworker_used_level_4_recently(self, histories: Histories) -> None:
        recent = NOW - datetime.timedelta(days=90)
        assert any(
            login.timestamp > recent for login in level4_logins(histories[DEMO_CASEWORKER.pid])
        )

    def test_the_minid_only_user_never_used_anything_but_minid(self, histories: Histories) -> None:
        eids = {login.eid for login in histories[MINID_ONLY_USER.pid]}
        assert eids <= MINID_EIDS | {FEDERATED}
        assert eids & MINID_EIDS

    def test_the_long_ago_user_used_level_4_only_before_18_months_and_a_margin(
        self, histories: Histories
    ) -> None:
        history = histories[HIGH_LEVEL_LONG_AGO_USER.pid]
        old = level4_logins(history)
        assert old, "the persona must have used level 4 at some point"
        assert all(login.timestamp < long_ago_cutoff(NOW) for login in old)
        assert long_ago_cutoff(NOW) < months_before(NOW, 18) - datetime.timedelta(days=3)
        assert any(login.timestamp > months_before(NOW, 1) for login in history)

    def test_federated_logins_follow_another_login_within_minutes(
        self, histories: Histories
    ) -> None:
        for history in histories.values():
            assert history[0].eid != FEDERATED
            for before, login in itertools.pairwise(history):
                if login.eid == FEDERATED:
                    assert login.timestamp - before.timestamp <= datetime.timedelta(minutes=15)

    def test_night_logins_are_rare_but_there(self, histories: Histories) -> None:
        history = histories[HEAVY_USER.pid]
        night = sum(login.timestamp.hour < 6 for login in history) / len(history)
        assert 0.005 < night < 0.06

    def test_most_logins_are_on_weekdays(self, histories: Histories) -> None:
        history = histories[HEAVY_USER.pid]
        weekdays = sum(login.timestamp.weekday() < 5 for login in history) / len(history)
        assert weekdays > 0.8

    def test_the_tax_return_makes_spring_skatteetatens_busiest_season(
        self, histories: Histories
    ) -> None:
        months = Counter(
            login.timestamp.month
            for login in histories[HEAVY_USER.pid]
            if login.service.name == "SKATTEETATEN"
        )
        spring = (months[3] + months[4]) / 2
        rest = sum(count for month, count in months.items() if month not in {3, 4, 6}) / 9
        assert spring > 2.5 * rest

    def test_some_services_are_used_far_more_than_others(self, histories: Histories) -> None:
        counts = Counter(login.service.name for login in histories[HEAVY_USER.pid]).most_common()
        assert counts[0][1] > 5 * counts[-1][1]

    @settings(max_examples=15, deadline=None)
    @given(
        now=st.datetimes(
            min_value=datetime.datetime(2024, 1, 1),
            max_value=datetime.datetime(2035, 12, 31),
            timezones=st.just(datetime.UTC),
        ),
        plan=st.sampled_from(SMALL_PLANS),
    )
    def test_the_persona_rules_hold_whatever_the_moment_of_seeding(
        self, now: datetime.datetime, plan: HistoryPlan
    ) -> None:
        history = generate_history(plan, now=now)
        level4 = level4_logins(history)
        assert len(history) == plan.logins
        if plan.persona in (HIGH_LEVEL_USER, DEMO_CASEWORKER):
            assert any(login.timestamp > months_before(now, 17) for login in level4)
        if plan.persona == MINID_ONLY_USER:
            assert level4 == []
        if plan.persona == HIGH_LEVEL_LONG_AGO_USER:
            assert level4 and all(login.timestamp < long_ago_cutoff(now) for login in level4)


COUNTS = """
import json
from django.db.models import Count
from emulator.models import LoginEvent, Person
print(json.dumps({
    "logins": dict(Person.objects.annotate(n=Count("logins")).values_list("pid", "n")),
    "services": sorted(
        set(LoginEvent.objects.values_list("service_name", "orgno", "integration_id"))
    ),
    "last_id": LoginEvent.objects.order_by("-id").values_list("id", flat=True).first(),
}))
"""
SPOIL = f"""
from django.utils import timezone
from emulator.models import LoginEvent, Person
Person.objects.create(pid="{NEW_USER.pid}")
LoginEvent.objects.create(
    person=Person.objects.get(pid="{HIGH_LEVEL_USER.pid}"), timestamp=timezone.now(),
    service_name="X", eid="BankID", integration_id="x", orgno="991825827",
)
"""
PLANNED = {plan.persona.pid: plan.logins for plan in PLANS}


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, template = migrated_sqlite(tmp_path_factory.mktemp("emulator"))
    return template


@pytest.fixture
def empty_database(migrated_template: Path, tmp_path: Path) -> EmulatorDatabase:
    return sqlite_copy(migrated_template, tmp_path)


@pytest.fixture(scope="module")
def seeded_once(
    migrated_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[EmulatorDatabase, str]]:
    database = sqlite_copy(migrated_template, tmp_path_factory.mktemp("seeded"))
    yield database, database.manage("emulator_seed")


class TestTheSeedCommand:
    def test_it_seeds_every_persona_but_the_new_user_with_its_planned_logins(
        self, seeded_once: tuple[EmulatorDatabase, str]
    ) -> None:
        database, output = seeded_once
        assert database.probe(COUNTS)["logins"] == PLANNED
        assert "Seeded 5 personas with 10840 logins" in output

    def test_the_rows_carry_the_catalogues_services(
        self, seeded_once: tuple[EmulatorDatabase, str]
    ) -> None:
        database, _ = seeded_once
        stored = {tuple(row) for row in database.probe(COUNTS)["services"]}
        assert stored <= {(s.name, s.orgno, s.integration_id) for s in SERVICES}

    def test_a_second_run_changes_nothing(self, seeded_once: tuple[EmulatorDatabase, str]) -> None:
        database, _ = seeded_once
        before = database.probe(COUNTS)
        output = database.manage("emulator_seed")
        assert database.probe(COUNTS) == before
        assert "already seeded" in output

    def test_reset_recreates_the_histories_and_forgets_the_new_user(
        self, empty_database: EmulatorDatabase
    ) -> None:
        empty_database.manage("emulator_seed", "--verbosity=0")
        empty_database.probe(SPOIL + "print(1)")
        assert empty_database.probe(COUNTS)["logins"][NEW_USER.pid] == 0
        empty_database.manage("emulator_seed", "--reset", "--verbosity=0")
        assert empty_database.probe(COUNTS)["logins"] == PLANNED

    def test_a_dry_run_writes_nothing(self, empty_database: EmulatorDatabase) -> None:
        output = empty_database.manage("emulator_seed", "--dry-run")
        assert "Would seed 5 personas with 10840 logins" in output
        assert empty_database.probe(COUNTS)["logins"] == {}

    def test_it_names_personas_only_masked_and_is_silent_at_verbosity_0(
        self, empty_database: EmulatorDatabase
    ) -> None:
        assert empty_database.manage("emulator_seed", "--dry-run", "--verbosity=0") == ""
        output = empty_database.manage("emulator_seed", "--dry-run", "--verbosity=2")
        assert f"{HEAVY_USER.pid[:6]}*****: 10000 logins" in output
        assert all(persona.pid not in output for persona in PERSONAS)
