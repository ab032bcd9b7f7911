"""/authorize and the TestID login page (docs/idporten.md 3.2).

The authorization request is validated once, stored as a PendingAuthorization, and the browser
is sent to /login/<key>, as the real ID-porten sends it on to its login pages. Scripts can then
post `pid` and `eid` to that URL without parsing any HTML, or skip the page altogether with the
headless TestID login of ID-porten's test environments, `login_hint=testid:<pid>_<acr>`
(docs/idporten.md 8.5).
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.forms import national_identity_number_from
from emulator.clock import now
from emulator.debugger import debugger_login_recorded
from emulator.faults import fault_injectable, fault_take
from emulator.forms import LEVEL_NAMES, TestIdLoginForm, level_description
from emulator.models import Client, PendingAuthorization, SsoSession
from emulator.oauth import with_query
from emulator.persona_config import extra_personas
from emulator.personas import PERSONAS, PERSONAS_WITHOUT_PID, persona_without_pid
from emulator.pkce import pkce_challenge_is_well_formed
from emulator.selectors import client_get, pending_authorization_get, sso_session_active
from emulator.services import (
    authorization_complete,
    pending_authorization_create,
    sso_session_start,
)
from emulator.tokens import WRONG_ISSUER
from emulator.types import (
    EIDAS,
    EIDS,
    EIDS_BY_CHOICE,
    EMAIL_LOGIN_ACR,
    FEDERATED,
    OLD_ACR,
    REQUESTABLE_ACR,
    TESTID,
    UI_LOCALES,
    AuthorizeFault,
    Endpoint,
    Level,
)

SSO_SESSION_KEY = "emulator_sso"
PROMPTS = {"login", "none"}


class AuthorizationError(Exception):
    """An error the client hears about at its (already trusted) redirect URI."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def _redirect_to_client(
    redirect_uri: str, params: dict[str, str], *, issuer: str | None = None, iss: bool = True
) -> HttpResponseRedirect:
    # RFC 9207: the response names its issuer, so a client can tell mixed-up providers apart.
    if iss:
        params = {**params, "iss": issuer or settings.EMULATOR_ISSUER}
    return HttpResponseRedirect(with_query(redirect_uri, params))


def _error_redirect(redirect_uri: str, state: str, error: AuthorizationError) -> HttpResponse:
    params = {"error": error.error, "error_description": error.description}
    if state:
        params["state"] = state
    return _redirect_to_client(redirect_uri, params)


def _code_redirect(pending: PendingAuthorization, code: str) -> HttpResponse:
    params = {"code": code}
    if pending.state:
        params["state"] = pending.state
    fault = fault_take(endpoint=Endpoint.AUTHORIZE, among=tuple(AuthorizeFault))
    kind = fault.fault if fault else None
    return _redirect_to_client(
        pending.redirect_uri,
        params,
        issuer=WRONG_ISSUER if kind == AuthorizeFault.WRONG_ISS_PARAM else None,
        iss=kind != AuthorizeFault.NO_ISS_PARAM,
    )


