"""The emulator's front page, for people who land on it: what it is, and that it is not
ID-porten (discovery's service_documentation points here); and its health check."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from emulator.models import SigningKey
from emulator.views.control import control_enabled


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "page": "home",
        "discovery_url": reverse("discovery"),
        # Only where the debugger answers (dev and test mode, from this machine).
        "debugger_url": reverse("debugger") if control_enabled(request) else None,
    }
    return render(request, "emulator/home.html", context)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For a container's health check or a script waiting for the emulator: 200 once it can
    issue tokens (its database answers and holds a signing key), else 503."""
    try:
        ready = SigningKey.objects.filter(retired_at__isnull=True).exists()
    except DatabaseError:
        ready = False
    body = {"status": "ok" if ready else "unavailable", "issuer": settings.EMULATOR_ISSUER}
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response
