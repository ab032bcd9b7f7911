"""The emulator's front page, for people who land on it: what it is, and that it is not
ID-porten. Discovery's service_documentation points here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "emulator/home.html", {"page": "home", "discovery_url": reverse("discovery")}
    )
