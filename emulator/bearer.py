"""The bearer-token check of the emulator's resources (RFC 6750): /userinfo and the two APIs.

A token passes when the emulator signed it with a published key, it has not expired at the
emulator's clock, neither it nor its grant is revoked, and it carries the API's scope.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from emulator.models import AccessToken
from emulator.oauth import REALM, oauth_error
from emulator.selectors import access_token_active

Claims = dict[str, Any]
ProtectedView = Callable[..., HttpResponse]


class BearerTokenRefused(Exception):
    def __init__(
        self,
        *,
        status: int,
        error: str,
        description: str,
        scope: str = "",
        credentials_missing: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.scope = scope
        self.credentials_missing = credentials_missing

    def response(self) -> JsonResponse:
        # RFC 6750 3: the reason goes in WWW-Authenticate; the JSON body repeats it for people
        # reading logs. Descriptions are fixed ASCII without quotes, as the header grammar needs.
        response = oauth_error(self.error, self.description, status=self.status)
        if self.credentials_missing:
            # No credentials at all: RFC 6750 3.1 says the challenge SHOULD NOT carry an error.
            response["WWW-Authenticate"] = f'Bearer realm="{REALM}"'
            return response
        challenge = f'Bearer realm="{REALM}", error="{self.error}"'
        challenge += f', error_description="{self.description}"'
        if self.scope:
            challenge += f', scope="{self.scope}"'
        response["WWW-Authenticate"] = challenge
        return response


def _invalid_token(description: str) -> BearerTokenRefused:
    return BearerTokenRefused(status=401, error="invalid_token", description=description)


def bearer_token(
    request: HttpRequest, *, scope: str, user_bound: bool = False
) -> tuple[Claims, AccessToken]:
    """The claims and record of the request's bearer token, or BearerTokenRefused.

    A user-bound token is one issued to a logged-in citizen: it has `pid`. A server token from
    the JWT grant has none, and an API that answers about "the logged-in user" must refuse it.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise BearerTokenRefused(
            status=401,
            error="invalid_token",
            description="A bearer access token is required.",
            credentials_missing=True,
        )
    active = access_token_active(token=token)
    if active is None:
        raise _invalid_token("The access token is invalid, expired or revoked.")
    claims, record = active
    if scope not in str(claims.get("scope", "")).split():
        raise BearerTokenRefused(
            status=403,
            error="insufficient_scope",
            description=f"The access token lacks the scope {scope}.",
            scope=scope,
        )
    if user_bound and not claims.get("pid"):
        raise BearerTokenRefused(
            status=403,
            error="insufficient_scope",
            description="The access token must belong to a logged-in user; it has no pid.",
            scope=scope,
        )
    return claims, record


def bearer_protected(
    *, scope: str, user_bound: bool = False
) -> Callable[[ProtectedView], Callable[..., HttpResponse]]:
    """Call the view as view(request, claims, ...) only for a token that passes bearer_token."""

    def decorate(view: ProtectedView) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                claims, _ = bearer_token(request, scope=scope, user_bound=user_bound)
            except BearerTokenRefused as refused:
                return refused.response()
            return view(request, claims, *args, **kwargs)

        return wrapper

    return decorate
