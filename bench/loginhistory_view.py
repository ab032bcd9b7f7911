"""How long the history page takes for the 10,000-login persona, from the cached history.

The page's work after the fetch is all in Python: read the cached list, build the filter's
choices, filter, sort, page and render one page of 25 rows, with the chart and the counts
(issue 6 asks for under 30 ms). This script fills the per-session cache with the heavy
persona's real seeded history (emulator/seeding.py, the same rows the emulator serves) and
calls the view many times with a filter and a sort, next to the same view with a history of
25 logins. Shared machines are noisy, so the ratio of the two in one run is the result;
absolute times are printed for context.

    .venv/bin/python bench/loginhistory_view.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from idporten.loginhistory_api import LoginRecord

ROOT = Path(__file__).resolve().parents[1]
# Issue 16's heavy page: one service, sorted by eID, the first page of 25 (make bench asks the
# portal under gunicorn for the same page).
SERVICE_FILTERED = "filtered by a service, sorted"
SERVICE_FILTERED_QUERY = "tjeneste=SKATTEETATEN&sortering=eid"
QUERIES = {
    "default order": "",
    "filtered and sorted": "periode=12m&eid=BankID&eid=MinID+PIN&sortering=tjeneste&side=3",
    SERVICE_FILTERED: SERVICE_FILTERED_QUERY,
    "searched, last page": "sok=skatt&sortering=-eid&side=9999&antall=25",
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200, help="timed page views per case")
    parser.add_argument("--json", type=Path, help="also write the medians here (make bench)")
    return parser.parse_args()


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DEBUG", "false")
    # The page reads the caseworker audit ("who looked me up"), so it needs the schema; the
    # session itself lives in the cache, as it may in production.
    database = ROOT / "var" / "bench-loginhistory-view.sqlite3"
    database.parent.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite://{database}")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


def _heavy_history() -> list[LoginRecord]:
    import datetime

    from emulator.seeding import PLANS, generate_history
    from idporten.loginhistory_api import LoginRecord

    plan = next(plan for plan in PLANS if plan.logins == 10_000)
    generated = generate_history(plan, now=datetime.datetime.now(datetime.UTC))
    return list(
        LoginRecord(
            time=login.timestamp,
            service=login.service.name,
            eid=login.eid,
            integration_id=login.service.integration_id,
            orgno=login.service.orgno,
        )
        for login in generated
    )


def _view_caller(logins: list[LoginRecord], query: str) -> Callable[[], int]:
    """A page view of a logged-in citizen whose history is `logins`, fetched once (the API is
    replaced by the list) and from then on read from the cache like any page view."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.cache import SessionStore
    from django.test import RequestFactory

    from idporten.session import store_login
    from loginhistory import selectors
    from loginhistory.views import overview

    session = SessionStore()
    store_login(
        session,
        claims={
            "sub": "bench",
            "pid": "23917130140",
            "acr": "idporten-loa-high",
            "amr": ["BankID"],
        },
        token_response={"access_token": "a", "refresh_token": "r", "id_token": "i"},
    )
    session.save()
    user = get_user_model()(username="bench")
    # The module's own name for the API call, which the selector looks up when it runs.
    selectors.login_records = lambda session: logins  # type: ignore[attr-defined]

    def call() -> int:
        request = RequestFactory().get("/min-side/?" + query)
        request.session, request.user = session, user
        response = overview(request)
        if response.status_code != 200:
            raise RuntimeError(f"the page answered {response.status_code}")
        return len(response.content)

    return call


def _median_ms(call: Callable[[], int], repeat: int) -> float:
    call()  # warm the template cache and the imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    arguments = _arguments()
    _setup_django()
    from django.utils import translation

    translation.activate("nb")
    heavy = _heavy_history()
    light = heavy[:25]
    print(f"history of {len(heavy)} logins; {arguments.repeat} page views per case; median ms")
    baseline = _median_ms(_view_caller(light, ""), arguments.repeat)
    print(f"{'  baseline: 25 logins, default order':<47}{baseline:7.2f} ms")
    medians = {"baseline": baseline}
    for name, query in QUERIES.items():
        median = medians[name] = _median_ms(_view_caller(heavy, query), arguments.repeat)
        print(f"  10,000 logins, {name:<29} {median:7.2f} ms  ({median / baseline:4.1f}x baseline)")
    if arguments.json:
        report = {"repeat": arguments.repeat, "median_ms": medians}
        arguments.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
