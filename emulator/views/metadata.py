"""Discovery and the key set (docs/idporten.md 3.1)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from emulator.faults import fault_injectable
from emulator.keys import jwks
from emulator.types import REQUESTABLE_ACR, UI_LOCALES, ApiScope, Endpoint

# The emulator must never pass for ID-porten: its discovery document says what it is, in a
# member of its own (OpenID Connect Discovery 1.0, section 3, allows additional members) and in
# service_documentation, the page for people (emulator/templates/emulator/home.html).
EMULATOR_MARKER = "Local ID-porten emulator for development and tests; not ID-porten"


def _metadata(issuer: str) -> dict[str, object]:
    return {
        "emulator": EMULATOR_MARKER,
        "service_documentation": f"{issuer}/",
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwk",
        "end_session_endpoint": f"{issuer}/endsession",
        "revocation_endpoint": f"{issuer}/revoke",
        "introspection_endpoint": f"{issuer}/tokeninfo",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        # Absent, both would mean true (Discovery 1.0 3): say that request objects are not.
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
        ],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "profile", *ApiScope],
        "claims_supported": [
            "iss",
            "aud",
            "sub",
            "pid",
            "acr",
            "amr",
            "auth_time",
            "iat",
            "exp",
            "jti",
            "nonce",
            "locale",
            "sid",
        ],
        "acr_values_supported": list(REQUESTABLE_ACR),
        "ui_locales_supported": list(UI_LOCALES),
        "prompt_values_supported": ["login", "none"],
        "code_challenge_methods_supported": ["S256"],
        "frontchannel_logout_supported": True,
        "frontchannel_logout_session_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "authorization_response_iss_parameter_supported": True,
    }


@require_GET
@fault_injectable(Endpoint.DISCOVERY)
def discovery(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_metadata(settings.EMULATOR_ISSUER))


@require_GET
@fault_injectable(Endpoint.JWK)
def jwk(request: HttpRequest) -> JsonResponse:
    return JsonResponse(jwks())
