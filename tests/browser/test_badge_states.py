"""The citizen's page with each state of the authentication-level badge, with axe on each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.flows import log_in
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("pid", "eid", "fault", "badge"),
    [
        ("15878510035", "BankID", None, "Høyt nivå (nivå 4) brukt de siste 18 månedene"),
        ("04899220043", "MinID", None, "Betydelig nivå (nivå 3)"),
        ("04899220043", "MinID", "http_500", "Ukjent nivå"),
    ],
    ids=["high", "substantial", "unknown"],
)
def test_each_badge_state_is_accessible(
    portal: Portal, authlevel_at_emulator, page: Page, pid, eid, fault, badge
):
    if fault:
        portal.emulator.fault("authlevel", fault, count=3)
    log_in(page, portal, pid, eid)
    expect(page.locator(".authlevel-badge .ds-tag")).to_have_text(badge)
    assert_no_axe_violations(page)
