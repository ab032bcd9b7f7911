"""Printing the history page (static/portal/print.css): a page of 25 logins on at most two A4
sheets, with what the reader can use on paper and nothing that only works on a screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import log_in
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# About 300 logins: the history page shows 25 of them.
PERSONA = "15878510035"
# Count the page objects of the PDF, not the /Pages tree that holds them.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.fixture
def history_page(portal: Portal, page: Page) -> Page:
    log_in(page, portal, PERSONA)
    expect(page.locator(".history-table tbody tr")).to_have_count(25)
    return page


def pdf_pages(page: Page) -> int:
    return len(PDF_PAGE.findall(page.pdf(format="A4", prefer_css_page_size=True)))


def test_25_logins_print_on_at_most_two_a4_pages(history_page: Page) -> None:
    assert 1 <= pdf_pages(history_page) <= 2


def test_a_table_of_tall_rows_breaks_across_the_sheets(history_page: Page) -> None:
    """Flagged logins ("om natten", "første gang") take two lines each. Designsystemet keeps
    a table in one piece, so such a table moved whole to the second sheet and the first held
    only the heading: three sheets."""
    history_page.evaluate(
        """() => {
            for (const cell of document.querySelectorAll('.history-table tbody td:first-child')) {
                for (const text of ['om natten', 'første gang']) {
                    const tag = document.createElement('span');
                    tag.className = 'ds-tag';
                    tag.textContent = text;
                    cell.append(' ', tag);
                }
            }
        }"""
    )

    assert pdf_pages(history_page) <= 2


def test_on_paper_the_logins_show_and_the_screens_controls_do_not(history_page: Page) -> None:
    history_page.set_viewport_size({"width": 320, "height": 640})  # a phone, printing
    history_page.emulate_media(media="print")

    for shown in ("h1", ".history-table", "#results"):
        expect(history_page.locator(shown).first).to_be_visible()
    for hidden in (".site-header", ".history-filter", ".history-chart", ".login-list", "form"):
        expect(history_page.locator(hidden).first).to_be_hidden()
    expect(history_page.locator(".ds-pagination")).to_be_hidden()
    # The table's column of screen-only actions ("Was this not you?") is not printed.
    expect(history_page.locator(".history-table tbody tr").first.locator("td").last).to_be_hidden()
