"""The citizen's own pages: the login history, its exports and its refresh."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from authlevel.selectors import citizen_badge, citizen_badge_known
from caseworker.selectors import lookups_of_citizen, previews_of_citizen
from idporten.decorators import login_required_at
from idporten.eids import eid_product
from idporten.loginhistory_api import HistoryNotOffered, HistoryUnavailable
from idporten.session import LoginDetails, ReauthenticationRequired, login_details
from idporten.types import LevelOfAssurance
from loginhistory.chart import month_chart
from loginhistory.exports import logins_as_csv, logins_as_json
from loginhistory.fragments import history_fragment
from loginhistory.history import History
from loginhistory.not_me import DIGEST_PATTERN, login_advice, login_by_digest, lookup_advice
from loginhistory.query import history_filtered, history_table, sorted_table
from loginhistory.selectors import (
    history_is_cut,
    history_span,
    login_history_for_session,
    logins_per_eid,
    logins_per_month,
    page_cache_reads,
)
from loginhistory.services import login_history_forget

logger = logging.getLogger(__name__)

TEMPLATE = "loginhistory/overview.html"
# A token refused this soon after a login is not cured by logging in again: ID-porten's single
# sign-on would log the citizen straight back in, with a token refused the same way, and the
# browser would loop. The page says the history cannot be shown now instead.
FRESH_LOGIN_SECONDS = 60
# Longer queries than this are not kept across a refresh: no filter needs that much.
MAX_KEPT_QUERY = 2000

View = Callable[..., HttpResponse]


def citizen_page(view: View) -> View:
    """The citizen's pages. A login with a national identity number needs the substantial
    level: the history is personal data kept under that number. A login without one (e-mail,
    or a foreign eID, docs/idporten.md 8.3) is let in at whatever level ID-porten gave it,
    e-mail's none included: for it the pages show no more than how the citizen is logged in
    now, and look nothing up."""
    at_substantial = login_required_at(LevelOfAssurance.SUBSTANTIAL)(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        details = login_details(request.session) if request.user.is_authenticated else None
        if details is not None and not details.pid and details.level is not None:
            return view(request, *args, **kwargs)
        return at_substantial(request, *args, **kwargs)

    return wrapped


def _without_national_id(request: HttpRequest, details: LoginDetails) -> HttpResponse:
    """The page of a login without a national identity number: how the citizen is logged in,
    and plainly what cannot be shown. Neither API is called.

    The authlevel API is asked by number. The login-history API takes the citizen's own token,
    not a number, but it serves only the old platform's log (docs/idporten.md 8.6), which had
    neither e-mail login nor eidas-loa-*; whether it answers a token without `pid` at all is
    undocumented (section 2), and the emulator refuses one with 403. Calling it would at best
    fetch an empty list and at worst log a false alarm (a 403 reads as a missing scope)."""
    ctx: dict[str, object] = {
        "page": "overview",
        "eid": eid_product(details.eid),
        "level": details.level,
        "badge": citizen_badge(details),
        "without_national_id": True,
        "email_login": details.level is LevelOfAssurance.SELF_REGISTERED,
        # "Oppslag på deg" is matched on the login's pid: without one, there are none.
        "lookups": [],
    }
    return render(request, TEMPLATE, ctx)


@never_cache
@require_GET
@citizen_page
def overview(request: HttpRequest) -> HttpResponse:
    details = login_details(request.session)
    if details is not None and not details.pid:
        return _without_national_id(request, details)
    # The badge's lookup runs beside the history's fetch: the page waits for the slower of
    # the two, not for both in turn. The worker gets the login's details, not the request, so
    # it reads neither the session nor the database: only the cache and ID-porten. A badge
    # known without the API (mostly from the cache) needs no worker: a thread of its own also
    # opens a connection of its own to the cache, which cost more than the rest of the badge.
    reads = page_cache_reads(details, request.session)
    known_badge = citizen_badge_known(details, read=reads.get)
    # "Oppslag på deg": matched on the pid of the citizen's own login and nothing else, so
    # nobody ever sees lookups of another person here. Read before the history, which on the
    # first page after a login is a wait for ID-porten.
    lookups = lookups_of_citizen(pid=details.pid, read=reads.get) if details and details.pid else []
    with ThreadPoolExecutor(max_workers=1) as beside:
        badge = None if known_badge else beside.submit(citizen_badge, details)
        try:
            history = login_history_for_session(request.session, read=reads.get)
            problem = None
        except HistoryNotOffered:
            problem = "not_offered"
        except HistoryUnavailable:
            problem = "unavailable"
        except ReauthenticationRequired:
            if not _refused_right_after_login(details):
                raise  # the middleware sends the citizen to log in again
            problem = "unavailable"
        ctx: dict[str, object] = {
            "page": "overview",
            "eid": eid_product(details.eid) if details else "",
            "level": details.level if details else None,
            "query": request.GET.urlencode(),
            "lookups": lookups,
            "badge": badge.result() if badge else known_badge,
        }
    if problem:
        return render(request, TEMPLATE, {**ctx, "problem": problem})

    filtered = history_filtered(query=request.GET, history=history)
    today = timezone.localdate()
    ctx.update(
        # What the page renders from the history and the query alone is kept for as long as
        # the history is, under its version (loginhistory/fragments.py). What only those parts
        # use is worked out lazily: a page rendered before needs none of it.
        today=today,
        form=filtered.form,
        total=len(history),
        truncated=history_is_cut(history),
        span=history_span(history),
        chart=SimpleLazyObject(lambda: month_chart(logins_per_month(history, today=today))),
        per_eid=SimpleLazyObject(lambda: logins_per_eid(history)),
    )
    if filtered.valid:
        ctx.update(
            table=SimpleLazyObject(
                lambda: history_table(form=filtered.form, logins=filtered.logins)
            ),
            filtered=filtered.form.criteria().active,
            active_filters=SimpleLazyObject(filtered.form.active_filters),
        )
    vary_on = (history.version, today)
    ctx.update(
        filter_and_results=history_fragment(
            "history_results",
            "loginhistory/_filter_and_results.html",
            vary_on=(*vary_on, ctx["query"]),
            context=ctx,
            request=request,
        ),
        summary=history_fragment(
            "history_summary",
            "loginhistory/_summary.html",
            vary_on=vary_on,
            context=ctx,
            request=request,
        ),
    )
    return render(request, TEMPLATE, ctx, status=200 if filtered.valid else 400)


@never_cache
@require_POST
@citizen_page
def refresh(request: HttpRequest) -> HttpResponse:
    """ "Oppdater": drop the cached copy and show the page again, with the same filter."""
    login_history_forget(request.session)
    query = request.POST.get("query", "")
    kept = QueryDict(query).urlencode() if len(query) <= MAX_KEPT_QUERY else ""
    return HttpResponseRedirect(reverse("loginhistory:overview") + (f"?{kept}" if kept else ""))


def _refused_right_after_login(details: LoginDetails | None) -> bool:
    fresh = details is not None and details.logged_in_within(FRESH_LOGIN_SECONDS)
    if fresh:
        logger.error(
            "event=loginhistory_token_refused_after_login seconds=%d: the API refuses the "
            "tokens of a new login (client, scope or clock?); not sending the citizen to log in",
            FRESH_LOGIN_SECONDS,
        )
    return fresh


def _export(request: HttpRequest, *, extension: str) -> HttpResponse:
    details = login_details(request.session)
    if details is not None and not details.pid:
        return HttpResponse(
            _(
                "There is no login history to download: you logged in without a Norwegian "
                "national identity number, and ID-porten keeps the history by that number."
            ),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    history = _history_or_none(request)
    if history is None:
        return HttpResponse(
            _("Your login history cannot be fetched just now. Try again in a few minutes."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    filtered = history_filtered(query=request.GET, history=history)
    if not filtered.valid:
        errors = [f"{error}" for field in filtered.form.errors.values() for error in field]
        return HttpResponse(
            "\n".join([_("The filter is not valid:"), *errors]),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    # In the order the table showed them when the citizen chose to download.
    logins = sorted_table(form=filtered.form, logins=filtered.logins).sorted_logins
    if extension == "csv":
        body, content_type = logins_as_csv(logins), "text/csv; charset=utf-8"
    else:
        body, content_type = logins_as_json(logins), "application/json"
    filename = f"innlogginger-{timezone.localdate().isoformat()}.{extension}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_GET
@citizen_page
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, extension="csv")


@never_cache
@require_GET
@citizen_page
def export_json(request: HttpRequest) -> HttpResponse:
    return _export(request, extension="json")


def _history_or_none(request: HttpRequest) -> History | None:
    """The citizen's history, or None while it cannot be fetched (the page says so)."""
    try:
        return login_history_for_session(request.session)
    except (HistoryNotOffered, HistoryUnavailable):
        return None
    except ReauthenticationRequired:
        if not _refused_right_after_login(login_details(request.session)):
            raise  # the middleware sends the citizen to log in again, and back here
        return None


