"""Login, callback, logout, and front- and back-channel logout with ID-porten.

The first two subclass mozilla-django-oidc's views; what they add is listed on each.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from idporten.backchannel import LogoutCheck, LogoutRefused, logout_token_parse
from idporten.discovery import IssuerMismatch, provider_metadata, provider_origins
from idporten.failures import FailureKind, LoginFailure, login_failed
from idporten.http import IdPortenUnavailable
from idporten.redirects import safe_local_path
from idporten.services import (
    logout_token_spend,
    session_sid_forget,
    session_sid_record,
    sessions_end_for_sid,
)
from idporten.session import id_token_hint, login_details, tokens_forget
from idporten.types import Acr, LevelOfAssurance, level_of

logger = logging.getLogger("idporten.login")

LOGOUT_STATE_KEY = "idporten_logout_state"
FAILURE_STATUS = {
    FailureKind.UNREACHABLE: 502,
    FailureKind.CANCELLED: 200,
    FailureKind.EXPIRED: 400,
    FailureKind.REFUSED: 400,
    FailureKind.MISCONFIGURED: 503,
}


def login_failure_page(request: HttpRequest, failure: LoginFailure) -> HttpResponse:
    next_path = request.session.get("oidc_login_next") or safe_local_path(request.GET.get("next"))
    retry_url = reverse("idporten:login") + (
        f"?{urlencode({'next': next_path})}" if next_path else ""
    )
    ctx = {"page": "login-failed", "failure": failure.kind.value, "retry_url": retry_url}
    response = render(
        request, "idporten/login_failed.html", ctx, status=FAILURE_STATUS[failure.kind]
    )
    response["Cache-Control"] = "no-store"
    return response


class LoginView(OIDCAuthenticationRequestView):  # type: ignore[misc]  # the library has no stubs
    """Starts a login. Adds: endpoints from discovery, acr_values and ui_locales, step-up to
    the high level with ?level=high, and only local paths as where to go afterwards."""

    def __init__(self, **kwargs: object) -> None:
        View.__init__(self, **kwargs)  # the parent's reads endpoints from settings
        self.OIDC_RP_CLIENT_ID = settings.IDPORTEN_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata().authorization_endpoint
        except IdPortenUnavailable:
            return login_failure_page(
                request, login_failed(request, kind=FailureKind.UNREACHABLE, check="discovery")
            )
        except IssuerMismatch:
            return login_failure_page(
                request,
                login_failed(request, kind=FailureKind.MISCONFIGURED, check="issuer_mismatch"),
            )
        # ?level=high steps up; ?login=email asks for e-mail login alone, which ID-porten
        # then offers directly (docs/idporten.md 8.3); otherwise the configured level.
        self.acr_values: str
        if request.GET.get("level") == "high":
            self.acr_values = Acr.HIGH
        elif request.GET.get("login") == "email":
            self.acr_values = Acr.SELF_REGISTERED_EMAIL
        else:
            self.acr_values = settings.IDPORTEN_ACR_VALUES
        response: HttpResponse = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state]["acr_values"] = str(self.acr_values)
        request.session["oidc_login_next"] = safe_local_path(request.GET.get("next"))
        return response

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        return {"acr_values": str(self.acr_values), "ui_locales": get_language() or "nb"}


class CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]  # as above
    """Finishes a login. Adds: the authorization response's `iss` must be our issuer (and be
    there, when discovery says ID-porten sends it: RFC 9207 2.4), the requested level is
    enforced, and every failure is a clear page instead of a 500 or a silent redirect."""

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states") or {}
        entry = states.get(state)
        if entry is None:
            # Unknown or already used: the library would answer with a bare 400.
            return self.fail(kind=FailureKind.EXPIRED, check="state")
        error = request.GET.get("error")
        iss = request.GET.get("iss")
        if iss is not None:
            iss_wrong = iss != settings.IDPORTEN_ISSUER
        else:  # wrong only where ID-porten promises to send it
            try:
                iss_wrong = provider_metadata().authorization_response_iss_parameter_supported
            except IdPortenUnavailable:
                return self.fail(kind=FailureKind.UNREACHABLE, check="discovery")
            except IssuerMismatch:
                return self.fail(kind=FailureKind.MISCONFIGURED, check="issuer_mismatch")
        if error or iss_wrong:
            del states[state]  # a state is spent once ID-porten has answered it
            request.session.modified = True
            if request.user.is_authenticated:
                auth.logout(request)
            if error == "access_denied":
                return self.fail(kind=FailureKind.CANCELLED, check="access_denied")
            if error:
                return self.fail(kind=FailureKind.REFUSED, check=f"op_error_{error}"[:60])
            return self.fail(kind=FailureKind.REFUSED, check="iss_param")
        # For IdPortenBackend.verify_token, which the library calls with this request.
        request.idporten_required_level = (  # type: ignore[attr-defined]
            level_of(entry.get("acr_values")) or LevelOfAssurance.SUBSTANTIAL
        )
        response: HttpResponse = super().get(request)
        return response

    def fail(self, *, kind: FailureKind, check: str) -> HttpResponse:
        return login_failure_page(self.request, login_failed(self.request, kind=kind, check=check))

    def login_failure(self) -> HttpResponse:
        failure = getattr(self.request, "idporten_login_failure", None)
        if failure is None:  # the library refused before our backend ran (e.g. no code)
            failure = login_failed(self.request, kind=FailureKind.REFUSED, check="callback")
        return login_failure_page(self.request, failure)

    def login_success(self) -> HttpResponse:
        # auth.login() inside cycles the session key, against session fixation.
        response: HttpResponse = super().login_success()
        details = login_details(self.request.session)
        if details is not None and details.sid:
            session_sid_record(sid=details.sid, session_key=self.request.session.session_key)
        logger.info("event=login_succeeded acr=%s", details.acr if details else "")
        return response

    @property
    def success_url(self) -> str:
        return self.request.session.get("oidc_login_next") or reverse(settings.LOGIN_REDIRECT_URL)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Ends the local session, then ID-porten's (RP-initiated logout, with a fresh state)."""
    hint = id_token_hint(request.session)
    session_sid_forget(session_key=request.session.session_key)
    tokens_forget(request.session)
    auth.logout(request)
    try:
        end_session_endpoint = provider_metadata().end_session_endpoint
    except (IdPortenUnavailable, IssuerMismatch):
        end_session_endpoint = None
    if not hint or not end_session_endpoint:
        # Logged out here; ID-porten's session (if any) ends on its own.
        return HttpResponseRedirect(reverse("idporten:logged-out"))
    state = secrets.token_urlsafe(32)
    request.session[LOGOUT_STATE_KEY] = state
    # A form posted to ID-porten (its end-session endpoint takes POST, docs/idporten.md 3.7),
    # not a redirect: the ID token holds the national identity number, and in a GET URL it
    # would stay in the browser's history and in access logs. Submitted at once by a script
    # of our own; its button does it without JavaScript.
    ctx = {
        "page": "ending-session",
        "end_session_endpoint": end_session_endpoint,
        "id_token_hint": hint,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("idporten:logged-out")),
        "state": state,
    }
    response = render(request, "idporten/ending_session.html", ctx)
    add_never_cache_headers(response)  # the page holds the ID token
    # The user is logged out by now, so the policy would allow forms to the portal only.
    response._csp_update = {"form-action": provider_origins()}  # type: ignore[attr-defined]
    return response


