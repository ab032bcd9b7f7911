"""What the debugger page shows (dev and test mode only): each request a client makes to an
OpenID endpoint, recorded after the response by `debugger_middleware`, and to the TestID login
step, recorded by `debugger_login_recorded`; the last DEBUGGER_KEPT_PER_CLIENT per client.

Nothing kept is a secret: client secrets, codes, verifiers, refresh tokens, assertions, tokens
and hints are kept by parameter name only; `state` by its length (a client may pack its own data
into it); a login_hint, and the TestID form's pid and persona, by name only, since they hold a
national identity number; the login step's key not at all, since with it anyone could finish
that login. The tokens of a /token answer are kept decoded (header and claims) with the outcome
of the signature check, never as issued: a developer reads why a login fails, and nobody can
replay anything.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from django.conf import settings
from django.db import DatabaseError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse

from emulator.clock import now
from emulator.jose import verified_claims
from emulator.models import AuthorizationCode, DebuggerRequest, Grant, PendingAuthorization
from emulator.oauth import ClientAuthenticationError, basic_credentials
from emulator.selectors import client_get, token_hash

logger = logging.getLogger(__name__)

DEBUGGER_MODES = ("dev", "test")
DEBUGGER_KEPT_PER_CLIENT = 50
OPENID_PATHS = frozenset(
    ("/authorize", "/token", "/userinfo", "/tokeninfo", "/revoke", "/endsession")
)
UNKNOWN_CLIENT = "unknown"
# Parameters whose values help and give nothing away; every other one is kept by name only.
SHOWN_VALUES = frozenset(
    (
        "client_id",
        "response_type",
        "response_mode",
        "scope",
        "acr_values",
        "prompt",
        "max_age",
        "ui_locales",
        "redirect_uri",
        "post_logout_redirect_uri",
        "code_challenge_method",
        "grant_type",
        "token_type_hint",
        # The ID token carries it back, so it is no more secret here than on the page.
        "nonce",
        # The TestID form's choices: an eID, a level, a test person without a pid.
        "eid",
        "level",
        "person",
    )
)
LENGTH_ONLY = frozenset(("state",))
VALUE_LIMIT = 500

# Why /authorize answered with its own error page instead of a redirect to the client.
PAGE_ERROR_UNKNOWN_CLIENT = "unknown_client"
PAGE_ERROR_UNREGISTERED_REDIRECT_URI = "unregistered_redirect_uri"
PAGE_ERROR_OTHER = "other"
# Why the TestID login step answered with a page of its own: the form again, or an error page.
PAGE_ERROR_LOGIN_REFUSED = "login_refused"
PAGE_ERROR_LOGIN_EXPIRED = "login_expired"
PAGE_ERROR_LOGIN_UNKNOWN = "login_unknown"
# The login step's path as recorded: its key is left out.
LOGIN_PATH = "/login/<key>"


def debugger_enabled() -> bool:
    return settings.EMULATOR_MODE in DEBUGGER_MODES


def _parameters(*queries: QueryDict) -> list[dict[str, Any]]:
    kept = []
    for query in queries:
        for name, values in query.lists():
            for value in values:
                kept.append(
                    {
                        "name": name[:100],
                        "value": value[:VALUE_LIMIT] if name in SHOWN_VALUES else None,
                        "length": len(value) if name in LENGTH_ONLY else None,
                    }
                )
    return kept


def _unverified_claims(token: str) -> dict[str, Any] | None:
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None


def _client_id(request: HttpRequest) -> str:
    """Who made the request, by the client's own word (the debugger checks nothing): Basic
    credentials, else a client_id parameter, else the client a bearer token or an
    id_token_hint names."""
    try:
        basic = basic_credentials(request)
    except ClientAuthenticationError:
        basic = None
    if basic is not None:
        return basic[0][:200] or UNKNOWN_CLIENT
    named = request.POST.get("client_id") or request.GET.get("client_id")
    if named:
        return named[:200]
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    hint = request.POST.get("id_token_hint") or request.GET.get("id_token_hint")
    claims = None
    if scheme.lower() == "bearer" and token:
        claims = _unverified_claims(token.strip())
    elif hint:
        claims = _unverified_claims(hint)
    if claims is None:
        return UNKNOWN_CLIENT
    named = claims.get("client_id") or claims.get("azp") or claims.get("aud")
    if isinstance(named, list):
        named = named[0] if named else None
    return named[:200] if isinstance(named, str) and named else UNKNOWN_CLIENT


def _json_body(response: HttpResponseBase) -> dict[str, Any]:
    if response.streaming or "json" not in response.get("Content-Type", ""):
        return {}
    try:
        body = json.loads(response.content)  # type: ignore[attr-defined]
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _oauth_error(response: HttpResponseBase, body: dict[str, Any]) -> tuple[str, str]:
    """The OAuth error of the answer: in a JSON body, or in the query of a redirect."""
    if "error" in body:
        return str(body["error"])[:100], str(body.get("error_description", ""))[:VALUE_LIMIT]
    location = response.get("Location", "")
    if location:
        query = dict(parse_qsl(urlsplit(location).query))
        if "error" in query:
            return query["error"][:100], query.get("error_description", "")[:VALUE_LIMIT]
    return "", ""


def _page_error(request: HttpRequest, response: HttpResponseBase) -> str:
    """/authorize shows an error page, not a redirect, when it cannot trust the redirect_uri."""
    if (
        request.path != "/authorize"
        or response.status_code < 400
        or response.has_header("Location")
    ):
        return ""
    source = request.POST if request.method == "POST" else request.GET
    client = client_get(client_id=source.get("client_id", ""))
    if client is None:
        return PAGE_ERROR_UNKNOWN_CLIENT
    if source.get("redirect_uri", "") not in client.redirect_uris:
        return PAGE_ERROR_UNREGISTERED_REDIRECT_URI
    return PAGE_ERROR_OTHER


def _decoded(token: Any) -> dict[str, Any] | None:
    if not isinstance(token, str):
        return None
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return {"undecodable": True}
    return {
        "header": header,
        "claims": _unverified_claims(token) or {},
        "signature_valid": verified_claims(token) is not None,
    }


def _grant_of_code(request: HttpRequest) -> Grant | None:
    """The grant of the code a token request redeems."""
    code = request.POST.get("code", "")
    if not code:
        return None
    stored = (
        AuthorizationCode.objects.filter(code_hash=token_hash(code))
        .select_related("grant__client")
        .first()
    )
    return stored.grant if stored is not None else None


def _acr_values_sent(grant: Grant) -> str | None:
    """The acr_values of the recorded /authorize request the grant came from ("" if it sent
    none), or None if that record is not found. It is found by its nonce, the one value of the
    request the grant keeps: a request without a nonce, or one pruned since, is not found."""
    if not grant.nonce:
        return None
    authorizations = DebuggerRequest.objects.filter(
        client_id=grant.client.client_id, path="/authorize", error="", page_error=""
    ).only("parameters")[:DEBUGGER_KEPT_PER_CLIENT]
    for record in authorizations:
        values = {parameter["name"]: parameter["value"] for parameter in record.parameters}
        if values.get("nonce") == grant.nonce[:VALUE_LIMIT]:
            return values.get("acr_values") or ""
    return None


def _tokens(request: HttpRequest, body: dict[str, Any]) -> dict[str, Any]:
    tokens: dict[str, Any] = {}
    access = _decoded(body.get("access_token"))
    if access is not None:
        tokens["access_token"] = {**access, "expires_in": body.get("expires_in")}
    id_token = _decoded(body.get("id_token"))
    if id_token is not None:
        grant = _grant_of_code(request)
        tokens["id_token"] = {
            **id_token,
            "nonce_sent": grant.nonce if grant is not None else None,
            "acr_values_sent": _acr_values_sent(grant) if grant is not None else None,
        }
    if "refresh_token" in body:
        tokens["refresh_token"] = {"expires_in": body.get("refresh_token_expires_in")}
    return tokens


def _refusal(response: HttpResponseBase) -> str:
    """What the TestID page told the person was wrong with the form, in the page's language."""
    if not isinstance(response, TemplateResponse):
        return ""
    form = (response.context_data or {}).get("form")
    if not isinstance(form, BaseForm) or not form.is_bound:
        return ""
    reasons = (
        f"{field}: {message}" for field, messages in form.errors.items() for message in messages
    )
    return " ".join(reasons)[:VALUE_LIMIT]


