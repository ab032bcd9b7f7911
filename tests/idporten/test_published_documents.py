"""Discovery and the key set are fetched once per cache period, however many threads and
processes ask at once on an empty cache, and each process keeps its parsed copy for the period
(idporten/documents.py). Stubbed at the HTTP boundary (requests' session)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings

from idporten import documents
from idporten.discovery import CACHE_SECONDS, provider_metadata
from idporten.documents import PublishedDocument
from idporten.id_token import KEY_SETS, _fetch_keys, _signing_keys
from tests.idporten.test_discovery import ISSUER, answer, document

JWKS_URI = f"{ISSUER}/jwk"
T = TypeVar("T")
AT_ONCE = 10


def rsa_key(kid: str) -> dict[str, str]:
    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": "AQAB", "e": "AQAB"}


@pytest.fixture(autouse=True)
def issuer_and_empty_cache() -> Iterator[None]:
    cache.clear()
    with override_settings(IDPORTEN_ISSUER=ISSUER):
        yield
    cache.clear()


def slowly(body: object) -> mock.Mock:
    """ID-porten answering after a while, long enough for every thread to miss the cache."""

    def get(url: str, **kwargs: object) -> mock.Mock:
        time.sleep(0.2)
        return answer(body)

    return mock.Mock(side_effect=get)


def all_at_once(call: Callable[[], T], count: int = AT_ONCE) -> list[T]:
    start = threading.Barrier(count)

    def one(_: int) -> T:
        start.wait()
        return call()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_ten_logins_at_once_on_an_empty_cache_fetch_discovery_once() -> None:
    with mock.patch("idporten.http.SESSION.get", slowly(document())) as get:
        answers = all_at_once(provider_metadata)
    assert get.call_count == 1
    assert {metadata.token_endpoint for metadata in answers} == {f"{ISSUER}/token"}


def test_ten_logins_at_once_on_an_empty_cache_fetch_the_key_set_once() -> None:
    with mock.patch("idporten.http.SESSION.get", slowly({"keys": [rsa_key("a")]})) as get:
        answers = all_at_once(lambda: KEY_SETS.get(JWKS_URI))
    assert get.call_count == 1
    assert all(keys == [rsa_key("a")] for keys in answers)


def test_two_processes_at_once_fetch_once_between_them() -> None:
    # Two documents of one name share the cache but nothing else, as two processes do.
    def process() -> PublishedDocument[list[dict[str, Any]], list[dict[str, Any]]]:
        return PublishedDocument(name="jwks", seconds=60, fetch=_fetch_keys, parse=_signing_keys)

    first, second = process(), process()
    with (
        mock.patch("idporten.http.SESSION.get", slowly({"keys": [rsa_key("a")]})) as get,
        ThreadPoolExecutor(2) as pool,
    ):
        answers = list(pool.map(lambda each: each.get(JWKS_URI), [first, second]))
    assert get.call_count == 1
    assert answers == [[rsa_key("a")], [rsa_key("a")]]


def test_ten_logins_that_find_the_same_key_set_wanting_fetch_it_again_once() -> None:
    with mock.patch("idporten.http.SESSION.get", return_value=answer({"keys": [rsa_key("a")]})):
        stale = KEY_SETS.get(JWKS_URI)
    rotated = {"keys": [rsa_key("a"), rsa_key("b")]}
    with mock.patch("idporten.http.SESSION.get", slowly(rotated)) as get:
        answers = all_at_once(lambda: KEY_SETS.get(JWKS_URI, replacing=stale))
    assert get.call_count == 1
    assert all(keys == [rsa_key("a"), rsa_key("b")] for keys in answers)


def test_the_process_keeps_its_parsed_copy_and_reads_the_cache_no_more() -> None:
    with mock.patch("idporten.http.SESSION.get", return_value=answer(document())):
        first = provider_metadata()
    with mock.patch.object(cache, "get", side_effect=AssertionError("cache read")):
        assert provider_metadata() is first


def test_the_copy_goes_when_the_cache_period_ends() -> None:
    with mock.patch("idporten.http.SESSION.get", return_value=answer(document())) as get:
        provider_metadata()
        later = time.time() + CACHE_SECONDS + 1
        with mock.patch("idporten.documents.time.time", return_value=later):
            cache.clear()  # the cache's own expiry, as the local-memory cache cannot travel
            provider_metadata()
    assert get.call_count == 2


def test_another_process_finds_the_fetched_copy_in_the_cache() -> None:
    with mock.patch("idporten.http.SESSION.get", return_value=answer(document())) as get:
        provider_metadata()
        documents.published_documents_forget_in_process()  # as a process that never read it
        provider_metadata()
    get.assert_called_once()
