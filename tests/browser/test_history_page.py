"""The history page in Chromium, in each of its states, with axe on every one."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import CONTEXT
from tests.browser.flows import log_in
from tests.emulator.test_loginhistory_api import forget_logins
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "15878510035"
NEW = "11810160073"


def test_the_history_with_data_filters_sorts_and_pages(portal: Portal, page: Page) -> None:
    log_in(page, portal, CITIZEN)
    expect(page.locator(".history-count")).to_contain_text("Viser 1\N{EN DASH}25 av")
    assert_no_axe_violations(page)

    page.get_by_text("Filtrer innloggingene").click()
    page.get_by_label("BankID", exact=True).check()
    page.get_by_role("radio", name="De siste 12 månedene").check()
    page.get_by_role("button", name="Vis innlogginger").click()
    expect(page).to_have_url(re.compile(r"eid=BankID"))
    expect(page.locator(".history-count")).to_contain_text("som passer med filteret")

    page.get_by_role("link", name="Tjeneste", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Tjeneste")
    page.get_by_role("navigation", name="Sider i historikken").get_by_role(
        "link", name="Neste"
    ).click()
    expect(page.locator(".ds-pagination [aria-current=true]")).to_contain_text("2")
    page.locator("details.history-details summary").first.click()
    expect(page.locator("details.history-details").first).to_contain_text("Integrasjons-ID:")
    assert_no_axe_violations(page)


def test_a_filter_without_matches_and_a_bad_filter(portal: Portal, page: Page) -> None:
    log_in(page, portal, CITIZEN)

    page.goto(portal.url + "/min-side/?sok=finnes-ikke")
    expect(page.locator("main")).to_contain_text("Ingen av innloggingene dine passer")
    assert_no_axe_violations(page)

    page.goto(portal.url + "/min-side/?fra=2025-02-30&eid=NemID")
    summary = page.locator(".ds-error-summary")
    expect(summary).to_contain_text("Skriv inn en dato som finnes")
    summary.get_by_role("link", name=re.compile("Fra dato")).click()
    expect(page.locator("#id_fra")).to_be_focused()
    assert_no_axe_violations(page)


def test_an_empty_history(portal: Portal, page: Page) -> None:
    log_in(page, portal, NEW, eid="MinID")
    forget_logins(portal.emulator, NEW)
    cache.clear()

    page.reload()

    expect(page.locator("main")).to_contain_text("ID-porten har ikke registrert noen innlogginger")
    assert_no_axe_violations(page)


def test_when_the_api_fails_the_page_offers_a_retry(portal: Portal, page: Page) -> None:
    portal.emulator.fault("loginhistory", "http_500")
    log_in(page, portal, CITIZEN)
    expect(page.locator("main")).to_contain_text("Vi fikk ikke hentet innloggingshistorikken din")
    expect(page.locator("main")).to_contain_text("Du er logget inn med BankID")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Prøv igjen").click()

    expect(page.locator(".history-count")).to_contain_text("Viser 1\N{EN DASH}25 av")


@pytest.fixture(
    params=[
        ("nn", "nn-NO", "Viser 1\N{EN DASH}25 av"),
        ("en", "en-GB", "Showing 1\N{EN DASH}25 of"),
    ]
)
def page_in_language(
    browser: Browser, request: pytest.FixtureRequest
) -> Iterator[tuple[Page, str]]:
    _, locale, showing = request.param
    context = browser.new_context(**CONTEXT, locale=locale)
    yield context.new_page(), showing
    context.close()


def test_the_page_in_nynorsk_and_english(
    portal: Portal, page_in_language: tuple[Page, str]
) -> None:
    page, showing = page_in_language

    log_in(page, portal, CITIZEN)

    expect(page.locator(".history-count")).to_contain_text(showing)
    assert_no_axe_violations(page)


def test_on_a_narrow_phone_the_level_badge_stays_inside_its_card(
    portal: Portal, page: Page
) -> None:
    # WCAG 1.4.10 (Reflow) at 320 CSS pixels: the badge's long text wraps, not cut off.
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, portal, CITIZEN)

    badge = page.locator(".authlevel-badge .ds-tag").bounding_box()
    card = page.locator(".authlevel-badge").bounding_box()
    assert badge is not None and card is not None
    assert badge["x"] + badge["width"] <= card["x"] + card["width"]
