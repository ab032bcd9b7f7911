"""The userinfo endpoint: `sub`, `pid` and `locale`, nothing more (docs/idporten.md 3.4)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from emulator.bearer import BearerTokenRefused, bearer_token
from emulator.faults import fault_injectable, fault_take
from emulator.oauth import json_no_store
from emulator.tokens import pairwise_sub
from emulator.types import Endpoint, UserinfoFault


@csrf_exempt
@require_http_methods(["GET", "POST"])
@fault_injectable(Endpoint.USERINFO)
def userinfo(request: HttpRequest) -> JsonResponse:
    # The APIs' bearer check (RFC 6750), refusals and all; it needs the record for the grant's
    # locale, which the access token does not carry.
    try:
        claims, record = bearer_token(request, scope="profile", user_bound=True)
    except BearerTokenRefused as refused:
        return refused.response()
    grant = record.grant
    sub = claims["sub"]
    if fault_take(endpoint=Endpoint.USERINFO, among=tuple(UserinfoFault)) is not None:
        sub = pairwise_sub(client_id=f"not-{claims['client_id']}", pid=grant.pid)
    return json_no_store({"sub": sub, "pid": grant.pid, "locale": grant.locale})
