"""The emulator's debugger page in a real browser: axe-clean in every language with every
section open, a failing check and an explained error on it, and no sideways scrolling at 320 px
however long the values."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page

from tests.browser.audit import sideways_overflow
from tests.browser.axe import assert_no_axe_violations
from tests.emulator.support import Emulator, EmulatorServer, RegisteredClient, token_request

pytestmark = pytest.mark.browser

HEADINGS = {"nb": "Feilsøking", "nn": "Feilsøking", "en": "Debugger"}


@pytest.fixture(scope="module")
def debugged_client(emulator_server: EmulatorServer) -> RegisteredClient:
    """A client with a good login, one whose ID token fails its signature check, and a token
    request with a reused code, so that every part of the page shows."""
    emulator = Emulator(emulator_server)
    client = RegisteredClient(
        f"debugger-browser-{secrets.token_hex(4)}",
        secrets.token_urlsafe(24),
        # Long enough to need wrapping at 320 px.
        "http://127.0.0.1:5555/" + "callback" * 20,
    )
    emulator.register(
        client,
        service_name="Debugger browser test",
        grant_types=["authorization_code", "refresh_token"],
    )
    flow = emulator.code_flow(client=client)
    emulator.fault("token", "bad_signature")
    emulator.code_flow(client=client)
    reused = token_request(
        emulator,
        client,
        grant_type="authorization_code",
        code=flow.callback["code"],
        redirect_uri=client.redirect_uri,
        code_verifier=flow.request.code_verifier,
    )
    assert reused.status_code == 400
    return client


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_debugger_page_passes_axe_and_fits_320_px(
    page: Page, emulator: Emulator, debugged_client: RegisteredClient, language: str
) -> None:
    page.context.add_cookies(
        [{"name": "idporten_emulator_language", "value": language, "url": emulator.url}]
    )
    page.goto(f"{emulator.url}/_emulator/debugger/{debugged_client.client_id}")
    for details in page.locator("details").all():
        details.evaluate("element => { element.open = true; }")

    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS[language]
    assert page.locator(".ds-tag[data-color=danger]").count() >= 2  # the 400 and a failed check
    assert page.locator(".ds-alert[data-color=danger]").count() == 1
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert sideways_overflow(page) == 0
    # A card clips what sticks out of it instead of scrolling: every value must wrap to fit.
    assert _rightmost_edge(page) <= 320


def _rightmost_edge(page: Page) -> float:
    return float(
        page.evaluate(
            "Math.max(...[...document.querySelectorAll('main *')]"
            ".map(element => element.getBoundingClientRect().right))"
        )
    )
