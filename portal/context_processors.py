from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.SERVICE_NAME,
        "agency_name": settings.AGENCY_NAME,
        "contact_email": settings.CONTACT_EMAIL,
    }
