"""The emulator's OpenAPI document: both APIs and the token endpoint, written by hand to match
what the emulator does, and kept true by tests/emulator/test_api_contract.py (schemathesis)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi.json"


@cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return document


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    # The servers entry is the issuer, so that tools can call the emulator they read it from.
    return JsonResponse({**_document(), "servers": [{"url": settings.EMULATOR_ISSUER}]})
