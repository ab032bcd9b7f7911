"""The Django admin, reached only through an ID-porten login at the high level, by a staff user
whose national identity number is on ADMIN_PIDS; there is no password login.

Off unless ADMIN_ENABLED (on by default only with DEBUG): portal/urls.py leaves it out.
Allow-listed administrators are made staff, with the permissions the admin is for (grants and
the audit log), at every login (portal/receivers.py); anyone taken off the list loses both at
their next login, and the site refuses them at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from idporten.middleware import login_url_for
from idporten.session import login_details
from idporten.types import LevelOfAssurance
from idporten.views import logout as idporten_logout


def is_administrator(request: HttpRequest) -> bool:
    """Logged in at the high level with a number on ADMIN_PIDS, and staff."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    details = login_details(request.session)
    return (
        details is not None
        and details.level is not None
        and details.level >= LevelOfAssurance.HIGH
        and details.pid in settings.ADMIN_PIDS
    )


class PortalAdminSite(admin.AdminSite):
    site_header = "Min innloggingshistorikk"
    site_title = "Min innloggingshistorikk"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Not a password form: ID-porten at the high level, back to the admin page asked
        for. Someone logged in at the high level who is not an administrator gets 404, as for
        the caseworker pages."""
        details = login_details(request.session) if request.user.is_authenticated else None
        level = details.level if details is not None else None
        if level is not None and level >= LevelOfAssurance.HIGH:
            raise Http404
        next_url = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(login_url_for(request, level="high", next_url=next_url))

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """The portal's own logout, which ends ID-porten's session too."""
        response: HttpResponse = idporten_logout(request)
        return response
