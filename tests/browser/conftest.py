"""Browser tests: Playwright for Python driving Debian's chromium against the live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Every browser context of the tests. Designsystemet animates a <details> opening for 0.4 s,
# during which a click on a control inside it lands where the control has not yet arrived (a
# flaky test, seen). Readers who ask for reduced motion get no animation
# (static/portal/site.css); so do the tests.
CONTEXT: dict[str, Any] = {"reduced_motion": "reduce"}

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls made by
# fixtures there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with  apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            # This machine has no network beyond the package registries: keep chromium from
            # trying to reach Google's services at start.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; a test fails if the Content-Security-Policy blocked anything on the way
    (Chromium reports each refusal as a console error)."""
    context = browser.new_context(locale="nb-NO", **CONTEXT)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert refused == [], f"the Content-Security-Policy refused: {refused}"
