"""The test-control API under /_emulator/: faults, clients and the clock. It has no
authentication, so it answers only in dev and test mode and only to a request from a loopback
address (REMOTE_ADDR in 127.0.0.0/8 or ::1). In demo mode (the default with DEBUG off), or to
anyone else, it does not exist: 404, as for any unknown path."""

from __future__ import annotations

import functools
import ipaddress
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from emulator.clock import clock_offset, clock_set_offset, epoch, now
from emulator.faults import FaultDefinitionError, fault_add, faults_clear
from emulator.models import Fault
from emulator.services import ClientDefinitionError, client_upsert

CONTROL_MODES = ("dev", "test")


def from_loopback(request: HttpRequest) -> bool:
    """Whether the request's peer is this machine. REMOTE_ADDR is the socket's peer address;
    X-Forwarded-For and the like are the client's word and never count."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 from a dual-stack socket (Python 3.11's is_loopback says False).
        address = address.ipv4_mapped
    return address.is_loopback


def control_enabled(request: HttpRequest) -> bool:
    return settings.EMULATOR_MODE in CONTROL_MODES and from_loopback(request)


class BadControlRequest(ValueError):
    pass


def control_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not control_enabled(request):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except (BadControlRequest, FaultDefinitionError, ClientDefinitionError) as error:
            return JsonResponse({"error": str(error)}, status=400)
        except ValidationError as error:
            return JsonResponse({"error": "; ".join(error.messages)}, status=400)

    return csrf_exempt(wrapper)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadControlRequest("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise BadControlRequest("the body must be a JSON object")
    return body


def _fault_json(fault: Fault) -> dict[str, Any]:
    return {
        "endpoint": fault.endpoint,
        "fault": fault.fault,
        "remaining": fault.remaining,
        "seconds": fault.seconds,
    }


@control_endpoint
@require_http_methods(["GET", "POST", "DELETE"])
def faults(request: HttpRequest) -> HttpResponse:
    if request.method == "DELETE":
        faults_clear()
        return HttpResponse(status=204)
    if request.method == "POST":
        body = _json_body(request)
        fault = fault_add(
            endpoint=str(body.get("endpoint", "")),
            fault=str(body.get("fault", "")),
            count=body.get("count", 1),
            seconds=body.get("seconds", 0.0),
        )
        return JsonResponse(_fault_json(fault), status=201)
    return JsonResponse({"faults": [_fault_json(fault) for fault in Fault.objects.all()]})


@control_endpoint
@require_POST
def clients(request: HttpRequest) -> JsonResponse:
    client = client_upsert(definition=_json_body(request))
    return JsonResponse({"client_id": client.client_id})


def _clock_json() -> JsonResponse:
    return JsonResponse({"offset_seconds": clock_offset(), "now": epoch(now())})


@control_endpoint
@require_POST
def clock(request: HttpRequest) -> JsonResponse:
    offset = _json_body(request).get("offset_seconds")
    if isinstance(offset, bool) or not isinstance(offset, int | float):
        raise BadControlRequest("offset_seconds must be a number")
    clock_set_offset(seconds=float(offset))
    return _clock_json()


@control_endpoint
@require_POST
def reset(request: HttpRequest) -> JsonResponse:
    faults_clear()
    clock_set_offset(seconds=0.0)
    return _clock_json()
