"""The userinfo endpoint: `sub`, `pid` and `locale`, nothing more (docs/idporten.md 3.4); for a
login without a national identity number (docs/idporten.md 8.3) no `pid`, and an e-mail
login's `email`, as its ID token has."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from emulator.bearer import BearerTokenRefused, bearer_token
from emulator.faults import fault_injectable, fault_take
from emulator.oauth import json_no_store
from emulator.personas import persona_without_pid
from emulator.tokens import pairwise_sub
from emulator.types import Endpoint, UserinfoFault


@csrf_exempt
@require_http_methods(["GET", "POST"])
@fault_injectable(Endpoint.USERINFO)
def userinfo(request: HttpRequest) -> JsonResponse:
    # The APIs' bearer check (RFC 6750), refusals and all; it needs the record for the grant's
    # locale, which the access token does not carry. A citizen's token is one with a `sub`:
    # a login without a pid has one too, and only a server token (JWT grant) has none.
    try:
        claims, record = bearer_token(request, scope="profile")
        if not claims.get("sub"):
            raise BearerTokenRefused(
                status=403,
                error="insufficient_scope",
                description="The access token must belong to a logged-in user; it has no sub.",
                scope="profile",
            )
    except BearerTokenRefused as refused:
        return refused.response()
    grant = record.grant
    sub = claims["sub"]
    if fault_take(endpoint=Endpoint.USERINFO, among=tuple(UserinfoFault)) is not None:
        sub = pairwise_sub(client_id=f"not-{claims['client_id']}", pid=grant.pid)
    person = persona_without_pid(grant.pid)
    if person is None:
        return json_no_store({"sub": sub, "pid": grant.pid, "locale": grant.locale})
    answer = {"sub": sub, "locale": grant.locale}
    if person.is_email:
        answer["email"] = person.subject
    return json_no_store(answer)
