"""Sets request.preview for every request, keeps a preview read-only, and ends it on time."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from caseworker.preview import PreviewExpired, preview_state_read
from caseworker.types import PreviewRequest

# The only writes a preview allows are ways out of it: leaving it, and logging out (which ends
# it with the session). Choosing a language only sets the reader's own cookie.
WRITES_ALLOWED_IN_PREVIEW = {"caseworker:leave", "idporten:logout", "set_language"}
# The caseworker's own pages, while a preview is open, would sit under a banner naming the
# citizen: the preview takes their place, and the caseworker's own history is not fetched.
# Known by their namespace, so a page added to the app, or a route renamed, is covered too.
OWN_PAGES_NAMESPACE = "loginhistory"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _route(request: HttpRequest) -> ResolverMatch | None:
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


class PreviewMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Here a request becomes a PreviewRequest: .preview is set before anything reads it.
        request = cast(PreviewRequest, request)
        request.preview = None
        if request.user.is_authenticated:
            try:
                request.preview = preview_state_read(request)
            except PreviewExpired:
                messages.info(request, _("Your preview ended: a preview lasts 15 minutes."))
        if request.preview is None:
            return self.get_response(request)

        route = _route(request)
        view_name = route.view_name if route else None
        if request.method not in SAFE_METHODS and view_name not in WRITES_ALLOWED_IN_PREVIEW:
            response = render(
                request, "caseworker/read_only.html", {"page": "caseworker-read-only"}, status=403
            )
        elif route is not None and OWN_PAGES_NAMESPACE in route.namespaces:
            response = HttpResponseRedirect(reverse("caseworker:preview"))
        else:
            response = self.get_response(request)
        # Every page now names the citizen in the banner: never kept by a cache.
        add_never_cache_headers(response)
        return response