@never_cache
@require_GET
def logged_out(request: HttpRequest) -> HttpResponse:
    """Where ID-porten sends the browser after logout. A state we did not send means we cannot
    tell that ID-porten really ended its session, and the page says so."""
    expected = request.session.pop(LOGOUT_STATE_KEY, None)
    returned = request.GET.get("state")
    confirmed = (returned is None and expected is None) or (
        expected is not None and returned is not None and secrets.compare_digest(expected, returned)
    )
    if not confirmed:
        logger.warning("event=logout_state_mismatch")
    ctx = {"page": "logged-out", "confirmed": confirmed}
    return render(request, "idporten/logged_out.html", ctx)


@xframe_options_exempt
@never_cache
@require_GET
def frontchannel_logout(request: HttpRequest) -> HttpResponse:
    """OpenID Connect Front-Channel Logout 1.0: ID-porten loads this in an iframe when the
    citizen logs out elsewhere. Only ID-porten's own pages may frame it."""
    sid = request.GET.get("sid", "")
    if request.GET.get("iss") != settings.IDPORTEN_ISSUER or not sid:
        response = HttpResponse(status=400)
    else:
        ended = sessions_end_for_sid(sid=sid)
        logger.info("event=frontchannel_logout sessions_ended=%d", ended)
        response = HttpResponse(status=200)
    response["Content-Security-Policy"] = f"frame-ancestors {' '.join(provider_origins())}"
    return response


