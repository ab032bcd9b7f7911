"""Every check of idporten.id_token, with real RS256 keys and the JWKS stubbed at
idporten.http.SESSION.get.

The end-to-end tests make the emulator misbehave for the same checks; these cover the edges
an OP will rarely produce (no kid with one or several keys, clock skew, azp).
"""

from __future__ import annotations

import json
import time
from unittest import mock

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache

from idporten.id_token import LoginCheckFailed, verify_id_token
from idporten.types import LevelOfAssurance

ISSUER = "https://idporten.example"
CLIENT = "our-client"
JWKS_URI = f"{ISSUER}/jwk"
NONCE = "n-0S6_WzA2Mj"


def make_key(kid: str) -> tuple[rsa.RSAPrivateKey, dict]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return private, {**public, "kid": kid, "use": "sig", "alg": "RS256"}


KEY_A, JWK_A = make_key("a")
KEY_B, JWK_B = make_key("b")


class FakeResponse:
    status_code = 200

    def __init__(self, body: dict) -> None:
        self.body = body

    def raise_for_status(self) -> None:
        pass

    def json(self) -> dict:
        return self.body


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published():
    """The JWKS the OP publishes; tests change `keys` to rotate."""
    state = {"keys": [JWK_A], "fetches": 0}

    def fake_get(url: str, **kwargs: object) -> FakeResponse:
        assert url == JWKS_URI
        assert kwargs.get("timeout"), "every call to ID-porten has a timeout"
        state["fetches"] += 1
        return FakeResponse({"keys": list(state["keys"])})

    with mock.patch("idporten.http.SESSION.get", side_effect=fake_get):
        yield state


def claims(**changes: object) -> dict:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "pairwise-sub",
        "iat": now,
        "exp": now + 120,
        "nonce": NONCE,
        "acr": "idporten-loa-substantial",
        "pid": "15878510035",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict, *, key=KEY_A, headers: dict | None = None, algorithm="RS256") -> str:
    return jwt.encode(
        payload, key, algorithm=algorithm, headers={"kid": "a"} if headers is None else headers
    )


def verify(token: str, required=LevelOfAssurance.SUBSTANTIAL, **kwargs) -> dict:
    return verify_id_token(
        token,
        issuer=ISSUER,
        client_id=CLIENT,
        jwks_uri=JWKS_URI,
        nonce=NONCE,
        required_level=required,
        **kwargs,
    )


def refused(token: str, check: str, **kwargs) -> None:
    with pytest.raises(LoginCheckFailed) as caught:
        verify(token, **kwargs)
    assert caught.value.check == check


def test_a_good_token_is_accepted(published):
    assert verify(sign(claims()))["sub"] == "pairwise-sub"


def test_the_jwks_is_cached_between_logins(published):
    verify(sign(claims()))
    verify(sign(claims()))
    assert published["fetches"] == 1


def test_an_unknown_kid_refetches_the_jwks_once(published):
    verify(sign(claims()))
    published["keys"] = [JWK_A, JWK_B]  # the OP rotated after we cached
    assert verify(sign(claims(), key=KEY_B, headers={"kid": "b"}))["sub"]
    assert published["fetches"] == 2


def test_a_kid_that_is_never_published_is_refused_after_one_refetch(published):
    refused(sign(claims(), headers={"kid": "nope"}), "kid")
    assert published["fetches"] == 2


def test_no_kid_is_accepted_when_exactly_one_key_is_published(published):
    assert verify(sign(claims(), headers={}))["sub"]


def test_no_kid_is_refused_when_several_keys_are_published(published):
    published["keys"] = [JWK_A, JWK_B]
    refused(sign(claims(), headers={}), "kid")


def test_a_bad_signature_is_refused(published):
    refused(sign(claims(), key=KEY_B, headers={"kid": "a"}), "signature")


def test_alg_none_is_refused(published):
    token = jwt.encode(claims(), None, algorithm="none")
    refused(token, "alg")


def test_hmac_with_the_client_secret_is_refused(published):
    token = jwt.encode(claims(), "client-secret-long-enough-for-hs256-0123456789", "HS256")
    refused(token, "alg")


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"iss": "https://evil.example"}, "iss"),
        ({"iss": None}, "iss"),
        ({"aud": "someone-else"}, "aud"),
        ({"aud": None}, "aud"),
        ({"aud": [CLIENT, "other"]}, "azp"),
        ({"aud": [CLIENT, "other"], "azp": "other"}, "azp"),
        ({"exp": int(time.time()) - 31}, "exp"),
        ({"iat": None}, "iat"),
        ({"iat": int(time.time()) + 3600}, "iat"),
        ({"nonce": "other"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"sub": None}, "sub"),
        ({"sub": ""}, "sub"),
        ({"acr": "urn:made-up"}, "acr"),
        ({"acr": None}, "acr"),
    ],
)
def test_each_claim_check_refuses_what_it_names(published, changes, check):
    refused(sign(claims(**changes)), check)


def test_several_audiences_are_fine_when_azp_is_us(published):
    assert verify(sign(claims(aud=[CLIENT, "other"], azp=CLIENT)))["sub"]


def test_small_clock_skew_is_tolerated(published):
    now = time.time()
    token = sign(claims(iat=int(now) + 20, exp=int(now) - 20))
    assert verify(token, now=now)["sub"]


def test_a_lower_level_than_requested_is_refused(published):
    refused(sign(claims(acr="idporten-loa-substantial")), "acr", required=LevelOfAssurance.HIGH)


def test_old_and_new_level_names_are_both_understood(published):
    assert verify(sign(claims(acr="Level4")), required=LevelOfAssurance.HIGH)
    assert verify(sign(claims(acr="idporten-loa-high")), required=LevelOfAssurance.HIGH)
    refused(sign(claims(acr="Level3")), "acr", required=LevelOfAssurance.HIGH)


def test_garbage_is_refused_as_malformed(published):
    refused("not-a-jwt", "malformed")
