"""The userinfo endpoint: `sub`, `pid` and `locale`, nothing more (facts 3.4)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from emulator.faults import fault_injectable, fault_take
from emulator.oauth import json_no_store
from emulator.selectors import access_token_active
from emulator.tokens import pairwise_sub
from emulator.types import Endpoint, UserinfoFault


def _bearer_error(error: str, description: str, status: int) -> JsonResponse:
    # RFC 6750 3: the error goes in the WWW-Authenticate header.
    response = json_no_store({"error": error, "error_description": description}, status=status)
    response["WWW-Authenticate"] = f'Bearer error="{error}", error_description="{description}"'
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
@fault_injectable(Endpoint.USERINFO)
def userinfo(request: HttpRequest) -> JsonResponse:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        response = json_no_store({"error": "invalid_request"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="idporten-emulator"'
        return response
    active = access_token_active(token=token.strip())
    if active is None:
        return _bearer_error("invalid_token", "The access token is invalid or expired.", 401)
    claims, record = active
    if "profile" not in claims["scope"].split():
        return _bearer_error("insufficient_scope", "The profile scope is required.", 403)
    grant = record.grant
    sub = claims["sub"]
    if fault_take(endpoint=Endpoint.USERINFO, among=tuple(UserinfoFault)) is not None:
        sub = pairwise_sub(client_id=f"not-{claims['client_id']}", pid=grant.pid)
    return json_no_store({"sub": sub, "pid": grant.pid, "locale": grant.locale})
