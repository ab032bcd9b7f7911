"""OAuth 2.0 plumbing shared by the token, introspection and revocation endpoints."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any
from urllib.parse import unquote_plus, urlencode

from django.http import HttpRequest, JsonResponse

from emulator.models import Client
from emulator.selectors import client_get


class ClientAuthenticationError(Exception):
    pass


def json_no_store(data: Any, *, status: int = 200) -> JsonResponse:
    """Token responses must not be cached (RFC 6749 5.1)."""
    response = JsonResponse(data, status=status, safe=False)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


# The realm of every WWW-Authenticate challenge the emulator sends.
REALM = "idporten-emulator"


def with_query(uri: str, params: dict[str, str]) -> str:
    """`uri` with `params` added to whatever query it already has."""
    if not params:
        return uri
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}"


def oauth_error(error: str, description: str, *, status: int = 400) -> JsonResponse:
    return json_no_store({"error": error, "error_description": description}, status=status)


def invalid_client(description: str) -> JsonResponse:
    # RFC 6749 5.2: 401 with a WWW-Authenticate header naming the scheme the client may use.
    response = oauth_error("invalid_client", description, status=401)
    response["WWW-Authenticate"] = f'Basic realm="{REALM}"'
    return response


def basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ClientAuthenticationError("Malformed Basic credentials.") from None
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        raise ClientAuthenticationError("Malformed Basic credentials.")
    # RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
    return unquote_plus(client_id), unquote_plus(secret)


def client_authenticate(request: HttpRequest) -> tuple[Client, str]:
    """The authenticated client and its method (the access token's `client_amr`)."""
    basic = basic_credentials(request)
    if basic is not None:
        client_id, secret = basic
        method = "client_secret_basic"
    elif "client_secret" in request.POST:
        client_id = request.POST.get("client_id", "")
        secret = request.POST.get("client_secret", "")
        method = "client_secret_post"
    else:
        raise ClientAuthenticationError("Client authentication is required.")
    client = client_get(client_id=client_id)
    if client is None or not hmac.compare_digest(
        client.client_secret.encode("utf-8"), secret.encode("utf-8")
    ):
        raise ClientAuthenticationError("Unknown client or wrong client secret.")
    if method not in client.token_endpoint_auth_methods:
        raise ClientAuthenticationError(f"The client is not registered for {method}.")
    return client, method
