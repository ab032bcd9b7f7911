"""The Content-Security-Policy: django-csp's middleware with settings.CONTENT_SECURITY_POLICY,
and ID-porten's origins added to form-action for a logged-in user."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

from idporten.discovery import provider_origins


class PortalCSPMiddleware(CSPMiddleware):
    """The logout form posts to /logg-ut/, which redirects to ID-porten's end_session_endpoint,
    and Chromium checks form-action on that redirect too. Only a logged-in user has the form.
    The origins come from the cached metadata that user's login fetched (kept 24 hours, a
    session lasts two), never from a request to ID-porten: no page waits for ID-porten here."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        user = getattr(request, "user", None)
        if not report_only and user is not None and user.is_authenticated:
            origins = provider_origins(cached_only=True)
            parts.update = {**(parts.update or {}), "form-action": origins}
        return parts
