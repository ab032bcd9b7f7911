"""RP-initiated logout, with front-channel logout of every SSO client (docs/idporten.md 3.7) and
back-channel logout of those registered for it (docs/idporten.md 8.1)."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from emulator.backchannel import backchannel_logouts_send
from emulator.faults import fault_injectable
from emulator.jose import verified_claims
from emulator.models import Client, SsoSession
from emulator.oauth import with_query
from emulator.selectors import client_get, sso_session_active
from emulator.services import sso_session_end
from emulator.types import Endpoint
from emulator.views.authorize import SSO_SESSION_KEY, error_page

# ID-porten: state "must match ^[\x20-\x7E]+$".
_STATE = re.compile(r"^[\x20-\x7E]+$")


class LogoutRequestError(Exception):
    pass


def _frontchannel_url(client: Client, sid: str) -> str:
    # iss and sid go only to clients registered with frontchannel_logout_session_required.
    if client.frontchannel_logout_session_required:
        return with_query(
            client.frontchannel_logout_uri, {"iss": settings.EMULATOR_ISSUER, "sid": sid}
        )
    return client.frontchannel_logout_uri


def _logout_client(params: dict[str, str]) -> tuple[Client | None, str | None]:
    """The client asking for logout, and the sid its id_token_hint names."""
    hint = params.get("id_token_hint", "")
    claims = verified_claims(hint) if hint else None
    if hint and claims is None:
        raise LogoutRequestError(_("The id_token_hint is not an ID token from this emulator."))
    hinted_client = claims.get("aud") if claims else None
    client_id = params.get("client_id", "") or hinted_client
    if not isinstance(client_id, str) or not client_id:
        return None, None
    if hinted_client and hinted_client != client_id:
        raise LogoutRequestError(_("The id_token_hint was issued to another client."))
    client = client_get(client_id=client_id)
    if client is None:
        raise LogoutRequestError(_("Unknown client_id: the service is not registered."))
    return client, claims.get("sid") if claims else None


@csrf_exempt
@require_http_methods(["GET", "POST"])
@fault_injectable(Endpoint.ENDSESSION)
def endsession(request: HttpRequest) -> HttpResponse:
    params = (request.POST if request.method == "POST" else request.GET).dict()
    try:
        client, hinted_sid = _logout_client(params)
    except LogoutRequestError as error:
        return error_page(request, str(error))
    post_logout_redirect_uri = params.get("post_logout_redirect_uri", "")
    if post_logout_redirect_uri and (
        client is None or post_logout_redirect_uri not in client.post_logout_redirect_uris
    ):
        return error_page(
            request, _("The post_logout_redirect_uri is not registered for this client.")
        )
    state = params.get("state", "")
    if state and not _STATE.match(state):
        return error_page(request, _("The state parameter has characters that are not allowed."))

    sso = sso_session_active(key=request.session.pop(SSO_SESSION_KEY, None))
    if sso is None and hinted_sid:
        sso = SsoSession.objects.filter(sid=hinted_sid, ended_at__isnull=True).first()
    notified = sso_session_end(sso=sso) if sso is not None else []
    if sso is not None:
        # After the session has ended; each client's failure is logged, never ours to show.
        backchannel_logouts_send(sso=sso, clients=notified)
    frames = [
        _frontchannel_url(notified_client, sso.sid)
        for notified_client in notified
        if sso is not None and notified_client.frontchannel_logout_uri
    ]
    next_url = (
        with_query(post_logout_redirect_uri, {"state": state} if state else {})
        if post_logout_redirect_uri
        else ""
    )
    ctx = {"page": "endsession", "frames": frames, "next_url": next_url}
    response = render(request, "emulator/endsession.html", ctx)
    # The logout page starts other sites' logouts: nobody may frame it (clickjacking).
    response["Content-Security-Policy"] = "frame-ancestors 'none'"
    response["Cache-Control"] = "no-store"
    return response
