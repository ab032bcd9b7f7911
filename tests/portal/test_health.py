from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connections

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_ready_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_readyz_is_503_with_a_reason_when_the_database_is_unreachable(client, caplog):
    refused = OperationalError("connection refused")
    with mock.patch.object(connections["default"], "ensure_connection", side_effect=refused):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "reasons": ["database unreachable"]}
    assert "database unreachable" in caplog.text


def test_readyz_is_503_when_the_cache_is_unreachable(client):
    with mock.patch("portal.health.cache.set", side_effect=ConnectionError("refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reasons"] == ["cache unreachable"]


def test_health_endpoints_refuse_other_methods(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
