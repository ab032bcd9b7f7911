"""Log in and out in Chromium, as a citizen would, with axe on every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.flows import log_in_at_id_porten
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_logs_in_and_out_with_the_keyboard_and_mouse(portal: Portal, page: Page):
    page.goto(portal.url + "/")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Logg inn").first.click()
    expect(page).to_have_url(re.compile(re.escape(portal.emulator.url) + "/login/"))
    assert_no_axe_violations(page)
    log_in_at_id_porten(page, "15878510035", "BankID")

    expect(page).to_have_url(portal.url + "/min-side/")
    expect(page.locator("main")).to_contain_text(
        "Du er logget inn med BankID på høyt nivå (nivå 4)."
    )
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(re.escape(portal.url) + "/logget-ut/"))
    expect(page.locator("h1")).to_have_text("Du er logget ut")
    expect(page.locator("main")).to_contain_text("av denne tjenesten og av ID-porten")
    assert_no_axe_violations(page)
    expect(page.get_by_role("link", name="Logg inn").first).to_be_visible()


def test_the_cancelled_login_page_is_accessible(portal: Portal, page: Page):
    page.goto(portal.url + "/logg-inn/")
    page.get_by_role("button", name="Avbryt").click()
    expect(page.locator("h1")).to_have_text("Du avbrøt innloggingen")
    assert_no_axe_violations(page)


def test_the_could_not_reach_page_is_accessible(portal: Portal, page: Page, settings):
    settings.IDPORTEN_ISSUER = "http://127.0.0.1:9"
    page.goto(portal.url + "/logg-inn/")
    expect(page.locator("main")).to_contain_text("ID-porten kunne ikke nås")
    assert_no_axe_violations(page)
