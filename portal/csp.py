"""The Content-Security-Policy: django-csp's middleware with settings.CONTENT_SECURITY_POLICY,
and ID-porten's origins added to form-action for a logged-in user."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

from idporten.discovery import provider_origins


class PortalCSPMiddleware(CSPMiddleware):
    """The logout form posts to /logg-ut/, which redirects to ID-porten's end_session_endpoint,
    and Chromium checks form-action on that redirect too. Only a logged-in user has the form,
    and their login cached ID-porten's metadata, so other pages never wait for it."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        user = getattr(request, "user", None)
        if not report_only and user is not None and user.is_authenticated:
            parts.update = {**(parts.update or {}), "form-action": provider_origins()}
        return parts
