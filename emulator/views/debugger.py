"""The debugger page (dev and test mode, loopback only, like the control API; 404 otherwise):
the last requests each client made to the OpenID endpoints and the tokens issued, explained."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from emulator.debugger import DEBUGGER_KEPT_PER_CLIENT
from emulator.debugger_explain import debugger_clients
from emulator.views.control import control_enabled


@require_GET
def debugger(request: HttpRequest, client_id: str | None = None) -> HttpResponse:
    if not control_enabled(request):
        raise Http404
    response = render(
        request,
        "emulator/debugger.html",
        {
            "page": "debugger",
            "client_id": client_id,
            "clients": debugger_clients(client_id=client_id),
            "kept": DEBUGGER_KEPT_PER_CLIENT,
        },
    )
    # What it shows is about logins in progress: never from a cache.
    response["Cache-Control"] = "no-store"
    # Scripts none at all; Designsystemet's icons are data: SVGs in its style sheets.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
    )
    return response
