"""Discovery metadata, the key set, and key rotation with a grace period."""

from __future__ import annotations

import jwt
import requests

from tests.emulator.support import PORTAL_CLIENT, Emulator, EmulatorServer, decode_verified


def test_discovery_names_id_portens_endpoints_and_capabilities(emulator: Emulator) -> None:
    metadata = requests.get(f"{emulator.url}/.well-known/openid-configuration", timeout=5).json()

    assert metadata["issuer"] == emulator.issuer
    assert metadata["authorization_endpoint"] == f"{emulator.issuer}/authorize"
    assert metadata["token_endpoint"] == f"{emulator.issuer}/token"
    assert metadata["jwks_uri"] == f"{emulator.issuer}/jwk"
    assert metadata["end_session_endpoint"] == f"{emulator.issuer}/endsession"
    assert metadata["revocation_endpoint"] == f"{emulator.issuer}/revoke"
    assert metadata["introspection_endpoint"] == f"{emulator.issuer}/tokeninfo"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["response_types_supported"] == ["code"]
    assert set(metadata["acr_values_supported"]) == {
        "idporten-loa-substantial",
        "idporten-loa-high",
        "Level3",
        "Level4",
    }
    assert metadata["ui_locales_supported"] == ["nb", "nn", "en", "se"]
    assert metadata["frontchannel_logout_supported"] is True
    assert metadata["frontchannel_logout_session_supported"] is True
    assert metadata["authorization_response_iss_parameter_supported"] is True


def test_the_key_set_publishes_rs256_keys_with_kid(emulator: Emulator) -> None:
    keys = emulator.jwks()["keys"]

    assert keys
    assert all(key["kty"] == "RSA" and key["alg"] == "RS256" and key["kid"] for key in keys)
    assert all("d" not in key for key in keys), "private key material must never be published"


def test_a_rotated_key_still_verifies_during_its_grace_period_and_then_disappears(
    emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    before = emulator.code_flow().tokens["id_token"]
    old_kid = decode_kid(before)

    rotated = emulator_server.manage("emulator_rotate_keys", "--grace-hours=1")
    assert rotated.returncode == 0, rotated.stderr

    after = emulator.code_flow().tokens["id_token"]
    assert decode_kid(after) != old_kid
    published = {key["kid"] for key in emulator.jwks()["keys"]}
    assert {old_kid, decode_kid(after)} <= published
    assert decode_verified(emulator, before, audience=PORTAL_CLIENT.client_id)["pid"]

    emulator.shift_clock(3601)
    assert old_kid not in {key["kid"] for key in emulator.jwks()["keys"]}


def decode_kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]
