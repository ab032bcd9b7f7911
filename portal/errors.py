"""The error pages: the statuses Django answers on its own (400, 403, 404, 500) and a form
refused for its CSRF token, in the site's layout and the reader's language, each with a way back.

LocaleMiddleware has chosen the language (the language cookie, then Accept-Language) before any
of these runs, so none of them picks one itself.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseServerError,
)
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from idporten.redirects import safe_local_path
from portal.context_processors import site

TEMPLATE = "portal/errors/error.html"


def _error_page(request: HttpRequest, *, kind: str, status: int) -> HttpResponse:
    return render(request, TEMPLATE, {"page": "error", "kind": kind}, status=status)


class MethodNotAllowedPageMiddleware:
    """Django answers a method a view does not take (require_POST, require_GET) with an empty
    405, which no handler sees: a bookmarked "Logg ut" would end on a blank page. This gives it
    the site's page, with a logout that works where the address was the logout's.

    Last in MIDDLEWARE, so that the page it makes still gets the security headers and the CSP.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        ctx = {
            "page": "error",
            "kind": "method-not-allowed",
            "logging_out": request.path == reverse("idporten:logout"),
        }
        page = render(request, TEMPLATE, ctx, status=405)
        page["Allow"] = response["Allow"]
        return page


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, kind="bad-request", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, kind="forbidden", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The exception's message is for developers (Django's resolver writes the patterns it
    # tried): it is never shown.
    return _error_page(request, kind="not-found", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered from a plain context, without the request and so without the context
    processors: the error may be the database's or the session's, and they read both (auth's
    `user` and `perms`, `messages`). The page then shows the header of a reader who is not
    logged in. Only settings and the CSRF cookie are read, for the language switcher."""
    context = {
        **site(request),
        "page": "error",
        "kind": "server-error",
        "csrf_token": get_token(request),
        "language_next": request.get_full_path(),
    }
    return HttpResponseServerError(render_to_string(TEMPLATE, context))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. Mostly a tab left open while the reader logged in or out in another
    one: a login gives the browser a new CSRF secret, and the old tab's forms carry a token
    of the one before. The page, rendered with a fresh token, offers what the form was for
    again: a failed logout gets a logout form that works (the reader is still logged in)."""
    back = _page_sent_from(request)
    ctx = {
        "page": "error",
        "kind": "expired-form",
        "logging_out": request.path == reverse("idporten:logout"),
        "back_url": back,
        # The language switcher's own default would come back here, to a URL that takes only
        # a POST (set_language would even send the browser back to itself).
        "language_next": back or reverse("portal:front"),
    }
    return render(request, TEMPLATE, ctx, status=403)


def _page_sent_from(request: HttpRequest) -> str | None:
    """The page of this site the refused form was on: the language switcher names it (`next`),
    other forms are known by the Referer (the portal sends one to its own pages only)."""
    named = safe_local_path(request.POST.get("next"))
    if named:
        return named
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc != request.get_host():
        return None
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    # Never back to the URL that refused the form: it answers a GET with an error of its own.
    return None if path == request.path else safe_local_path(path)
