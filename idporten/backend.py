"""mozilla-django-oidc's backend, with the checks ID-porten clients must make and it does not.

Gaps closed (docs/idporten.md section 9): endpoints from discovery instead of
settings; ID tokens verified in full by idporten.id_token; userinfo `sub` must equal the ID
token's; users matched on `sub` (ID-porten has no e-mail); every failure, including the
library's uncaught JWT errors, ends as a recorded LoginFailure instead of a 500.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from common.cache import cache_forget
from idporten.discovery import (
    IssuerMismatch,
    ProviderMetadata,
    forget_provider_metadata,
    provider_metadata,
)
from idporten.failures import FailureKind, login_failed
from idporten.http import IdPortenUnavailable, get, post_to_token_endpoint
from idporten.id_token import LoginCheckFailed, verify_id_token
from idporten.loginhistory_api import login_records_ahead
from idporten.session import login_details_of, store_login
from idporten.signals import login_verified
from idporten.types import LevelOfAssurance

# An upper bound on how long a change that bypasses the model's signals (a QuerySet.update())
# can go unseen; every save and delete of a user drops the copy at once.
USER_CACHE_SECONDS = 5 * 60


def _user_cache_key(user_id: object) -> str:
    return f"idporten:user:v1:{user_id}"


def _user_fields(model: type[User]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def user_cache_forget(sender: type[User], *, instance: User, **kwargs: Any) -> None:
    """post_save and post_delete of a user: the next request reads the row again. A login
    saves last_login, so every login starts from the database."""
    cache_forget(_user_cache_key(instance.pk))


class IdPortenBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # the library has no stubs
    token_response: dict[str, Any]  # kept by get_token for get_or_create_user

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Not the parent's __init__: it reads endpoints from settings, and Django builds a
        # backend for every request of a logged-in user. Endpoints come from discovery, and
        # only when a login actually happens.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.IDPORTEN_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.IDPORTEN_CLIENT_SECRET

    def authenticate(self, request: HttpRequest | None, **kwargs: object) -> User | None:
        if request is None or "nonce" not in kwargs or "code" not in request.GET:
            return None  # not an ID-porten callback: let the next backend try
        try:
            self.metadata: ProviderMetadata = provider_metadata()
            self.OIDC_OP_TOKEN_ENDPOINT = self.metadata.token_endpoint
            self.OIDC_OP_USER_ENDPOINT = self.metadata.userinfo_endpoint
            user: User | None = super().authenticate(request, **kwargs)
            return user
        except LoginCheckFailed as exc:
            login_failed(request, kind=FailureKind.REFUSED, check=exc.check)
        except IssuerMismatch:
            login_failed(request, kind=FailureKind.MISCONFIGURED, check="issuer_mismatch")
        except (IdPortenUnavailable, ValueError, KeyError) as exc:
            # Timeouts, refused connections, server errors, answers that are not the JSON they
            # should be, and a token response without the tokens it should hold.
            login_failed(request, kind=FailureKind.UNREACHABLE, check=type(exc).__name__)
        # Whatever failed, a stale copy of the metadata may explain it: fetch afresh next time.
        forget_provider_metadata()
        return None

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        # Not the library's own requests.post: through idporten.http, so that the code
        # exchange has the body limit and the circuit breaker of every other call to ID-porten.
        # The client authenticates with client_secret_basic, as the refresh does.
        grant = {name: value for name, value in payload.items() if name != "client_secret"}
        status, body = post_to_token_endpoint(
            self.OIDC_OP_TOKEN_ENDPOINT,
            grant,
            auth=(settings.IDPORTEN_CLIENT_ID, settings.IDPORTEN_CLIENT_SECRET),
        )
        if status != 200:
            raise LoginCheckFailed(f"token_endpoint_{status}", str(body.get("error", "")))
        # Kept whole for get_or_create_user: the library would keep only the ID token.
        self.token_response = body
        return body

    def verify_token(self, token: str, **kwargs: object) -> dict[str, Any]:
        required = getattr(self.request, "idporten_required_level", LevelOfAssurance.SUBSTANTIAL)
        self.verified_claims = verify_id_token(
            token,
            issuer=settings.IDPORTEN_ISSUER,
            client_id=settings.IDPORTEN_CLIENT_ID,
            jwks_uri=self.metadata.jwks_uri,
            nonce=str(kwargs.get("nonce") or ""),
            required_level=required,
        )
        return self.verified_claims

    def store_tokens(self, access_token: str, id_token: str) -> None:
        """Stored in get_or_create_user instead, once userinfo has been checked too. The
        library calls this once the ID token has passed every check, before userinfo: the
        first page's slow lookups start here."""
        self._first_page_ahead(access_token, self.verified_claims)

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        # Through idporten.http too (see get_token). ID-porten's userinfo answers JSON.
        response = get(
            self.OIDC_OP_USER_ENDPOINT,
            upstream="userinfo",
            headers={"Authorization": f"Bearer {access_token}"},
        )
        if response.status_code >= 500:
            raise IdPortenUnavailable(f"userinfo: HTTP {response.status_code}")
        if response.status_code != 200:
            raise LoginCheckFailed(f"userinfo_{response.status_code}")
        try:
            userinfo = response.json()
        except ValueError:
            raise IdPortenUnavailable("userinfo: not JSON") from None
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload["sub"]:
            raise LoginCheckFailed("userinfo_sub")
        # The signed ID token's claims win (pid, acr, amr, sid, auth_time ...): userinfo,
        # unsigned, may only add claims the ID token lacks.
        return {**userinfo, **payload}

    def _first_page_ahead(self, access_token: str, claims: dict[str, Any]) -> None:
        """The first page's slow lookups start now, while userinfo is asked and the session
        made: the login-history API's only for a login with a national identity number (the
        page asks nothing without one) that lands on the history page; the badge's through
        login_verified (authlevel.receivers)."""
        details = login_details_of(claims)
        history_page = reverse(settings.LOGIN_REDIRECT_URL)
        landing = self.request.session.get("oidc_login_next") or history_page
        if details.pid and urlsplit(landing).path == history_page:
            login_records_ahead(access_token)
        login_verified.send(sender=type(self), details=details)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def get_user(self, user_id: int) -> User | None:
        """The logged-in user of a request. With a shared cache, from the cache: every page of
        a logged-in citizen asks, and the user row changes only at a login (see
        user_cache_forget)."""
        if not settings.CACHE_IS_SHARED:
            return self._user_from_database(user_id)
        key = _user_cache_key(user_id)
        cached = cache.get(key)
        fields = _user_fields(self.UserModel)
        if cached is not None and cached[0] == fields:
            user: User = self.UserModel.from_db(DEFAULT_DB_ALIAS, fields, cached[1])
            return user
        found = self._user_from_database(user_id)
        if found is not None:
            # The columns' values, not a pickled model: read back by Model.from_db, as a query
            # would build it, and never by a Django or a model other than the one that wrote it.
            values = [getattr(found, name) for name in fields]
            cache.set(key, (fields, values), USER_CACHE_SECONDS)
        return found

    def _user_from_database(self, user_id: int) -> User | None:
        user: User | None = super().get_user(user_id)
        return user

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return self.UserModel.objects.filter(username=claims["sub"])

    def create_user(self, claims: dict[str, Any]) -> User:
        # `sub` is pairwise and opaque: the user record holds nothing personal.
        return self.UserModel.objects.create_user(username=claims["sub"])

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        user: User | None = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            # Before Django's login(), so that whoever listens to user_logged_in (the
            # caseworker grants) finds the login's details in the session.
            store_login(self.request.session, claims=payload, token_response=self.token_response)
        return user
