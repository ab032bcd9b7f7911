"""The caseworker preview in Chromium: the demo caseworker logs in with BankID, previews a
citizen, leaves; the citizen logs in and finds the lookup. axe on every page on the way."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.flows import log_in_at_id_porten
from tests.caseworker.support import CASEWORKER_PID, CITIZEN_PID
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Sak 2025/4711: ringte om innlogging"


@pytest.fixture
def caseworker_portal(portal: Portal, authlevel_at_emulator) -> Portal:
    call_command("grant_caseworker", CASEWORKER_PID)
    return portal


def log_in_as_caseworker(page: Page, portal: Portal) -> None:
    page.goto(portal.url + "/saksbehandler/")
    log_in_at_id_porten(page, CASEWORKER_PID, "BankID")
    expect(page).to_have_url(portal.url + "/saksbehandler/")


def test_a_caseworker_previews_a_citizen_who_then_sees_the_lookup(
    caseworker_portal: Portal, page: Page
):
    portal = caseworker_portal
    log_in_as_caseworker(page, portal)
    expect(page.locator("h1")).to_have_text("Forhåndsvis en innbyggers side")
    expect(page.get_by_role("link", name="For saksbehandlere")).to_have_attribute(
        "aria-current", "page"
    )
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Start forhåndsvisningen").click()
    expect(page.locator(".ds-error-summary")).to_contain_text(
        "Skriv inn innbyggerens fødselsnummer."
    )
    expect(page.locator(".ds-error-summary")).to_contain_text("Skriv begrunnelsen for oppslaget")
    assert_no_axe_violations(page)

    page.get_by_label("Innbyggerens fødselsnummer").fill(CITIZEN_PID)
    page.get_by_label("Begrunnelse eller saksnummer").fill(REASON)
    page.get_by_role("button", name="Start forhåndsvisningen").click()
    expect(page).to_have_url(portal.url + "/saksbehandler/forhandsvisning/")
    expect(page.locator("h1")).to_have_text("Siden til 158785*****")
    expect(page.locator("main")).to_contain_text("Høyt nivå (nivå 4) brukt de siste 18 månedene")
    expect(page.locator("main")).to_contain_text("Bare innbyggeren selv kan se innloggingene sine")
    expect(page.locator("main")).to_contain_text(
        re.compile(r"1[45] minutter igjen: forhåndsvisningen slutter klokken \d\d:\d\d\.")
    )
    expect(page.get_by_role("region", name="Forhåndsvisning").get_by_role("link")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(CITIZEN_PID)
    assert_no_axe_violations(page)

    page.goto(portal.url + "/hjelp/")
    expect(page.locator("main")).to_contain_text(
        "Du forhåndsviser siden til innbyggeren med fødselsnummer 158785*****"
    )
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Avslutt forhåndsvisningen").click()
    expect(page).to_have_url(portal.url + "/saksbehandler/")
    expect(page.locator("main")).to_contain_text("Du har avsluttet forhåndsvisningen.")
    expect(page.locator("main")).not_to_contain_text("158785*****")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(re.escape(portal.url) + "/logget-ut/"))

    page.goto(portal.url + "/min-side/")
    log_in_at_id_porten(page, CITIZEN_PID, "BankID")
    expect(page).to_have_url(portal.url + "/min-side/")
    lookups = page.get_by_role("region", name="Oppslag på deg")
    expect(lookups.locator("tbody tr")).to_have_count(1)
    expect(lookups.locator("tbody tr")).to_contain_text(REASON)
    expect(lookups.locator("tbody tr")).to_contain_text("Digitaliseringsdirektoratet")
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    ("language", "heading", "refused"),
    [
        ("nynorsk", "Sida til 158785*****", "Ingenting kan endrast i ei førehandsvising"),
        ("English", "The page of 158785*****", "Nothing can be changed in a preview"),
    ],
)
def test_the_caseworker_pages_are_accessible_in_nynorsk_and_english(
    caseworker_portal: Portal, page: Page, language: str, heading: str, refused: str
):
    portal = caseworker_portal
    log_in_as_caseworker(page, portal)
    page.get_by_role("button", name=re.compile(language, re.IGNORECASE)).click()
    page.locator("form.caseworker-form button[type=submit]").click()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_no_axe_violations(page)

    page.locator("input[name=pid]").fill(CITIZEN_PID)
    page.locator("input[name=reason]").fill(REASON)
    page.locator("form.caseworker-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(heading)
    assert_no_axe_violations(page)

    # Another preview from inside this one is refused: a preview changes nothing.
    page.goto(portal.url + "/saksbehandler/")
    page.locator("input[name=pid]").fill(CITIZEN_PID)
    page.locator("input[name=reason]").fill(REASON)
    page.locator("form.caseworker-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(refused)
    assert_no_axe_violations(page)
