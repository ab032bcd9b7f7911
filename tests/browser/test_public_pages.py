"""The public pages in a real Chromium: axe-core, keyboard use, a phone's width, a screenshot."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = ("front", "help", "accessibility", "privacy")
LANGUAGES = ("nb", "nn", "en")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "front-page.png"
DESKTOP = {"width": 1280, "height": 800}
# WCAG 2.1 success criterion 1.4.10 (Reflow): usable at 320 CSS pixels without sideways scrolling.
PHONE = {"width": 320, "height": 640}


def open_in(page: Page, base_url: str, name: str, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )
    page.goto(base_url + reverse(f"portal:{name}"))
    # Guards against testing a fallback language by mistake.
    assert page.locator("html").get_attribute("lang") == language


def focused(page: Page, script: str) -> object:
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_has_no_axe_violations(
    page: Page, live_server, name: str, language: str
) -> None:
    open_in(page, live_server.url, name, language)

    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_fits_a_phone_without_sideways_scrolling(
    page: Page, live_server, name: str, language: str
) -> None:
    page.set_viewport_size(PHONE)
    open_in(page, live_server.url, name, language)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page, live_server) -> None:
    page.goto(live_server.url + reverse("portal:help"))

    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('ds-skip-link')")
    assert page.locator(".ds-skip-link").is_visible()

    page.keyboard.press("Enter")
    assert focused(page, "el.id") == "main"


@pytest.mark.parametrize(("target", "title"), [("nn", "Hjelp"), ("en", "Help")])
def test_the_language_switcher_works_with_the_keyboard_alone(
    page: Page, live_server, target: str, title: str
) -> None:
    page.goto(live_server.url + reverse("portal:help"))

    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page, "el.tagName === 'BUTTON' && el.lang") == target:
            break
    else:
        pytest.fail(f"Tab never reached the button for {target!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("html").get_attribute("lang") == target
    assert page.url == live_server.url + reverse("portal:help")
    assert page.title().startswith(title)


def test_a_screenshot_of_the_front_page_is_saved_for_the_readme(page: Page, live_server) -> None:
    page.set_viewport_size(DESKTOP)
    open_in(page, live_server.url, "front", "nb")
    login = page.locator("main").get_by_role("link", name="Logg inn")

    # The button is the point of the page: it must be on the first screen, not below it.
    box = login.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= DESKTOP["height"]

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    signature, width = (
        SCREENSHOT.read_bytes()[:8],
        struct.unpack(">I", SCREENSHOT.read_bytes()[16:20])[0],
    )
    assert signature == b"\x89PNG\r\n\x1a\n"
    assert width == DESKTOP["width"]
