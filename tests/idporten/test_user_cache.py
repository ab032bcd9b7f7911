"""The logged-in user of each request, from the shared cache: every page of a logged-in citizen
asks for it, and the row changes only at a login. Whatever saves or deletes the user is seen by
the next request."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from idporten.backend import IdPortenBackend, _user_cache_key
from tests.loginhistory.conftest import logged_in_client

pytestmark = pytest.mark.django_db


def user_queries(user_id: int) -> tuple[User | None, int]:
    with CaptureQueriesContext(connection) as queries:
        user = IdPortenBackend().get_user(user_id)
    return user, sum('FROM "auth_user"' in query["sql"] for query in queries.captured_queries)


def test_the_user_is_read_from_the_database_once(shared_cache: None) -> None:
    user = User.objects.create_user(username="sub-a")

    _, first_queries = user_queries(user.pk)
    again, again_queries = user_queries(user.pk)

    assert (first_queries, again_queries) == (1, 0)
    assert again is not None
    assert (again.pk, again.username, again.is_active) == (user.pk, "sub-a", True)
    assert again._state.adding is False  # as a query builds it: a save() updates the row


def test_a_saved_user_is_read_again(shared_cache: None) -> None:
    user = User.objects.create_user(username="sub-a")
    user_queries(user.pk)

    user.is_active = False
    user.save()

    again, queries = user_queries(user.pk)
    assert queries == 1
    assert again is not None and again.is_active is False


def test_a_deleted_user_is_logged_out(shared_cache: None) -> None:
    client = logged_in_client()
    assert "Log out" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert cache.get(_user_cache_key(User.objects.get(username="sub-a").pk)) is not None

    User.objects.get(username="sub-a").delete()

    response = client.get("/min-side/")
    assert response.status_code == 302
    assert response["Location"].startswith("/logg-inn/")


def test_a_copy_written_with_other_columns_is_not_used(shared_cache: None) -> None:
    """After a deploy that changes the user model, a copy from before is read from the
    database again, not built with the wrong columns."""
    user = User.objects.create_user(username="sub-a")
    cache.set(_user_cache_key(user.pk), (("id", "username"), [user.pk, "someone-else"]))

    again, queries = user_queries(user.pk)

    assert queries == 1
    assert again is not None and again.username == "sub-a"


def test_without_a_shared_cache_every_request_reads_the_database(settings: Any) -> None:
    """A process-local copy would outlive a change made in another process."""
    settings.CACHE_IS_SHARED = False
    user = User.objects.create_user(username="sub-a")

    assert [user_queries(user.pk)[1] for _ in range(2)] == [1, 1]
