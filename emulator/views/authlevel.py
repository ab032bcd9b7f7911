"""The authlevel API (docs/idporten.md section 1): has a citizen logged in at level 4 since a date?

POST /authlevel/rest/v1/sikkerhetsnivaa with a server token carrying
global/idporten.authlevel.read and {"personidentifikator": "...", "fraDato": "YYYY-MM-DD"}.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.nin import InvalidNationalIdentityNumber, parse_national_identity_number
from emulator.bearer import Claims, bearer_protected
from emulator.clock import now
from emulator.faults import fault_injectable
from emulator.oauth import json_no_store, oauth_error
from emulator.seeding import LEVEL4_WINDOW_MONTHS, OSLO, months_before
from emulator.selectors import person_used_level4_since
from emulator.types import ApiScope, Endpoint

ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# No one logged in to ID-porten before it existed (2008): an earlier fraDato means "all of
# it", and starting there keeps dates like 0001-01-01 from overflowing on the way to UTC.
EARLIEST_LOGIN_DATE = datetime.date(2000, 1, 1)


class AuthlevelRequestError(ValueError):
    def __init__(self, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.status = status


@dataclass(frozen=True)
class AuthlevelQuery:
    pid: str
    since: datetime.datetime


def _json_object(request: HttpRequest) -> dict[str, Any]:
    # None only on a bare HttpRequest(): Django's WSGI and ASGI requests always set it.
    media_type = cast(str, request.content_type).lower()
    if media_type != "application/json":
        raise AuthlevelRequestError("The body must be application/json.", status=415)
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):  # bad JSON or UTF-8; nesting deeper than Python's stack
        raise AuthlevelRequestError("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise AuthlevelRequestError("The body must be a JSON object.")
    return body


def _national_identity_number(body: dict[str, Any], today: datetime.date) -> str:
    value = body.get("personidentifikator")
    if not isinstance(value, str) or not ELEVEN_DIGITS.fullmatch(value):
        raise AuthlevelRequestError("personidentifikator must be a string of 11 digits.")
    try:
        return parse_national_identity_number(value, today=today).value
    except InvalidNationalIdentityNumber:
        raise AuthlevelRequestError(
            "personidentifikator is not a valid national identity number."
        ) from None


def _from_date(body: dict[str, Any], today: datetime.date) -> datetime.date:
    value = body.get("fraDato")
    if value is None:
        # "Dersom ikke fraDato er angitt ... skjer søket innenfor siste 18 måneder"
        # (docs/idporten.md 1.2).
        midnight = datetime.datetime.combine(today, datetime.time())
        return months_before(midnight, LEVEL4_WINDOW_MONTHS).date()
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise AuthlevelRequestError("fraDato must be a date written YYYY-MM-DD.")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise AuthlevelRequestError("fraDato is not a date that exists.") from None


def authlevel_query(request: HttpRequest) -> AuthlevelQuery:
    """The lookup a request asks for, or AuthlevelRequestError. Unknown fields are ignored,
    as a Spring Boot service (which the real one was) ignores them by default."""
    body = _json_object(request)
    today = now().astimezone(OSLO).date()
    pid = _national_identity_number(body, today)
    start = max(_from_date(body, today), EARLIEST_LOGIN_DATE)
    return AuthlevelQuery(pid, datetime.datetime.combine(start, datetime.time(), tzinfo=OSLO))


@csrf_exempt
@require_POST
@fault_injectable(Endpoint.AUTHLEVEL)
@bearer_protected(scope=ApiScope.AUTHLEVEL_READ)
def sikkerhetsnivaa(request: HttpRequest, claims: Claims) -> HttpResponse:
    try:
        query = authlevel_query(request)
    except AuthlevelRequestError as error:
        return oauth_error("invalid_request", error.description, status=error.status)
    used = person_used_level4_since(pid=query.pid, since=query.since)
    if used is None:
        # "dersom du søker på en person som ikke finnes i ID-porten, vil du kun få HTTP
        # responskode 404 tilbake" (docs/idporten.md 1.4): the status, no body.
        response = HttpResponse(status=404)
        response["Cache-Control"] = "no-store"
        return response
    return json_no_store({"personidentifikator": query.pid, "harbruktnivaa4": used})