@dataclass(frozen=True)
class LoginStep:
    """What only the TestID login step knows of its request: the client of its pending
    authorization (the request names none) and why it showed a page of its own."""

    client_id: str
    page_error: str


def debugger_request_record(
    request: HttpRequest, response: HttpResponseBase, *, login: LoginStep | None = None
) -> None:
    if login is None:
        client_id, path = _client_id(request), request.path
        page_error = _page_error(request, response)
    else:
        client_id, path, page_error = login.client_id, LOGIN_PATH, login.page_error
    body = _json_body(response)
    error, description = _oauth_error(response, body)
    scheme = request.headers.get("Authorization", "").partition(" ")[0]
    DebuggerRequest.objects.create(
        client_id=client_id,
        at=now(),
        method=(request.method or "")[:10],
        path=path,
        parameters=_parameters(request.GET, request.POST),
        authentication=scheme[:40],
        status=response.status_code,
        error=error,
        error_description=description or _refusal(response),
        page_error=page_error,
        tokens=_tokens(request, body) if path == "/token" and response.status_code == 200 else {},
    )
    older = DebuggerRequest.objects.filter(client_id=client_id).values_list("id", flat=True)[
        DEBUGGER_KEPT_PER_CLIENT:
    ]
    DebuggerRequest.objects.filter(id__in=list(older)).delete()


def _recorded(
    request: HttpRequest, response: HttpResponseBase, *, login: LoginStep | None = None
) -> None:
    try:
        debugger_request_record(request, response, login=login)
    except DatabaseError:
        # The debugger is a help: a request it could not record is answered all the same.
        logger.warning(
            "event=debugger_record_failed path=%s", LOGIN_PATH if login else request.path
        )


def debugger_middleware(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if debugger_enabled() and request.path in OPENID_PATHS:
            _recorded(request, response)
        return response

    return middleware


def _login_page_error(pending: PendingAuthorization | None, response: HttpResponseBase) -> str:
    if response.status_code == 400:
        return PAGE_ERROR_LOGIN_REFUSED
    if response.status_code != 404:
        return ""
    return PAGE_ERROR_LOGIN_UNKNOWN if pending is None else PAGE_ERROR_LOGIN_EXPIRED


def debugger_login_recorded(
    view: Callable[[HttpRequest, str], HttpResponse],
) -> Callable[[HttpRequest, str], HttpResponse]:
    """Records the TestID login step, /login/<key>. Its pending authorization, expired or not,
    names the client; it is read before the view, since a login that completes deletes it.
    The view answers a refused form with a TemplateResponse, whose form says why."""

    @functools.wraps(view)
    def recorded(request: HttpRequest, key: str) -> HttpResponse:
        if not debugger_enabled():
            return view(request, key)
        pending = PendingAuthorization.objects.filter(key=key).select_related("client").first()
        response = view(request, key)
        client_id = pending.client.client_id if pending is not None else UNKNOWN_CLIENT
        _recorded(
            request, response, login=LoginStep(client_id, _login_page_error(pending, response))
        )
        return response

    return recorded
