"""Session lifetimes like ID-porten's own SSO session, and re-login when tokens run out."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from idporten.session import LAST_SEEN_KEY, ReauthenticationRequired, login_details

# Extending the idle timeout costs a session write, so do it at most this often.
TOUCH_INTERVAL_SECONDS = 60


def login_url_for(
    request: HttpRequest, *, level: str | None = None, next_url: str | None = None
) -> str:
    """The login that brings the user back to `next_url` (this page when None)."""
    params = {"next": next_url or request.get_full_path()}
    if level:
        params["level"] = level
    return f"{reverse('idporten:login')}?{urlencode(params)}"


class IdPortenSessionMiddleware:
    """Idle timeout (SESSION_COOKIE_AGE, extended by activity) and an absolute timeout of
    IDPORTEN_SESSION_MAX_SECONDS from login, after which the citizen logs in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            details = login_details(request.session)
            now = time.time()
            if details and now - details.logged_in_at > settings.IDPORTEN_SESSION_MAX_SECONDS:
                auth.logout(request)
                messages.info(request, _("You were logged out because your session ran out."))
                return HttpResponseRedirect(reverse("portal:front"))
            if now - request.session.get(LAST_SEEN_KEY, 0) > TOUCH_INTERVAL_SECONDS:
                request.session[LAST_SEEN_KEY] = now  # saving the session extends its expiry
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ReauthenticationRequired):
            auth.logout(request)
            return HttpResponseRedirect(login_url_for(request))
        return None
