"""The badge's lookup runs in a worker thread beside the history's fetch: that thread gets the
login's details, never the request, and opens no database connection."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.test import Client

from authlevel import selectors as authlevel_selectors
from idporten import http
from idporten.session import store_login
from tests.loginhistory.conftest import StubApi

pytestmark = pytest.mark.django_db


def substantial_login() -> Client:
    """A MinID login, so that the badge has to ask the authlevel API."""
    client = Client()
    user = get_user_model().objects.create_user(username="sub-minid")
    client.force_login(user, backend="idporten.backend.IdPortenBackend")
    session = client.session
    store_login(
        session,
        claims={"sub": "sub-minid", "pid": "04899220043", "acr": "idporten-loa-substantial"},
        token_response={"access_token": "a", "refresh_token": "r", "id_token": "i"},
    )
    session.save()
    return client


def authlevel_answer(*args: Any, **kwargs: Any) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = b'{"harbruktnivaa4": false}'
    return response


def test_the_badge_worker_opens_no_database_connection(api: StubApi, settings) -> None:
    settings.IDPORTEN_AUTHLEVEL_BASE_URL = "https://authlevel.example"
    cache.clear()
    main = threading.get_ident()
    badge_threads: list[int] = []
    database_threads: list[int] = []
    real_badge = authlevel_selectors.citizen_badge
    real_ensure_connection = BaseDatabaseWrapper.ensure_connection

    def recorded_badge(*args: Any, **kwargs: Any) -> Any:
        # Plain values only: a request would let the thread load the session from the database.
        assert not any(isinstance(value, HttpRequest) for value in (*args, *kwargs.values()))
        badge_threads.append(threading.get_ident())
        return real_badge(*args, **kwargs)

    def recorded_ensure_connection(self: BaseDatabaseWrapper) -> None:
        database_threads.append(threading.get_ident())
        real_ensure_connection(self)

    client = substantial_login()
    with (
        mock.patch("loginhistory.views.citizen_badge", recorded_badge),
        mock.patch.object(BaseDatabaseWrapper, "ensure_connection", recorded_ensure_connection),
        mock.patch("idporten.authlevel_api.server_access_token", return_value="server-token"),
        mock.patch.object(http.SESSION, "post", side_effect=authlevel_answer) as post,
    ):
        response = client.get("/min-side/")

    assert response.status_code == 200
    assert "Betydelig nivå (nivå 3)" in response.content.decode()
    assert post.called, "the worker asked the authlevel API"
    (worker,) = badge_threads
    assert worker != main
    assert database_threads, "the page itself used the database"
    assert worker not in database_threads
