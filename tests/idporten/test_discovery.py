"""Discovery: fetched with timeouts, cached, issuer compared exactly, forgotten on failure."""

from __future__ import annotations

from unittest import mock

import pytest
import requests
from django.core.cache import cache
from django.test import override_settings

from idporten.discovery import (
    IssuerMismatch,
    forget_provider_metadata,
    provider_metadata,
)
from idporten.http import IdPortenUnavailable

ISSUER = "https://idporten.example"


def document(issuer: str = ISSUER) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwk",
        "end_session_endpoint": f"{issuer}/endsession",
    }


def answer(body: object) -> mock.Mock:
    response = mock.Mock(status_code=200)
    response.raise_for_status.return_value = None
    response.json.return_value = body
    return response


@pytest.fixture(autouse=True)
def issuer_and_empty_cache():
    cache.clear()
    with override_settings(IDPORTEN_ISSUER=ISSUER):
        yield
    cache.clear()


def test_it_reads_the_endpoints_and_caches_them():
    with mock.patch("idporten.http.SESSION.get", return_value=answer(document())) as get:
        first = provider_metadata()
        second = provider_metadata()
    assert first == second
    assert first.token_endpoint == f"{ISSUER}/token"
    get.assert_called_once()
    url = get.call_args.args[0]
    assert url == f"{ISSUER}/.well-known/openid-configuration"
    assert get.call_args.kwargs["timeout"]


def test_an_issuer_that_differs_even_by_a_slash_is_refused_and_not_cached():
    with mock.patch("idporten.http.SESSION.get", return_value=answer(document(ISSUER + "/"))):
        with pytest.raises(IssuerMismatch):
            provider_metadata()
        with pytest.raises(IssuerMismatch):
            provider_metadata()


def test_forgetting_makes_the_next_call_fetch_again():
    with mock.patch("idporten.http.SESSION.get", return_value=answer(document())) as get:
        provider_metadata()
        forget_provider_metadata()
        provider_metadata()
    assert get.call_count == 2


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectTimeout("slow"), requests.ConnectionError("refused")],
)
def test_an_unreachable_op_is_reported_as_unavailable(failure):
    with (
        mock.patch("idporten.http.SESSION.get", side_effect=failure),
        pytest.raises(IdPortenUnavailable),
    ):
        provider_metadata()


@pytest.mark.parametrize("body", [[], {"issuer": ISSUER}, "nonsense"])
def test_a_document_without_the_endpoints_is_unavailable(body):
    with (
        mock.patch("idporten.http.SESSION.get", return_value=answer(body)),
        pytest.raises(IdPortenUnavailable),
    ):
        provider_metadata()
