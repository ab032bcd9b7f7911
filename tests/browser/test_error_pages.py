"""The error pages in Chromium, at a phone's width: the 404 and the page of a refused (stale)
form pass axe-core and do not scroll sideways, in bokmål and English; a stale logout ends in
a logout that works."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.axe import assert_no_axe_violations
from tests.browser.flows import log_in
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 320, "height": 640}
NOT_FOUND = {"nb": "Fant ikke siden", "en": "Page not found"}
OUT_OF_DATE = {
    "nb": "Siden du sendte fra, var utdatert",
    "en": "The page you sent from was out of date",
}
OTHER_LANGUAGE = {"nb": "en", "en": "nb"}


def in_language(page: Page, base_url: str, language: str) -> None:
    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


def a_login_elsewhere(page: Page, base_url: str) -> None:
    """What a login in another tab does to this one: the browser gets a new CSRF secret, and
    the forms of the page already open carry a token of the old one."""
    page.context.add_cookies(
        [{"name": settings.CSRF_COOKIE_NAME, "value": "x" * 32, "url": base_url}]
    )


def assert_fits_a_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_404_page_is_accessible_on_a_phone(
    page: Page, live_server: LiveServer, language: str
) -> None:
    in_language(page, live_server.url, language)

    response = page.goto(live_server.url + "/finnes-ikke/")

    assert response is not None and response.status == 404
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator("h1")).to_have_text(NOT_FOUND[language])
    assert_no_axe_violations(page)
    assert_fits_a_phone(page)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_stale_language_choice_gets_an_accessible_page_with_a_way_on(
    page: Page, live_server: LiveServer, language: str
) -> None:
    in_language(page, live_server.url, language)
    page.goto(live_server.url + reverse("portal:help"))
    a_login_elsewhere(page, live_server.url)

    page.locator(f".language-switcher button[lang={OTHER_LANGUAGE[language]}]").click()

    expect(page.locator("h1")).to_have_text(OUT_OF_DATE[language])
    assert page.locator("html").get_attribute("lang") == language
    assert_no_axe_violations(page)
    assert_fits_a_phone(page)
    # The page's own switcher works, and goes back to the page the reader was on.
    page.locator(f".language-switcher button[lang={OTHER_LANGUAGE[language]}]").click()
    expect(page).to_have_url(live_server.url + reverse("portal:help"))
    assert page.locator("html").get_attribute("lang") == OTHER_LANGUAGE[language]


def test_a_stale_logout_offers_a_logout_that_works(portal: Portal, page: Page) -> None:
    log_in(page, portal, "15878510035")
    a_login_elsewhere(page, portal.url)

    page.get_by_role("button", name="Logg ut").click()

    expect(page.locator("h1")).to_have_text(OUT_OF_DATE["nb"])
    expect(page.locator("main")).to_contain_text("Du er fortsatt logget inn.")
    assert_no_axe_violations(page)
    page.locator("main").get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(re.escape(portal.url) + "/logget-ut/"))
    expect(page.locator("h1")).to_have_text("Du er logget ut")
