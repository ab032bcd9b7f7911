"""The debugger page's reading of what emulator/debugger.py recorded: errors in words, every
claim with its meaning, lifetimes, and the checks a relying party must make on an ID token
(docs/idporten.md 3.4 and section 9), with this token's values filled in."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from emulator.debugger import (
    PAGE_ERROR_LOGIN_EXPIRED,
    PAGE_ERROR_LOGIN_REFUSED,
    PAGE_ERROR_LOGIN_UNKNOWN,
    PAGE_ERROR_OTHER,
    PAGE_ERROR_UNKNOWN_CLIENT,
    PAGE_ERROR_UNREGISTERED_REDIRECT_URI,
)
from emulator.models import DebuggerRequest
from emulator.types import (
    EIDAS_ACR,
    EMAIL_ACR,
    EMAIL_LOGIN_ACR,
    NEW_ACR,
    OLD_ACR,
    REQUESTABLE_ACR,
    Level,
)

# The acr values ID-porten issues; idporten-loa-low and Level2 it never does (no eID gives them).
ISSUED_ACR = frozenset((*REQUESTABLE_ACR, *EIDAS_ACR.values(), EMAIL_ACR))
# Every acr a token may carry, old, new and eIDAS names, by level, and the levels acr_values may
# ask for; the levels are ordered (docs/idporten.md 3.2, 8.2): substantial below high.
TOKEN_ACR_LEVELS = {
    name: level for names in (NEW_ACR, OLD_ACR, EIDAS_ACR) for level, name in names.items()
}
REQUESTED_ACR_LEVELS = {**REQUESTABLE_ACR, **EMAIL_LOGIN_ACR}
# What ID-porten logs in at when acr_values is not sent.
DEFAULT_ACR = NEW_ACR[Level.SUBSTANTIAL]

CLAIM_MEANINGS: dict[str, Promise] = {
    "iss": _("Issuer: who made the token. Must be the issuer of the discovery document."),
    "aud": _("Audience: the client the ID token is for. Must contain your client_id."),
    "azp": _("Authorized party: the client the token was issued to, when aud has several."),
    "sub": _("Subject: the person, as a pseudonym of their own for each client."),
    "pid": _("The person's national identity number (here a synthetic one)."),
    "acr": _("The security level of the login. Check that it is one you accept."),
    "amr": _("How the person logged in: the eID used."),
    "auth_time": _("When the person logged in, in seconds since 1970."),
    "iat": _("Issued at, in seconds since 1970."),
    "exp": _("Expires at, in seconds since 1970. Refuse the token after this."),
    "jti": _("The token's unique identifier."),
    "locale": _("The language the person used at the login."),
    "nonce": _("Your nonce from the authorization request. Must equal the one you sent."),
    "sid": _("The single sign-on session: logout messages name it."),
    "email": _("The e-mail address of an e-mail login."),
    "eidas-identitymatch": _("Whether the foreign eID was matched to a Norwegian person."),
    "eidas-personidentifier": _("The foreign eID's identifier of the person."),
    "eidas-firstname": _("The first name, from the foreign eID."),
    "eidas-familyname": _("The family name, from the foreign eID."),
    "eidas-dateofbirth": _("The date of birth, from the foreign eID."),
    "scope": _("The scopes the token grants."),
    "client_id": _("The client the token was issued to."),
    "client_amr": _("How the client authenticated at /token."),
    "client_orgno": _("The organisation number of the client's organisation."),
    "consumer": _("The client's organisation, as an ISO 6523 identifier."),
}
HEADER_MEANINGS: dict[str, Promise] = {
    "alg": _("The signature algorithm. Accept only RS256."),
    "kid": _("The signing key: the key with this kid in /jwk."),
    "typ": _("The token type."),
}

ERROR_MEANINGS: dict[str, Promise] = {
    "invalid_request": _(
        "The request is malformed: a parameter is missing, given twice or has a bad value."
    ),
    "invalid_client": _(
        "Client authentication failed: an unknown client_id, a wrong client secret, or an "
        "authentication method not registered for the client."
    ),
    "invalid_grant": _(
        "The code, refresh token or assertion is not good: see the description for why."
    ),
    "unauthorized_client": _("The client is not registered for this grant type."),
    "unsupported_grant_type": _("The emulator does not know this grant_type."),
    "unsupported_response_type": _("Only response_type=code is supported."),
    "invalid_scope": _(
        "A scope asked for is unknown, not registered for the client, or beyond the grant's."
    ),
    "access_denied": _("The person cancelled the login."),
    "login_required": _("prompt=none, but there was no single sign-on session at this level."),
    "request_not_supported": _("Request objects (the request parameter) are not supported."),
    "request_uri_not_supported": _("The request_uri parameter is not supported."),
    "invalid_token": _("The access token is missing, malformed, badly signed, expired or revoked."),
    "insufficient_scope": _("The access token lacks the scope this endpoint needs."),
}
DESCRIPTION_MEANINGS: dict[str, Promise] = {
    "The authorization code has already been used.": _(
        "The code was used already: a code is good for one token request, and the tokens "
        "issued for it are now revoked."
    ),
    "The authorization code has expired.": _(
        "The code expired: a code lives 60 seconds. Exchange it at once."
    ),
    "Unknown authorization code.": _(
        "The emulator never issued this code to this client: a code from another client or "
        "another emulator, or a truncated one."
    ),
    "redirect_uri does not match the authorization.": _(
        "The redirect_uri differs from the one in the authorization request: send exactly the same."
    ),
    "code_verifier does not match code_challenge.": _(
        "The code_verifier does not belong to the code_challenge of the authorization "
        "request (PKCE S256)."
    ),
    "code_verifier is required (PKCE).": _("The token request lacks the code_verifier (PKCE)."),
}
PAGE_ERROR_MEANINGS: dict[str, Promise] = {
    PAGE_ERROR_UNKNOWN_CLIENT: _(
        "The emulator showed its error page instead of redirecting: the client_id is not "
        "registered."
    ),
    PAGE_ERROR_UNREGISTERED_REDIRECT_URI: _(
        "The emulator showed its error page instead of redirecting: the redirect_uri is not "
        "registered for this client (it must match one exactly)."
    ),
    PAGE_ERROR_OTHER: _(
        "The emulator showed its error page instead of redirecting: client_id or "
        "redirect_uri was given twice."
    ),
    PAGE_ERROR_LOGIN_REFUSED: _(
        "The TestID page did not log the person in: it showed the form again, saying what was "
        "wrong (above, as the page said it). Your service hears nothing until the person "
        "corrects it or cancels."
    ),
    PAGE_ERROR_LOGIN_EXPIRED: _(
        "The login waited at the TestID page for more than 30 minutes and expired: the person "
        "must start again at your service."
    ),
    PAGE_ERROR_LOGIN_UNKNOWN: _(
        "The emulator knows no login with this key: it was completed or cancelled already "
        "(the browser's back button after a login?), or the emulator was reset. The person "
        "must start again at your service."
    ),
}


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    meaning: Promise | str


@dataclass(frozen=True)
class Check:
    rule: Promise
    expected: str
    actual: str
    passed: bool | None  # None: the rule does not apply to this token
    note: Promise | str = ""  # what the verdict means, in words


@dataclass(frozen=True)
class DecodedToken:
    name: Promise
    undecodable: bool
    header: list[Field]
    claims: list[Field]
    lifetime: int | None
    issued_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    checks: list[Check]


@dataclass(frozen=True)
class RequestExplained:
    record: DebuggerRequest
    parameters: list[dict[str, Any]]
    explanation: Promise | None
    tokens: list[DecodedToken]  # the ID token first, with its checks
    refresh_token_expires_in: int | None


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _moment(value: Any) -> datetime.datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


def _id_token_checks(
    claims: dict[str, Any], header: dict[str, Any], token: dict[str, Any], record: DebuggerRequest
) -> list[Check]:
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud] if aud is not None else []
    issued = record.at.timestamp()
    exp, iat = claims.get("exp"), claims.get("iat")
    several = len(audiences) > 1
    return [
        Check(
            _("iss equals the issuer"),
            settings.EMULATOR_ISSUER,
            _shown(claims.get("iss", "")),
            claims.get("iss") == settings.EMULATOR_ISSUER,
        ),
        Check(
            _("aud contains your client_id"),
            record.client_id,
            _shown(aud if aud is not None else ""),
            record.client_id in audiences,
        ),
        Check(
            _("azp is your client_id when aud has several values"),
            record.client_id if several else "",
            _shown(claims.get("azp", "")),
            claims.get("azp") == record.client_id if several else None,
        ),
        Check(
            _("signed with RS256 by the key whose kid is in /jwk"),
            "RS256",
            f"alg={header.get('alg', '')} kid={header.get('kid', '')}",
            bool(token.get("signature_valid")) and header.get("alg") == "RS256",
        ),
        Check(
            _("exp is in the future (when the token arrived)"),
            f"> {int(issued)}",
            _shown(exp if exp is not None else ""),
            isinstance(exp, int | float) and exp > issued,
        ),
        Check(
            _("iat is not in the future"),
            f"<= {int(issued)}",
            _shown(iat if iat is not None else ""),
            isinstance(iat, int | float) and iat <= issued,
        ),
        Check(
            _("nonce equals the one you sent"),
            _shown(token.get("nonce_sent") or ""),
            _shown(claims.get("nonce", "")),
            claims.get("nonce") == token.get("nonce_sent") if token.get("nonce_sent") else None,
        ),
        _acr_check(claims.get("acr"), token.get("acr_values_sent")),
    ]


def _acr_check(acr: Any, sent: str | None) -> Check:
    """Whether the token's acr satisfies the acr_values of its authorization request: any
    of the levels asked for does, so the lowest of them or a higher one (docs/idporten.md 3.2).
    sent is None when the request is not known; then only the acr itself is checked."""
    shown = _shown(acr if acr is not None else "")
    if sent is None:
        return Check(
            _("acr is a level ID-porten issues"),
            " | ".join(sorted(ISSUED_ACR)),
            shown,
            acr in ISSUED_ACR,
            _(
                "The authorization request of this token was not found (it is found by its "
                "nonce), so the acr could not be compared with the acr_values you sent."
            ),
        )
    asked = [name for name in sent.split() if name in REQUESTED_ACR_LEVELS] or [DEFAULT_ACR]
    lowest = min(asked, key=REQUESTED_ACR_LEVELS.__getitem__)
    required = REQUESTED_ACR_LEVELS[lowest]
    accepted = sorted(name for name in ISSUED_ACR if TOKEN_ACR_LEVELS[name] >= required)
    level = TOKEN_ACR_LEVELS.get(acr) if isinstance(acr, str) else None
    request = (
        f"acr_values={sent}"
        if sent
        else _("no acr_values (then ID-porten asks for %(default)s)") % {"default": DEFAULT_ACR}
    )
    words = {"acr": shown or '""', "request": request, "lowest": lowest}
    if level is None:
        note = _("%(acr)s is not an acr ID-porten issues: refuse this login.") % words
    elif level < required:
        note = (
            _(
                "%(acr)s is below what you asked for: you sent %(request)s, so %(lowest)s or "
                "higher. Refuse this login."
            )
            % words
        )
    else:
        note = _("You sent %(request)s, so %(lowest)s or higher; %(acr)s satisfies it.") % words
    return Check(
        _("acr satisfies the acr_values you sent"),
        " | ".join(accepted),
        shown,
        level is not None and level >= required,
        note,
    )


def _decoded(
    name: Promise, token: dict[str, Any], record: DebuggerRequest, *, with_checks: bool
) -> DecodedToken:
    if token.get("undecodable"):
        return DecodedToken(name, True, [], [], None, None, None, [])
    header, claims = token.get("header", {}), token.get("claims", {})
    exp, iat = claims.get("exp"), claims.get("iat")
    numeric = all(isinstance(v, int) and not isinstance(v, bool) for v in (exp, iat))
    return DecodedToken(
        name=name,
        undecodable=False,
        header=[Field(n, _shown(v), HEADER_MEANINGS.get(n, "")) for n, v in header.items()],
        claims=[Field(n, _shown(v), CLAIM_MEANINGS.get(n, "")) for n, v in claims.items()],
        lifetime=exp - iat if numeric else None,
        issued_at=_moment(iat),
        expires_at=_moment(exp),
        checks=_id_token_checks(claims, header, token, record) if with_checks else [],
    )


def _explanation(record: DebuggerRequest) -> Promise | None:
    if record.page_error:
        return PAGE_ERROR_MEANINGS.get(record.page_error)
    if not record.error:
        return None
    return DESCRIPTION_MEANINGS.get(record.error_description) or ERROR_MEANINGS.get(record.error)


def request_explain(record: DebuggerRequest) -> RequestExplained:
    tokens = record.tokens or {}
    refresh = tokens.get("refresh_token") or {}
    return RequestExplained(
        record=record,
        parameters=record.parameters,
        explanation=_explanation(record),
        tokens=[
            _decoded(name, tokens[kind], record, with_checks=kind == "id_token")
            for kind, name in (("id_token", _("ID token")), ("access_token", _("Access token")))
            if kind in tokens
        ],
        refresh_token_expires_in=refresh.get("expires_in"),
    )


def debugger_clients(*, client_id: str | None) -> list[tuple[str, list[RequestExplained]]]:
    """Each client's recorded requests, newest first; clients by name."""
    records = DebuggerRequest.objects.all()
    if client_id is not None:
        records = records.filter(client_id=client_id)
    by_client: dict[str, list[RequestExplained]] = {}
    for record in records:
        by_client.setdefault(record.client_id, []).append(request_explain(record))
    return sorted(by_client.items())
