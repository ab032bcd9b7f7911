"""The emulator's TestID page in a real browser: axe-clean in every language, error state too."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_no_axe_violations
from tests.emulator.support import Emulator, authorization_request

pytestmark = pytest.mark.browser

HEADINGS = {
    "nb": "Logg inn med en test-eID",
    "nn": "Logg inn med ein test-eID",
    "en": "Log in with a test eID",
}


def _open_login_page(page: Page, emulator: Emulator, locale: str) -> None:
    request = authorization_request(ui_locales=locale)
    page.goto(f"{emulator.url}/authorize?{urlencode(request.params)}")


@pytest.mark.parametrize("locale", ["nb", "nn", "en"])
def test_the_testid_page_passes_axe_in_each_language(
    page: Page, emulator: Emulator, locale: str
) -> None:
    _open_login_page(page, emulator, locale)

    assert page.locator("html").get_attribute("lang") == locale
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS[locale]
    assert_no_axe_violations(page)


@pytest.mark.parametrize("locale", ["nb", "nn", "en"])
def test_the_testid_error_state_passes_axe_and_links_to_the_field(
    page: Page, emulator: Emulator, locale: str
) -> None:
    _open_login_page(page, emulator, locale)
    page.locator("#id_pid").fill("12345678901")
    page.locator("button[type=submit]").first.click()

    summary_link = page.locator(".ds-error-summary a[href='#id_pid']")
    assert summary_link.count() == 1
    assert page.locator("#id_pid").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)


def test_sami_falls_back_to_bokmal_for_the_page(page: Page, emulator: Emulator) -> None:
    _open_login_page(page, emulator, "se")

    assert page.locator("html").get_attribute("lang") == "nb"
