"""Fault injection: every fault really produces what its name says, and only N times."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
import requests

from tests.emulator.support import (
    PORTAL_CLIENT,
    Emulator,
    authorization_request,
    authorize,
    decode_verified,
    redirect_params,
    submit_login,
)

ENDPOINT_REQUESTS = {
    "discovery": ("GET", "/.well-known/openid-configuration"),
    "jwk": ("GET", "/jwk"),
    "token": ("POST", "/token"),
    "userinfo": ("GET", "/userinfo"),
    "tokeninfo": ("POST", "/tokeninfo"),
    "revoke": ("POST", "/revoke"),
    "endsession": ("GET", "/endsession"),
    "authorize": ("GET", "/authorize"),
}


def _hit(emulator: Emulator, endpoint: str, **kwargs: Any) -> requests.Response:
    method, path = ENDPOINT_REQUESTS[endpoint]
    return requests.request(
        method, f"{emulator.url}{path}", allow_redirects=False, timeout=10, **kwargs
    )


@pytest.mark.parametrize("endpoint", sorted(ENDPOINT_REQUESTS))
@pytest.mark.parametrize("status", [500, 502, 503])
def test_an_http_fault_answers_that_status_count_times_then_recovers(
    emulator: Emulator, endpoint: str, status: int
) -> None:
    emulator.fault(endpoint, f"http_{status}", count=2)

    assert _hit(emulator, endpoint).status_code == status
    assert _hit(emulator, endpoint).status_code == status
    assert _hit(emulator, endpoint).status_code != status


def test_malformed_json_is_not_json(emulator: Emulator) -> None:
    emulator.fault("discovery", "malformed_json")

    response = _hit(emulator, "discovery")

    assert response.headers["Content-Type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert _hit(emulator, "discovery").json()["issuer"] == emulator.issuer


def test_latency_delays_the_real_answer(emulator: Emulator) -> None:
    emulator.fault("jwk", "latency", seconds=0.6)

    started = time.monotonic()
    response = _hit(emulator, "jwk")

    assert time.monotonic() - started >= 0.6
    assert response.json()["keys"]


def test_a_dropped_connection_gives_no_http_answer_at_all(emulator: Emulator) -> None:
    emulator.fault("token", "drop_connection")

    with pytest.raises(requests.ConnectionError):
        _hit(emulator, "token", data={"grant_type": "authorization_code"})
    assert _hit(emulator, "token").status_code == 400


def test_an_empty_body_is_a_200_with_nothing_in_it(emulator: Emulator) -> None:
    emulator.fault("userinfo", "empty_body")

    response = _hit(emulator, "userinfo")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.content == b""


def test_a_huge_body_goes_on_past_any_sane_limit(emulator: Emulator) -> None:
    emulator.fault("discovery", "huge_body")

    with _hit(emulator, "discovery", stream=True) as response:
        read = 0
        for chunk in response.iter_content(1024 * 1024):
            read += len(chunk)
            if read > 32 * 1024 * 1024:
                break
    assert read > 32 * 1024 * 1024
    assert _hit(emulator, "discovery").json()["issuer"] == emulator.issuer


def _b64_json(segment: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _faulty_id_token(emulator: Emulator, fault: str) -> tuple[str, dict[str, Any], str]:
    emulator.fault("token", fault)
    result = emulator.code_flow(acr_values="idporten-loa-substantial")
    token = result.tokens["id_token"]
    header_segment, payload_segment, _ = token.split(".")
    return (
        token,
        {**_b64_json(header_segment), "payload": _b64_json(payload_segment)},
        (result.request.nonce),
    )


def _verify(emulator: Emulator, token: str) -> dict[str, Any]:
    return decode_verified(emulator, token, audience=PORTAL_CLIENT.client_id)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("wrong_iss", jwt.InvalidIssuerError),
        ("wrong_aud", jwt.InvalidAudienceError),
        ("missing_aud", jwt.MissingRequiredClaimError),
        ("iat_in_future", jwt.ImmatureSignatureError),
        ("expired", jwt.ExpiredSignatureError),
        ("bad_signature", jwt.InvalidSignatureError),
    ],
)
def test_a_faulty_id_token_fails_the_check_its_fault_is_named_for(
    emulator: Emulator, fault: str, error: type[jwt.PyJWTError]
) -> None:
    token, _, _ = _faulty_id_token(emulator, fault)
    with pytest.raises(error):
        _verify(emulator, token)


def test_multiple_aud_without_azp(emulator: Emulator) -> None:
    token, parts, _ = _faulty_id_token(emulator, "multiple_aud_without_azp")
    payload = parts["payload"]
    assert len(payload["aud"]) == 2 and PORTAL_CLIENT.client_id in payload["aud"]
    assert "azp" not in payload
    # The signature is good: only the OIDC rule on aud and azp catches it.
    assert _verify(emulator, token)["pid"]


@pytest.mark.parametrize(("fault", "claim"), [("missing_sub", "sub"), ("missing_iat", "iat")])
def test_missing_claims(emulator: Emulator, fault: str, claim: str) -> None:
    token, parts, _ = _faulty_id_token(emulator, fault)
    assert claim not in parts["payload"]
    assert _verify(emulator, token)["pid"], "signed correctly, so only a claim check finds it"


def test_alg_none(emulator: Emulator) -> None:
    token, parts, _ = _faulty_id_token(emulator, "alg_none")
    assert parts["alg"] == "none"
    assert token.endswith(".")
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(token, options={"verify_signature": True}, algorithms=["RS256"], key="x")


def test_alg_hs256_is_signed_with_the_client_secret(emulator: Emulator) -> None:
    token, parts, _ = _faulty_id_token(emulator, "alg_hs256")
    assert parts["alg"] == "HS256"
    claims = jwt.decode(
        token, PORTAL_CLIENT.client_secret, algorithms=["HS256"], audience=PORTAL_CLIENT.client_id
    )
    assert claims["pid"]
    with pytest.raises(jwt.InvalidAlgorithmError):
        _verify(emulator, token)


def test_no_kid(emulator: Emulator) -> None:
    token, parts, _ = _faulty_id_token(emulator, "no_kid")
    assert "kid" not in parts
    # Signed by a published key: only a relying party that insists on `kid` notices.
    verified = []
    for key in emulator.jwks()["keys"]:
        try:
            verified.append(
                jwt.decode(
                    token, jwt.PyJWK(key).key, algorithms=["RS256"], options={"verify_aud": False}
                )
            )
        except jwt.InvalidSignatureError:
            continue
    assert len(verified) == 1


def test_unknown_kid_is_signed_by_a_key_that_is_not_published(emulator: Emulator) -> None:
    token, parts, _ = _faulty_id_token(emulator, "unknown_kid")
    published = emulator.jwks()["keys"]
    assert parts["kid"] not in {key["kid"] for key in published}
    for key in published:
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(
                token, jwt.PyJWK(key).key, algorithms=["RS256"], options={"verify_aud": False}
            )


def test_nonce_mismatch(emulator: Emulator) -> None:
    token, _, nonce = _faulty_id_token(emulator, "nonce_mismatch")
    assert _verify(emulator, token)["nonce"] != nonce


@pytest.mark.parametrize(
    ("fault", "acr"), [("acr_unknown", "idporten-loa-unknown"), ("acr_too_low", "idporten-loa-low")]
)
def test_acr_faults(emulator: Emulator, fault: str, acr: str) -> None:
    token, _, _ = _faulty_id_token(emulator, fault)
    assert _verify(emulator, token)["acr"] == acr


def test_an_id_token_fault_is_used_up_after_count_tokens(emulator: Emulator) -> None:
    emulator.fault("token", "wrong_iss", count=1)
    emulator.code_flow()

    assert emulator.faults() == []
    assert _verify(emulator, emulator.code_flow().tokens["id_token"])["pid"]


def test_wrong_iss_param_in_the_authorization_response(emulator: Emulator) -> None:
    emulator.fault("authorize", "wrong_iss_param")
    browser = requests.Session()
    page = authorize(emulator, browser, authorization_request())

    callback = redirect_params(submit_login(browser, page, pid="15878510035", eid="TestID"))

    assert callback["code"]
    assert callback["iss"] != emulator.issuer


def test_userinfo_sub_mismatch(emulator: Emulator) -> None:
    tokens = emulator.code_flow().tokens
    emulator.fault("userinfo", "sub_mismatch")

    userinfo = requests.get(
        f"{emulator.url}/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    ).json()

    assert userinfo["sub"] != _verify(emulator, tokens["id_token"])["sub"]


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "nowhere", "fault": "http_500"},
        {"endpoint": "jwk", "fault": "wrong_iss"},
        {"endpoint": "token", "fault": "sub_mismatch"},
        {"endpoint": "token", "fault": "http_500", "count": 0},
        {"endpoint": "jwk", "fault": "latency", "seconds": "slow"},
    ],
)
def test_the_control_api_refuses_a_fault_that_does_not_exist(
    emulator: Emulator, body: dict[str, Any]
) -> None:
    response = requests.post(f"{emulator.url}/_emulator/faults", json=body, timeout=5)

    assert response.status_code == 400
    assert response.json()["error"]


def test_the_control_api_lists_and_clears_faults(emulator: Emulator) -> None:
    emulator.fault("jwk", "http_503", count=3)
    assert emulator.faults() == [
        {"endpoint": "jwk", "fault": "http_503", "remaining": 3, "seconds": 0.0}
    ]

    emulator.clear_faults()

    assert emulator.faults() == []
