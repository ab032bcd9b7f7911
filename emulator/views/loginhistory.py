"""The login-history API (docs/idporten.md section 2): the logged-in citizen's own login log.

GET /innlogginger/logg/idporten?maxhits=N answers with the logins to services of the token's
organisation; /innlogginger/logg/idporten/all with those to every organisation. Both need a
user-bound token: the citizen is the token's `pid`, never a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from emulator.bearer import Claims, bearer_protected
from emulator.faults import fault_injectable, fault_take
from emulator.models import LoginEvent
from emulator.oauth import json_no_store, oauth_error
from emulator.seeding import OSLO
from emulator.selectors import login_events_for_person
from emulator.types import (
    DEFAULT_MAXHITS,
    MAX_MAXHITS,
    ApiScope,
    Endpoint,
    LoginHistoryFault,
)

DIGITS = re.compile(r"[0-9]+")

Item = dict[str, Any]


def _maxhits(request: HttpRequest) -> int | None:
    """maxhits, or None when it is not one whole number in range (given twice counts as bad:
    which of the two did the client mean?)."""
    values = request.GET.getlist("maxhits")
    if not values:
        return DEFAULT_MAXHITS
    if len(values) > 1 or not DIGITS.fullmatch(values[0]):
        return None
    maxhits = int(values[0])
    return maxhits if 1 <= maxhits <= MAX_MAXHITS else None


def login_history_items(events: Iterable[LoginEvent]) -> list[Item]:
    """The API's items: `tidspunkt` is Oslo wall-clock time without zone or fraction, as in the
    documented example "2019-03-07T09:26:36"."""
    return [
        {
            "tidspunkt": event.timestamp.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M:%S"),
            "tjeneste": event.service_name,
            "eid": event.eid,
            "integrasjon_id": event.integration_id,
            "orgno": event.orgno,
        }
        for event in events
    ]


EXAMPLE_ITEM: Item = {
    "tidspunkt": "2019-03-07T09:26:36",
    "tjeneste": "DIREKTORATET FOR FORVALTNING OG IKT",
    "eid": "MinID PIN",
    "integrasjon_id": "oidc_authorization_api_client_test",
    "orgno": "991825827",
}


def wrong_shaped_items(template: Item) -> list[Any]:
    """One of each way an item can be wrong, built from a real item so only that part is off."""
    missing_time = {name: value for name, value in template.items() if name != "tidspunkt"}
    return [
        missing_time,
        {**template, "tidspunkt": "2019-13-45T25:61:00"},  # no such date
        {**template, "tidspunkt": "07.03.2019 09:26"},  # another format
        {**template, "tidspunkt": 1551947196},  # epoch seconds
        {**template, "orgno": int(template["orgno"])},  # a number, not a string
        {**template, "eid": None},
        {**template, "tjeneste": ["SKATTEETATEN"]},
        "2019-03-07T09:26:36",
        None,
    ]


def with_wrong_shaped_items(items: list[Item]) -> list[Any]:
    """The real items in their order, with a wrong one after each (and the rest at the end)."""
    wrong = wrong_shaped_items(items[0] if items else EXAMPLE_ITEM)
    mixed: list[Any] = []
    for index, item in enumerate(items):
        mixed.append(item)
        if index < len(wrong):
            mixed.append(wrong[index])
    return mixed + wrong[len(items) :]


def _history(request: HttpRequest, *, pid: str, orgno: str | None) -> JsonResponse:
    maxhits = _maxhits(request)
    if maxhits is None:
        return oauth_error(
            "invalid_request", f"maxhits must be a whole number from 1 to {MAX_MAXHITS}."
        )
    items = login_history_items(login_events_for_person(pid=pid, orgno=orgno, limit=maxhits))
    fault = fault_take(endpoint=Endpoint.LOGINHISTORY, among=tuple(LoginHistoryFault))
    if fault is None:
        return json_no_store(items)
    if fault.fault == LoginHistoryFault.NON_ARRAY_BODY:
        return json_no_store({"innlogginger": items})
    return json_no_store(with_wrong_shaped_items(items))


# A bearer-token API takes no cookies, so there is no CSRF to guard against, and another
# method must get its 405 rather than the CSRF check's 403.
@csrf_exempt
@require_GET
@fault_injectable(Endpoint.LOGINHISTORY)
@bearer_protected(scope=ApiScope.USER_LOG_READ, user_bound=True)
def own_organisation(request: HttpRequest, claims: Claims) -> HttpResponse:
    # "Kunden får kun se innloggingshistorikk til tjenester tilknyttet eget
    # organisasjonsnummer" (docs/idporten.md 2.2): the organisation of the client the token was
    # issued to.
    return _history(request, pid=claims["pid"], orgno=claims["client_orgno"])


@csrf_exempt
@require_GET
@fault_injectable(Endpoint.LOGINHISTORY)
@bearer_protected(scope=ApiScope.USER_LOG_ALL_READ, user_bound=True)
def all_organisations(request: HttpRequest, claims: Claims) -> HttpResponse:
    return _history(request, pid=claims["pid"], orgno=None)


@csrf_exempt
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    # Spring Boot actuator's shape, which the Difi demo reads as health.status
    # (docs/idporten.md 2.3).
    return JsonResponse({"status": "UP"})
