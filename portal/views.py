"""Public pages and health endpoints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.health import readiness_problems


@require_GET
def front(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/front.html", {"page": "front"})


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html", {"page": "help"})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html", {"page": "accessibility"})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html", {"page": "privacy"})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answering; says nothing about its dependencies."""
    return JsonResponse({"status": "alive"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    problems = readiness_problems()
    if problems:
        return JsonResponse({"status": "not ready", "reasons": problems}, status=503)
    return JsonResponse({"status": "ready"})
