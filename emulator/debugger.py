"""What the debugger page shows (dev and test mode only): each request a client makes to an
OpenID endpoint, recorded after the response by `debugger_middleware`, the last
DEBUGGER_KEPT_PER_CLIENT per client.

Nothing kept is a secret: client secrets, codes, verifiers, refresh tokens, assertions, tokens
and hints are kept by parameter name only; `state` by its length (a client may pack its own data
into it); a login_hint by name only, since a TestID hint holds a national identity number. The
tokens of a /token answer are kept decoded (header and claims) with the outcome of the signature
check, never as issued: a developer reads why a login fails, and nobody can replay anything.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase

from emulator.clock import now
from emulator.jose import verified_claims
from emulator.models import AuthorizationCode, DebuggerRequest
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
    )
)
LENGTH_ONLY = frozenset(("state",))
VALUE_LIMIT = 500

# Why /authorize answered with its own error page instead of a redirect to the client.
PAGE_ERROR_UNKNOWN_CLIENT = "unknown_client"
PAGE_ERROR_UNREGISTERED_REDIRECT_URI = "unregistered_redirect_uri"
PAGE_ERROR_OTHER = "other"


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


def _nonce_sent(request: HttpRequest) -> str | None:
    """The nonce of the /authorize request whose code this token request redeemed."""
    code = request.POST.get("code", "")
    if not code:
        return None
    stored = (
        AuthorizationCode.objects.filter(code_hash=token_hash(code)).select_related("grant").first()
    )
    return stored.grant.nonce if stored is not None else None


def _tokens(request: HttpRequest, body: dict[str, Any]) -> dict[str, Any]:
    tokens: dict[str, Any] = {}
    access = _decoded(body.get("access_token"))
    if access is not None:
        tokens["access_token"] = {**access, "expires_in": body.get("expires_in")}
    id_token = _decoded(body.get("id_token"))
    if id_token is not None:
        tokens["id_token"] = {**id_token, "nonce_sent": _nonce_sent(request)}
    if "refresh_token" in body:
        tokens["refresh_token"] = {"expires_in": body.get("refresh_token_expires_in")}
    return tokens


def debugger_request_record(request: HttpRequest, response: HttpResponseBase) -> None:
    body = _json_body(response)
    error, description = _oauth_error(response, body)
    scheme = request.headers.get("Authorization", "").partition(" ")[0]
    client_id = _client_id(request)
    DebuggerRequest.objects.create(
        client_id=client_id,
        at=now(),
        method=(request.method or "")[:10],
        path=request.path,
        parameters=_parameters(request.GET, request.POST),
        authentication=scheme[:40],
        status=response.status_code,
        error=error,
        error_description=description,
        page_error=_page_error(request, response),
        tokens=_tokens(request, body)
        if request.path == "/token" and response.status_code == 200
        else {},
    )
    older = DebuggerRequest.objects.filter(client_id=client_id).values_list("id", flat=True)[
        DEBUGGER_KEPT_PER_CLIENT:
    ]
    DebuggerRequest.objects.filter(id__in=list(older)).delete()


def debugger_middleware(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if debugger_enabled() and request.path in OPENID_PATHS:
            try:
                debugger_request_record(request, response)
            except DatabaseError:
                # The debugger is a help: a request it could not record is answered all the same.
                logger.warning("event=debugger_record_failed path=%s", request.path)
        return response

    return middleware
