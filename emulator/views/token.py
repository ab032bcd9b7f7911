"""The token endpoint, introspection (RFC 7662) and revocation (RFC 7009).

/token dispatches on grant_type to one handler per grant, so part 2's JWT grant is one more
entry in GRANT_HANDLERS.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from emulator.clock import epoch, now
from emulator.faults import fault_injectable, fault_take
from emulator.jwt_grant import JWT_BEARER, assertion_verify, server_grant_create
from emulator.models import Client, Grant
from emulator.oauth import (
    ClientAuthenticationError,
    client_authenticate,
    invalid_client,
    json_no_store,
    oauth_error,
)
from emulator.selectors import access_token_active, refresh_token_active
from emulator.services import (
    GrantError,
    code_redeem,
    grant_type_check,
    refresh_token_issue,
    refresh_token_rotate,
    token_revoke,
)
from emulator.tokens import access_token_issue, id_token_issue
from emulator.types import Endpoint, IdTokenFault


def _token_response(*, grant: Grant, client_amr: str, with_id_token: bool) -> JsonResponse:
    access_token, lifetime = access_token_issue(grant=grant, client_amr=client_amr)
    body: dict[str, object] = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": grant.scope,
    }
    if with_id_token:
        fault = fault_take(endpoint=Endpoint.TOKEN, among=tuple(IdTokenFault))
        body["id_token"] = id_token_issue(grant=grant, fault=fault.fault if fault else None)
    if "refresh_token" in grant.client.grant_types:
        # With the seconds the new refresh token lives, which each refresh renews
        # (docs/idporten.md 8.4): ID-porten's non-standard refresh_token_expires_in.
        body["refresh_token"], body["refresh_token_expires_in"] = refresh_token_issue(grant=grant)
    return json_no_store(body)


def _authorization_code_grant(request: HttpRequest, client: Client, method: str) -> JsonResponse:
    code = request.POST.get("code", "")
    redirect_uri = request.POST.get("redirect_uri", "")
    if not code or not redirect_uri:
        return oauth_error("invalid_request", "code and redirect_uri are required.")
    grant = code_redeem(
        client=client,
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=request.POST.get("code_verifier", ""),
    )
    return _token_response(grant=grant, client_amr=method, with_id_token=True)


def _refresh_token_grant(request: HttpRequest, client: Client, method: str) -> JsonResponse:
    token = request.POST.get("refresh_token", "")
    if not token:
        return oauth_error("invalid_request", "refresh_token is required.")
    # RFC 6749 6: a refresh may ask for no scope beyond the grant's, and is refused before the
    # refresh token is spent. A narrower scope is accepted; the tokens keep the grant's.
    asked = set(request.POST.get("scope", "").split())
    refresh = refresh_token_active(token=token) if asked else None
    if (
        refresh is not None
        and refresh.grant.client_id == client.pk
        and not asked <= set(refresh.grant.scope.split())
    ):
        return oauth_error("invalid_scope", "The scope asked for is beyond the grant's.")
    grant = refresh_token_rotate(client=client, token=token)
    # ID-porten's refresh responses carry no new ID token: the login has not happened again.
    return _token_response(grant=grant, client_amr=method, with_id_token=False)


def _jwt_bearer_grant(request: HttpRequest) -> JsonResponse:
    authorization = assertion_verify(assertion=request.POST.get("assertion", ""))
    grant = server_grant_create(authorization=authorization)
    return _token_response(grant=grant, client_amr=authorization.client_amr, with_id_token=False)


GrantHandler = Callable[[HttpRequest, Client, str], JsonResponse]
# Handlers of grants that authenticate the client with its secret.
GRANT_HANDLERS: dict[str, GrantHandler] = {
    "authorization_code": _authorization_code_grant,
    "refresh_token": _refresh_token_grant,
}
# Handlers of grants whose assertion is the client's authentication (RFC 7523 2.1): the JWT
# grant sends no client secret (docs/idporten.md 4).
ASSERTION_GRANT_HANDLERS: dict[str, Callable[[HttpRequest], JsonResponse]] = {
    JWT_BEARER: _jwt_bearer_grant,
}


def _secret_authenticated_grant(request: HttpRequest, grant_type: str) -> JsonResponse:
    handler = GRANT_HANDLERS.get(grant_type)
    if handler is None:
        return oauth_error("unsupported_grant_type", f"Unsupported grant_type {grant_type!r}.")
    try:
        client, method = client_authenticate(request)
    except ClientAuthenticationError as error:
        return invalid_client(str(error))
    grant_type_check(client, grant_type)
    return handler(request, client, method)


@csrf_exempt
@require_POST
@fault_injectable(Endpoint.TOKEN)
def token(request: HttpRequest) -> JsonResponse:
    grant_type = request.POST.get("grant_type", "")
    if not grant_type:
        return oauth_error("invalid_request", "grant_type is required.")
    try:
        assertion_handler = ASSERTION_GRANT_HANDLERS.get(grant_type)
        if assertion_handler is not None:
            return assertion_handler(request)
        return _secret_authenticated_grant(request, grant_type)
    except GrantError as error:
        return oauth_error(error.error, error.description)


def _introspection(token: str, client: Client) -> dict[str, object]:
    active = access_token_active(token=token)
    if active is not None:
        claims, _ = active
        if claims["client_id"] == client.client_id:
            return {
                "active": True,
                "token_type": "Bearer",
                "expires_in": claims["exp"] - epoch(now()),
                # A server token (JWT grant) has no sub, pid or acr.
                **{
                    name: claims[name]
                    for name in (
                        "exp",
                        "iat",
                        "scope",
                        "client_id",
                        "client_orgno",
                        "consumer",
                        "sub",
                        "pid",
                        "acr",
                        "iss",
                        "jti",
                    )
                    if name in claims
                },
            }
    refresh = refresh_token_active(token=token)
    if refresh is not None and refresh.grant.client_id == client.pk:
        return {
            "active": True,
            "exp": epoch(refresh.expires_at),
            "scope": refresh.grant.scope,
            "client_id": client.client_id,
        }
    return {"active": False}


def _token_management_endpoint(
    endpoint: Endpoint,
) -> Callable[[Callable[[Client, str], JsonResponse]], Callable[[HttpRequest], HttpResponseBase]]:
    """Introspection and revocation alike: POST, client authentication, a `token` parameter."""

    def decorate(
        handle: Callable[[Client, str], JsonResponse],
    ) -> Callable[[HttpRequest], HttpResponseBase]:  # a fault may answer in place of the JSON
        @csrf_exempt
        @require_POST
        @fault_injectable(endpoint)
        @functools.wraps(handle)
        def view(request: HttpRequest) -> JsonResponse:
            try:
                client, _ = client_authenticate(request)
            except ClientAuthenticationError as error:
                return invalid_client(str(error))
            token = request.POST.get("token", "")
            if not token:
                return oauth_error("invalid_request", "token is required.")
            return handle(client, token)

        return view

    return decorate


@_token_management_endpoint(Endpoint.TOKENINFO)
def tokeninfo(client: Client, token: str) -> JsonResponse:
    return json_no_store(_introspection(token, client))


@_token_management_endpoint(Endpoint.REVOKE)
def revoke(client: Client, token: str) -> JsonResponse:
    try:
        token_revoke(client=client, token=token)
    except GrantError as error:
        return oauth_error(error.error, error.description)
    # RFC 7009 2.2: the same empty 200 whether or not the token was known.
    return json_no_store({})