def _backchannel_refused(check: LogoutCheck) -> JsonResponse:
    # Never the token in the log: it is a bearer of the citizen's sid.
    logger.warning("event=backchannel_logout_refused check=%s", check.value)
    response = JsonResponse(
        {"error": "invalid_request", "error_description": check.value}, status=400
    )
    response["Cache-Control"] = "no-store"
    return response


def _backchannel_logout_token(request: HttpRequest) -> str:
    if request.method != "POST":
        raise LogoutRefused(LogoutCheck.METHOD)
    if request.content_type != "application/x-www-form-urlencoded":
        # An empty body has no type to speak of: it just lacks the token.
        raise LogoutRefused(LogoutCheck.CONTENT_TYPE if request.body else LogoutCheck.LOGOUT_TOKEN)
    tokens = request.POST.getlist("logout_token")
    if len(tokens) != 1 or not tokens[0]:
        raise LogoutRefused(LogoutCheck.LOGOUT_TOKEN)
    return tokens[0]


@csrf_exempt  # server to server: ID-porten has no cookie and no CSRF token; the JWT is the proof
def backchannel_logout(request: HttpRequest) -> HttpResponse:
    """OpenID Connect Back-Channel Logout 1.0: ID-porten POSTs a signed logout token when the
    citizen's ID-porten session ends (docs/idporten.md 8.1). Every portal session of its sid
    ends, tokens and cached history included. 200 with an empty body, also when no session was
    left to end (idempotent); 400 with a JSON error for anything else, never a 5xx.

    Where the failure is not the token's (the JWKS cannot be fetched, the database fails) the
    answer is a 400 too: the spec's answer for "the logout failed" (section 2.8). ID-porten
    tries once and counts every non-2xx alike, so a 503 would buy nothing, and a 5xx would
    look to our own monitoring like a crash rather than an upstream outage.
    """
    try:
        token = _backchannel_logout_token(request)
        try:
            jwks_uri = provider_metadata().jwks_uri
            logout = logout_token_parse(
                token,
                issuer=settings.IDPORTEN_ISSUER,
                client_id=settings.IDPORTEN_CLIENT_ID,
                jwks_uri=jwks_uri,
            )
        except (IdPortenUnavailable, IssuerMismatch) as exc:
            logger.warning("event=backchannel_logout_keys_unavailable reason=%s", exc)
            raise LogoutRefused(LogoutCheck.KEYS_UNAVAILABLE) from None
        keep_until = datetime.datetime.fromtimestamp(logout.replay_window_ends, tz=datetime.UTC)
        with transaction.atomic():
            # Spent only once every other check passed, and together with the logout: a
            # failed logout does not leave its jti behind.
            if not logout_token_spend(jti=logout.jti, keep_until=keep_until):
                raise LogoutRefused(LogoutCheck.REPLAY)
            ended = sessions_end_for_sid(sid=logout.sid)
    except LogoutRefused as refused:
        return _backchannel_refused(refused.check)
    except Exception:  # whatever it is, never a 5xx: see the docstring
        logger.exception("event=backchannel_logout_failed")
        return _backchannel_refused(LogoutCheck.LOGOUT_FAILED)
    logger.info("event=backchannel_logout sessions_ended=%d", ended)
    response = HttpResponse(status=200)
    response["Cache-Control"] = "no-store"
    return response
