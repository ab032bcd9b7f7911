"""Steps the browser tests share: logging in through the emulator's TestID page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.idporten.portal_flow import Portal


def log_in_at_id_porten(page: Page, pid: str, eid: str) -> None:
    """On the TestID page, in any of its languages: the number, the eID, the login button.
    Fields by name: `pid` and `eid` are the page's documented interface."""
    page.locator("input[name=pid]").fill(pid)
    page.locator(f"input[name=eid][value='{eid}']").check()
    page.locator("button[type=submit][data-variant=primary]").click()


def log_in(page: Page, portal: Portal, pid: str, eid: str = "BankID") -> None:
    """From the portal's login link to the citizen's page."""
    page.goto(portal.url + "/logg-inn/")
    log_in_at_id_porten(page, pid, eid)
    expect(page).to_have_url(portal.url + "/min-side/")
    # The style sheets too: a click aimed before they apply can land where the target was
    # before they moved it (seen on a loaded machine).
    page.wait_for_load_state("load")
