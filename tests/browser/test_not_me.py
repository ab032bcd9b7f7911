""" "Was this not you?" in Chromium: from the history to a login's own page and to a lookup's,
axe in each language at 1280 and 320 CSS pixels, no sideways scrolling on a phone, and the
copy button putting the details on the clipboard."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, Route, ViewportSize, expect

from caseworker.models import PreviewLookup
from tests.browser.axe import assert_no_axe_violations
from tests.browser.flows import log_in
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "15878510035"
WIDE: ViewportSize = {"width": 1280, "height": 900}
# WCAG 2.1 success criterion 1.4.10 (Reflow): usable at 320 CSS pixels without sideways scrolling.
PHONE: ViewportSize = {"width": 320, "height": 640}


def in_each_language_and_width(page: Page, headings: dict[str, str]) -> None:
    """Through the language switcher to each language; axe and the page's width at both sizes."""
    for language, heading in headings.items():
        switch = page.locator(f"button[name=language][value={language}]")
        if switch.count():
            page.set_viewport_size(WIDE)
            switch.click()
        expect(page.locator("h1")).to_have_text(heading)
        for size in (WIDE, PHONE):
            page.set_viewport_size(size)
            assert_no_axe_violations(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], f"{language} at {size['width']} px is {width} px wide"


def open_the_first_not_me_page(page: Page, portal: Portal) -> None:
    log_in(page, portal, CITIZEN)
    link = page.get_by_role("link", name=re.compile(r"^Var ikke dette deg\? Innloggingen "))
    link.first.click()
    expect(page).to_have_url(
        re.compile(re.escape(portal.url) + r"/min-side/var-ikke-meg/[a-p]{16}/$")
    )


def test_a_logins_page_is_accessible_in_each_language_and_on_a_phone(
    portal: Portal, page: Page
) -> None:
    open_the_first_not_me_page(page, portal)
    assert not re.search(r"\d{11}", page.url)
    expect(page.locator("main")).to_contain_text("sperretjenesten til ID-porten")

    in_each_language_and_width(
        page,
        {
            "nb": "Var ikke denne innloggingen deg?",
            "nn": "Var ikkje denne innlogginga deg?",
            "en": "Was this login not you?",
        },
    )


def test_the_copy_button_puts_the_details_on_the_clipboard(portal: Portal, page: Page) -> None:
    open_the_first_not_me_page(page, portal)
    listed = page.locator("#details-to-give").inner_text()
    assert "Tjeneste: " in listed
    assert "Integrasjons-ID: " in listed

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal.url)
    page.get_by_role("button", name="Kopier opplysningene").click()
    expect(page.get_by_role("status").filter(has_text="Opplysningene er kopiert")).to_be_visible()

    # The portal's pages deny the Clipboard API (Permissions-Policy), so the clipboard is read on
    # a page of the same origin that the browser makes up, without that header.
    def blank(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>x</title>")

    page.context.route(portal.url + "/clipboard-reader", blank)
    reader = page.context.new_page()
    reader.goto(portal.url + "/clipboard-reader")
    copied = reader.evaluate("navigator.clipboard.readText()")
    assert " ".join(copied.split()) == " ".join(listed.split())


def test_a_lookups_page_is_accessible_in_each_language_and_on_a_phone(
    portal: Portal, page: Page
) -> None:
    caseworker = User.objects.create_user(username="caseworker-sub")
    PreviewLookup.objects.create(
        caseworker=caseworker,
        caseworker_sub=caseworker.username,
        citizen_pid=CITIZEN,
        reason="Sak 2026/4711: ringte om innlogging",
    )
    log_in(page, portal, CITIZEN)
    page.get_by_role("link", name=re.compile(r"^Kjenner du ikke igjen dette\? Oppslaget ")).click()
    expect(page).to_have_url(re.compile(re.escape(portal.url) + r"/min-side/oppslag/\d+/$"))
    expect(page.locator("main")).to_contain_text("Sak 2026/4711: ringte om innlogging")

    in_each_language_and_width(
        page,
        {
            "nb": "Kjenner du ikke igjen dette oppslaget?",
            "nn": "Kjenner du ikkje att dette oppslaget?",
            "en": "Do you not recognise this lookup?",
        },
    )