def _own_pid(request: HttpRequest) -> str:
    """The logged-in citizen's number. Without one there is neither a history nor lookups to
    name (docs/idporten.md 8.3), so every page about one of them is a 404."""
    details = login_details(request.session)
    if details is None or not details.pid:
        raise Http404
    return details.pid


# A caseworker in a preview never reaches these: the preview middleware sends every page of
# the loginhistory namespace to the preview (caseworker/middleware.py, OWN_PAGES_NAMESPACE).
@never_cache
@require_GET
@citizen_page
def not_me(request: HttpRequest, digest: str) -> HttpResponse:
    """The "Was this not you?" page about one login of the citizen's own history."""
    _own_pid(request)
    if not DIGEST_PATTERN.fullmatch(digest):
        raise Http404
    history = _history_or_none(request)
    if history is None:
        problem = {"page": "not-me", "problem": "unavailable"}
        return render(request, "loginhistory/not_me.html", problem, status=503)
    login = login_by_digest(history=history, digest=digest)
    if login is None:
        raise Http404
    ctx: dict[str, object] = {"page": "not-me", "advice": login_advice(login=login)}
    return render(request, "loginhistory/not_me.html", ctx)


@never_cache
@require_GET
@citizen_page
def lookup_not_me(request: HttpRequest, lookup_id: int) -> HttpResponse:
    """An "Oppslag på deg" the citizen does not recognise: whom at the agency to ask."""
    lookup = get_object_or_404(previews_of_citizen(pid=_own_pid(request)), pk=lookup_id)
    ctx: dict[str, object] = {"page": "lookup-not-me", "advice": lookup_advice(lookup=lookup)}
    return render(request, "caseworker/lookup_not_me.html", ctx)
