"""Caseworker pages: start a preview, see it, leave it, and export the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from authlevel.badge import badge_for
from caseworker.decorators import AUDIT_PERMISSION, PREVIEW_PERMISSION, caseworker_page
from caseworker.exports import audit_log_as_csv
from caseworker.forms import PreviewStartForm
from caseworker.preview import preview_state_end, preview_state_start
from caseworker.selectors import audit_log
from caseworker.services import (
    PREVIEWS_PER_HOUR,
    AuditWriteFailed,
    PreviewRateLimited,
    preview_start,
)
from caseworker.types import CaseworkerRequest
from idporten.session import login_details


def caseworker_pid(request: CaseworkerRequest) -> str:
    """The logged-in caseworker's own number (caseworker_page lets no one in without one)."""
    details = login_details(request.session)
    return details.pid if details else ""


# caseworker_page comes before the method check: without the permission every method is a
# 404, so that a 405 never tells anyone that the page exists.
@never_cache
@caseworker_page(PREVIEW_PERMISSION)
@require_http_methods(["GET", "POST"])
def start(request: CaseworkerRequest) -> HttpResponse:
    if request.method == "GET":
        form = PreviewStartForm()
        return render(request, "caseworker/start.html", {"page": "caseworker-start", "form": form})

    form = PreviewStartForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            lookup = preview_start(
                caseworker=request.user,
                caseworker_pid=caseworker_pid(request),
                pid=form.cleaned_data["pid"].value,
                reason=form.cleaned_data["reason"],
            )
        except PreviewRateLimited:
            status = 429
            form.add_error(
                None,
                _(
                    "You have started %(limit)d previews in the last hour, which is the most "
                    "allowed. Try again later."
                )
                % {"limit": PREVIEWS_PER_HOUR},
            )
        except AuditWriteFailed:
            status = 503
            form.add_error(
                None,
                _(
                    "The lookup could not be written to the audit log, so it was not made. "
                    "Try again in a little while."
                ),
            )
        else:
            preview_state_start(request, lookup=lookup)
            return HttpResponseRedirect(reverse("caseworker:preview"))
    ctx = {"page": "caseworker-start", "form": form}
    return render(request, "caseworker/start.html", ctx, status=status)


@never_cache
@caseworker_page(PREVIEW_PERMISSION)
@require_GET
def preview(request: CaseworkerRequest) -> HttpResponse:
    active = request.preview
    if active is None:  # never started, left, or expired (the middleware said which)
        return HttpResponseRedirect(reverse("caseworker:start"))
    ctx = {
        "page": "caseworker-preview",
        "lookup": active.lookup,
        # No current login: this is someone else's page.
        "badge": badge_for(lookup=active.authlevel, current_level=None),
    }
    return render(request, "caseworker/preview.html", ctx)


@caseworker_page(PREVIEW_PERMISSION)
@require_POST
def leave(request: CaseworkerRequest) -> HttpResponse:
    if request.preview is not None:
        preview_state_end(request)
        messages.info(request, _("You have left the preview."))
    return HttpResponseRedirect(reverse("caseworker:start"))


@never_cache
@caseworker_page(AUDIT_PERMISSION)
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(audit_log_as_csv(audit_log()), content_type="text/csv; charset=utf-8")
    filename = f"oppslag-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
