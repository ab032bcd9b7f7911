"""Request types for annotations only: Django makes the requests, these say what they carry."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest

from caseworker.preview import ActivePreview


class PreviewRequest(HttpRequest):
    """Every request once PreviewMiddleware has run: the caseworker's open preview, or None."""

    preview: ActivePreview | None


class CaseworkerRequest(PreviewRequest):
    """A request that reached a caseworker_page view, which lets only logged-in users in."""

    user: User
