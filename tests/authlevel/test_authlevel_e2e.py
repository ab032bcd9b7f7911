"""The badge's lookup against the emulator: a real JWT grant with the PKCS#12 certificate its
test PKI made, and the real authlevel API, for every persona."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from authlevel.selectors import authlevel_lookup
from idporten.authlevel_api import UsedLevel
from idporten.credentials import enterprise_credentials
from tests.conftest import SERVER_CLIENT
from tests.idporten.portal_flow import upstream_fails

# The server token is kept in the database (idporten.server_token).
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("pid", "used"),
    [
        ("15878510035", UsedLevel.HIGH),
        ("04899220043", UsedLevel.NOT_HIGH),
        ("30856440032", UsedLevel.NOT_HIGH),
        # A valid synthetic number that no persona or test ever logs in with: the persona
        # 11810160073 is unknown only until some test of the session logs in with it.
        ("01839010091", UsedLevel.NOT_REGISTERED),
    ],
)
def test_each_persona_as_the_api_sees_them(authlevel_at_emulator, pid, used):
    assert enterprise_credentials() is not None
    assert authlevel_lookup(pid=pid).used is used


def test_an_early_from_date_finds_the_old_bankid_login(authlevel_at_emulator):
    assert authlevel_lookup(pid="30856440032", from_date=date(2000, 1, 1)).used is UsedLevel.HIGH


@pytest.mark.parametrize("fault", ["http_500", "drop_connection", "malformed_json"])
def test_a_failing_api_gives_a_temporary_unknown(authlevel_at_emulator, fault):
    upstream_fails(authlevel_at_emulator, "authlevel", fault)
    lookup = authlevel_lookup(pid="15878510035")
    assert lookup.used is UsedLevel.UNKNOWN
    assert lookup.temporary


def test_a_stale_cached_server_token_is_replaced_after_a_401(authlevel_at_emulator):
    cache.set(f"idporten:server-token:{SERVER_CLIENT}:global/idporten.authlevel.read", "stale", 60)
    assert authlevel_lookup(pid="15878510035").used is UsedLevel.HIGH


def test_a_refused_grant_gives_unknown_and_is_logged(authlevel_at_emulator, settings, caplog):
    settings.IDPORTEN_SERVER_CLIENT_ID = "not-registered-anywhere"
    assert authlevel_lookup(pid="15878510035").used is UsedLevel.UNKNOWN
    assert "event=server_token_refused error=" in caplog.text
