"""Logins without a national identity number in Chromium: the TestID page's choices for them,
and the history page and badge that explain what cannot be shown, with axe on each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from idporten.types import Acr
from tests.browser.axe import assert_no_axe_violations
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_without_a_number(page: Page, portal: Portal, person: str) -> None:
    """One click on the TestID page's button for that person."""
    page.goto(portal.url + "/logg-inn/")
    assert_no_axe_violations(page)  # the TestID page, with its people without a number
    page.locator(f"button[name=persona][value='{person}']").click()
    expect(page).to_have_url(portal.url + "/min-side/")


def test_an_email_login_page_and_badge_are_accessible(portal: Portal, page: Page, settings):
    settings.IDPORTEN_ACR_VALUES = Acr.SELF_REGISTERED_EMAIL
    log_in_without_a_number(page, portal, "email-kari")

    expect(page.locator(".authlevel-badge .ds-tag")).to_have_text(
        "Ikke tilgjengelig uten fødselsnummer"
    )
    expect(page.get_by_role("heading", name="Du er logget inn uten fødselsnummer")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_foreign_eid_page_is_accessible(portal: Portal, page: Page):
    log_in_without_a_number(page, portal, "eidas-erika")

    expect(page.locator(".authlevel-badge")).to_contain_text(
        "Du er logget inn med eIDAS på betydelig nivå (nivå 3)."
    )
    assert_no_axe_violations(page)


def test_the_testid_page_asks_for_a_person_accessibly(portal: Portal, page: Page):
    page.goto(portal.url + "/logg-inn/")
    page.locator("input[name=eid][value='eIDAS']").check()
    page.locator("button[type=submit][data-variant=primary]").click()

    summary_link = page.locator(".ds-error-summary a[href='#id_person_0']")
    assert summary_link.count() == 1
    assert page.locator("#id_person_0").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)