def error_page(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return render(
        request, "emulator/error.html", {"page": "error", "message": message}, status=status
    )


ACR_LEVELS = {**REQUESTABLE_ACR, **EMAIL_LOGIN_ACR}
TESTID_HINT = "testid:"
# The old platform's login_hint for a foreign eID (docs/idporten.md 3.2).
EIDAS_HINT = "eidas:true"


def _requested_level(acr_values: str) -> tuple[Level, bool]:
    """The lowest requested level (any of them satisfies the client) and the vocabulary.
    selfregistered-email is the lowest of all: with it, an e-mail login satisfies the client."""
    names = acr_values.split()
    unknown = [name for name in names if name not in ACR_LEVELS]
    if unknown:
        raise AuthorizationError("invalid_request", f"Unsupported acr_values: {' '.join(unknown)}")
    if not names:
        return Level.SUBSTANTIAL, False
    old_vocabulary = any(name in OLD_ACR.values() for name in names if name in REQUESTABLE_ACR)
    return min(ACR_LEVELS[name] for name in names), old_vocabulary


def _headless_testid(login_hint: str) -> tuple[str, Level] | None:
    """The synthetic person and level of `login_hint=testid:<pid>_<acr>` (docs/idporten.md
    8.5), or None for any other hint (such as eIDAS's `eidas:true`), which changes nothing.

    As in ID-porten's test environments: only synthetic numbers (Tenor's, month + 80,
    docs/idporten.md 6.4), and an acr a TestID login can give (substantial or high, old or
    new name). Anything else is the client's invalid_request.
    """
    if not login_hint.startswith(TESTID_HINT):
        return None
    pid, separator, acr = login_hint.removeprefix(TESTID_HINT).partition("_")
    if not separator or not pid or not acr:
        raise AuthorizationError(
            "invalid_request",
            "login_hint must be testid:<pid>_<acr>, such as testid:<11 digits>_idporten-loa-high.",
        )
    try:
        number = national_identity_number_from(pid)
    except ValidationError:
        raise AuthorizationError(
            "invalid_request", "The login_hint's pid is not a valid national identity number."
        ) from None
    if not number.synthetic:
        raise AuthorizationError(
            "invalid_request",
            "The login_hint's pid must be a synthetic test number (Tenor: month + 80).",
        )
    level = REQUESTABLE_ACR.get(acr)
    if level is None:
        raise AuthorizationError(
            "invalid_request",
            f"Unsupported acr in login_hint: {acr} (idporten-loa-substantial, idporten-loa-high,"
            " Level3 or Level4).",
        )
    return number.value, level


def _locale(ui_locales: str) -> str:
    return next((tag for tag in ui_locales.split() if tag in UI_LOCALES), "nb")


def _validated_pending(params: dict[str, str], client: Client) -> PendingAuthorization:
    if params.get("response_type") != "code":
        raise AuthorizationError("unsupported_response_type", "Only response_type=code.")
    if params.get("response_mode", "query") != "query":
        raise AuthorizationError("invalid_request", "Only response_mode=query is supported.")
    scopes = params.get("scope", "").split()
    if "openid" not in scopes:
        raise AuthorizationError("invalid_scope", "The openid scope is required.")
    not_allowed = [scope for scope in scopes if scope not in client.scopes]
    if not_allowed:
        raise AuthorizationError(
            "invalid_scope", f"Scopes not registered for the client: {' '.join(not_allowed)}"
        )
    challenge = params.get("code_challenge", "")
    if not challenge:
        raise AuthorizationError("invalid_request", "code_challenge is required (PKCE).")
    if params.get("code_challenge_method") != "S256":
        raise AuthorizationError("invalid_request", "code_challenge_method must be S256.")
    if not pkce_challenge_is_well_formed(challenge):
        raise AuthorizationError("invalid_request", "code_challenge is not a S256 challenge.")
    prompts = set(params.get("prompt", "").split())
    if not prompts <= PROMPTS or prompts == PROMPTS:
        raise AuthorizationError("invalid_request", "prompt must be login or none.")
    level, old_vocabulary = _requested_level(params.get("acr_values", ""))
    return pending_authorization_create(
        client=client,
        redirect_uri=params["redirect_uri"],
        scope=" ".join(scopes),
        state=params.get("state", ""),
        nonce=params.get("nonce", ""),
        code_challenge=challenge,
        level=level,
        old_acr_vocabulary=old_vocabulary,
        locale=_locale(params.get("ui_locales", "")),
    )


def _request_parameters(request: HttpRequest) -> tuple[dict[str, str], list[str]]:
    """The authorization request's parameters, from the query or a form POST (Core 3.1.2.1:
    both MUST be supported), and the names given more than once (RFC 6749 3.1: an error)."""
    query = request.POST if request.method == "POST" else request.GET
    repeated = sorted(name for name, values in query.lists() if len(values) > 1)
    return query.dict(), repeated


def _max_age(params: dict[str, str]) -> int | None:
    value = params.get("max_age", "")
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise AuthorizationError("invalid_request", "max_age must be a whole number of seconds.")
    return int(value)


def _unsupported_request_objects(params: dict[str, str]) -> None:
    # Core 6: a provider without request objects MUST answer these errors, never ignore them
    # (discovery says request_parameter_supported and request_uri_parameter_supported: false).
    if "request" in params:
        raise AuthorizationError("request_not_supported", "Request objects are not supported.")
    if "request_uri" in params:
        raise AuthorizationError("request_uri_not_supported", "request_uri is not supported.")


# The authorization endpoint takes a form POST from any page (Core 3.1.2.1), so no CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@fault_injectable(Endpoint.AUTHORIZE)
def authorize(request: HttpRequest) -> HttpResponse:
    params, repeated = _request_parameters(request)
    if params.get("ui_locales"):
        _activate_page_language(_locale(params["ui_locales"]), request)
    client = client_get(client_id=params.get("client_id", ""))
    if client is None:
        return error_page(request, _("Unknown client_id: the service is not registered."))
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in client.redirect_uris:
        # Never redirect to an unregistered URI: that would make the emulator an open redirect.
        return error_page(request, _("The redirect_uri is not registered for this client."))
    if "client_id" in repeated or "redirect_uri" in repeated:
        return error_page(request, _("client_id and redirect_uri must each be given once."))
    state = params.get("state", "")
    try:
        if repeated:
            raise AuthorizationError(
                "invalid_request", f"Parameters given more than once: {' '.join(repeated)}"
            )
        _unsupported_request_objects(params)
        max_age = _max_age(params)
        headless = _headless_testid(params.get("login_hint", ""))
        pending = _validated_pending(params, client)
        if headless is not None and headless[1] < pending.level:
            pending.delete()
            raise AuthorizationError(
                "invalid_request", "The login_hint's acr is below the requested acr_values."
            )
    except AuthorizationError as error:
        return _error_redirect(redirect_uri, state, error)
    if headless is not None:
        return _headless_login(request, pending, pid=headless[0], level=headless[1])

    # Read as validated: a space-separated set, so "none none" is prompt=none too.
    prompts = set(params.get("prompt", "").split())
    sso = sso_session_active(key=request.session.get(SSO_SESSION_KEY))
    # max_age (Core 3.1.2.1): a login older than that many seconds must be made again.
    fresh = sso is not None and (
        max_age is None or (now() - sso.auth_time).total_seconds() <= max_age
    )
    sso_suffices = sso is not None and fresh and sso.level >= pending.level
    if "none" in prompts and not sso_suffices:
        pending.delete()
        return _error_redirect(
            redirect_uri,
            state,
            AuthorizationError("login_required", "No single sign-on session at this level."),
        )
    if sso_suffices and "login" not in prompts:
        # sso_suffices: there is one.
        code = authorization_complete(pending=pending, sso=cast(SsoSession, sso), eid=FEDERATED)
        return _code_redirect(pending, code)
    login_page = redirect("testid-login", key=pending.key)
    if params.get("login_hint") == EIDAS_HINT:
        # The old platform's hint for a foreign eID: the TestID page opens with eIDAS chosen.
        login_page["Location"] = with_query(login_page["Location"], {"eid": EIDAS.choice})
    return login_page


def _headless_login(
    request: HttpRequest, pending: PendingAuthorization, *, pid: str, level: Level
) -> HttpResponse:
    """The synthetic person is logged in at once, with TestID, as if the TestID page had been
    submitted: a new SSO session (so logout and single sign-on work as after any login), the
    login log's row, and the code. Scopes are granted as asked; the emulator never asks for
    consent."""
    sso = sso_session_start(pid=pid, level=level, amr=TESTID.amr)
    request.session[SSO_SESSION_KEY] = sso.key
    code = authorization_complete(pending=pending, sso=sso, eid=TESTID.log_name)
    return _code_redirect(pending, code)


def _activate_page_language(locale: str, request: HttpRequest) -> None:
    # Sami (se) is accepted as ID-porten accepts it; the page itself falls back to bokmål.
    translation.activate("nb" if locale == "se" else locale)
    request.LANGUAGE_CODE = translation.get_language()


# The unguessable key in the URL binds the form to one authorization request, which is what a
# CSRF token would do; exempting it lets scripts log in with a plain POST.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@debugger_login_recorded
def login(request: HttpRequest, key: str) -> HttpResponse:
    pending = pending_authorization_get(key=key)
    if pending is None:
        return error_page(
            request,
            _("This login has expired or is unknown. Go back to the service and log in again."),
            status=404,
        )
    _activate_page_language(pending.locale, request)
    required = Level(pending.level)
    if request.method == "POST" and "cancel" in request.POST:
        state = pending.state
        pending.delete()
        return _error_redirect(
            pending.redirect_uri,
            state,
            AuthorizationError("access_denied", "The user cancelled the login."),
        )
    if request.method == "POST":
        data = request.POST.copy()
        persona = data.get("persona")
        without_pid = persona_without_pid(persona or "")
        if without_pid is not None:
            # One click logs in as that person, with the eID they have.
            data["person"], data["eid"] = without_pid.key, without_pid.eid
        elif persona:
            data["pid"] = persona
        form = TestIdLoginForm(data, required_level=required)
        if form.is_valid():
            eid = form.chosen_eid()
            sso = sso_session_start(
                pid=form.person_key(),
                level=form.cleaned_data["login_level"],
                amr=eid.amr,
            )
            request.session[SSO_SESSION_KEY] = sso.key
            code = authorization_complete(pending=pending, sso=sso, eid=eid.log_name)
            return _code_redirect(pending, code)
        status = 400
    else:
        chosen = request.GET.get("eid", "")
        form = TestIdLoginForm(
            initial={
                "eid": chosen if chosen in EIDS_BY_CHOICE else EIDS[0].choice,
                "level": LEVEL_NAMES.get(required, "substantial"),
            },
            required_level=required,
        )
        status = 200
    ctx = {
        "page": "login",
        "form": form,
        "client": pending.client,
        "required_level": level_description(required),
        "email_allowed": required == Level.SELF_REGISTERED,
        "personas": (*PERSONAS, *extra_personas()),
        "personas_without_pid": PERSONAS_WITHOUT_PID,
    }
    # A TemplateResponse: the debugger reads why a form was refused from its form.
    return TemplateResponse(request, "emulator/login.html", ctx, status=status)
