"""The history page on a phone, in Chromium (issue 15): it never scrolls sideways, the logins
are on the first screen as one block each, the filter, sort and page links land on the results
with the focus there, the active filters remove themselves, and the page speaks as people do."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from caseworker.models import PreviewLookup
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import CONTEXT
from tests.browser.flows import log_in
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "15878510035"  # about 300 logins, with every eID the emulator knows
PHONE: ViewportSize = {"width": 390, "height": 844}
PHONE_WIDTHS = (390, 375, 320)  # the narrowest last: the checks that follow run at 320 px
# A reason is the caseworker's free text: a long one must not widen the page either.
REASON = "Sak 2025/4711: innbyggeren ringte om en innlogging hos Digitaliseringsdirektoratet"

# After a Tab: null once the focus is back at the start; else the focused element if its focus
# ring (its outline, offset included) is cut off by the edge of the viewport or of an ancestor
# that clips, such as a scroll region, or "" if it is whole.
FOCUS_RING_CLIPPED = """() => {
  const element = document.activeElement;
  if (element === document.body || element.dataset.tabbedTo) return null;
  element.dataset.tabbedTo = "yes";
  const style = getComputedStyle(element);
  const ring = style.outlineStyle === "none"
    ? 0 : parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
  const box = element.getBoundingClientRect();
  const edges = [[0, window.innerWidth]];
  for (let up = element.parentElement; up; up = up.parentElement) {
    if (getComputedStyle(up).overflowX !== "visible") {
      const clip = up.getBoundingClientRect();
      edges.push([clip.left, clip.right]);
    }
  }
  const cut = edges.some(
    ([left, right]) => box.left - ring < left - 0.5 || box.right + ring > right + 0.5
  );
  return cut ? element.outerHTML.slice(0, 120) : "";
}"""


def focus_rings_cut_off(page: Page) -> list[str]:
    """Tab through the whole page from the top, as a keyboard user would."""
    page.evaluate(
        """() => {
          for (const seen of document.querySelectorAll("[data-tabbed-to]")) {
            delete seen.dataset.tabbedTo;
          }
          document.activeElement.blur();
          window.scrollTo(0, 0);
        }"""
    )
    cut_off: list[str] = []
    for _ in range(500):
        page.keyboard.press("Tab")
        clipped = page.evaluate(FOCUS_RING_CLIPPED)
        if clipped is None:
            return cut_off
        if clipped:
            cut_off.append(clipped)
    raise AssertionError("the Tab key never came back to the start")


def page_width(page: Page) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def assert_no_sideways_scrolling(page: Page) -> None:
    # The stylesheets first: a page measured before they apply is a page nobody sees.
    page.wait_for_load_state("load")
    for width in PHONE_WIDTHS:
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        assert page_width(page) <= width, f"{page.url} is {page_width(page)} px wide at {width}"
        assert page.evaluate("window.innerWidth") == width


def in_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def lookup_of_the_citizen() -> None:
    caseworker = User.objects.create_user(username="caseworker-sub")
    PreviewLookup.objects.create(
        caseworker=caseworker,
        caseworker_sub=caseworker.username,
        citizen_pid=CITIZEN,
        reason=REASON,
        created_at=timezone.now(),
    )


@pytest.mark.parametrize("language", ["nb", "en"])
def test_no_state_of_the_page_scrolls_sideways_on_a_phone(
    portal: Portal, page: Page, language: str
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, portal, CITIZEN)
    if language == "en":
        in_english(page)
    assert_no_sideways_scrolling(page)
    assert_no_axe_violations(page)

    lookup_of_the_citizen()
    page.reload()
    expect(page.locator(".lookups-of-me tbody tr")).to_have_count(1)
    assert_no_sideways_scrolling(page)
    assert_no_axe_violations(page)
    assert focus_rings_cut_off(page) == []

    # The filter open, with every long service name among its choices, and chips.
    page.goto(portal.url + "/min-side/?sok=e&periode=12m#results")
    expect(page.locator("details.history-filter")).to_have_attribute("open", "")
    expect(page.locator(".history-active-filters .ds-chip")).to_have_count(2)
    assert_no_sideways_scrolling(page)
    assert_no_axe_violations(page)
    assert focus_rings_cut_off(page) == []


def test_the_first_logins_are_on_the_first_screen_one_block_each(
    portal: Portal, page: Page
) -> None:
    page.set_viewport_size(PHONE)

    log_in(page, portal, CITIZEN)

    first = page.locator(".login-card").first
    expect(first).to_be_in_viewport(ratio=1)
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    # One of the two renderings only, in the accessibility tree too.
    expect(page.locator(".history-table")).to_be_hidden()
    expect(page.get_by_role("table")).to_have_count(1)  # the month table for screen readers
    expect(
        page.get_by_role("list", name=re.compile("Innloggingene dine, side 1 av"))
    ).to_be_visible()
    expect(first).to_match_aria_snapshot(
        """
        - listitem:
          - heading /\\d{1,2}\\. \\w+ \\d{4} \\d\\d:\\d\\d/ [level=3]
          - term: Tjeneste
          - definition
          - term: eID
          - definition: /nivå|innlogget/
          - term: Organisasjonsnummer
          - definition
        """
    )
    assert_no_axe_violations(page)


def test_on_a_wide_screen_the_table_is_shown_instead(portal: Portal, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})

    log_in(page, portal, CITIZEN)

    region = page.get_by_role("region", name=re.compile("Innloggingene dine, side 1 av"))
    expect(region.get_by_role("table")).to_be_visible()
    expect(page.locator(".login-list")).to_be_hidden()
    # The table fits: its region does not need to scroll.
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth")
    expect(page.locator(".history-table tbody tr").first).to_be_in_viewport()


def test_a_filter_lands_on_the_results_with_the_focus_on_their_heading(
    portal: Portal, page: Page
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, portal, CITIZEN)

    page.get_by_text("Filtrer innloggingene").click()
    page.get_by_label("BankID", exact=True).check()
    page.get_by_role("button", name="Vis innlogginger").click()

    expect(page).to_have_url(re.compile(r"eid=BankID.*#results$"))
    heading = page.get_by_role("heading", name=re.compile("som passer med filteret"))
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()

    # The sort and the page links land there too.
    page.locator(".login-sort").get_by_role("link", name="Tjeneste").click()
    expect(page).to_have_url(re.compile(r"sortering=tjeneste#results$"))
    expect(page.locator("#results")).to_be_focused()
    page.get_by_role("navigation", name="Sider i historikken").get_by_role(
        "link", name="Neste"
    ).click()
    expect(page).to_have_url(re.compile(r"side=2#results$"))
    expect(page.locator("#results")).to_be_focused()


def test_without_javascript_the_fragment_still_lands_on_the_results(
    portal: Portal, browser: Browser
) -> None:
    context = browser.new_context(
        **CONTEXT, locale="nb-NO", viewport=PHONE, java_script_enabled=False
    )
    try:
        bare = context.new_page()
        log_in(bare, portal, CITIZEN)

        bare.get_by_text("Filtrer innloggingene").click()
        bare.get_by_label("BankID", exact=True).check()
        bare.get_by_role("button", name="Vis innlogginger").click()

        expect(bare).to_have_url(re.compile(r"#results$"))
        heading = bare.locator("#results").bounding_box()
        assert heading is not None and abs(heading["y"]) < 2
    finally:
        context.close()


def test_a_bad_filter_puts_the_focus_on_the_error_summary(portal: Portal, page: Page) -> None:
    log_in(page, portal, CITIZEN)

    page.goto(portal.url + "/min-side/?fra=2025-02-30#results")

    expect(page.locator(".ds-error-summary")).to_be_focused()


def test_each_active_filter_is_a_chip_that_removes_it(portal: Portal, page: Page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, portal, CITIZEN)
    page.goto(portal.url + "/min-side/?eid=BankID&sok=skatt")
    chips = page.locator(".history-active-filters").get_by_role("link")
    expect(chips).to_have_count(2)

    page.get_by_role("link", name="Fjern filter: BankID").click()

    expect(page).not_to_have_url(re.compile("eid=BankID"))
    expect(page).to_have_url(re.compile(r"sok=skatt.*#results$"))
    expect(chips).to_have_count(1)
    expect(chips).to_have_accessible_name("Fjern filter: Søk: skatt")
    expect(page.locator("#results")).to_be_focused()

    chips.click()

    expect(page.locator(".history-active-filters")).to_have_count(0)
    expect(page.locator("#results")).to_contain_text("Viser 1\N{EN DASH}25 av")


@pytest.mark.parametrize(
    ("eid", "shown"),
    [
        ("BuyPass", "Buypass"),
        ("MinID OTC", "MinID (kode på SMS)"),
        ("Federated", "Felles innlogging"),
    ],
)
def test_eids_show_as_people_know_them_in_norwegian_time(
    portal: Portal, page: Page, eid: str, shown: str
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, portal, CITIZEN)

    page.goto(portal.url + "/min-side/?" + f"eid={eid}".replace(" ", "+"))

    first = page.locator(".login-card").first
    expect(first.locator("dd").nth(1)).to_contain_text(shown)
    expect(first.locator("dl")).not_to_contain_text(eid)
    expect(page.locator(".history-results")).to_contain_text("Tidene er norsk tid.")
    expect(page.locator(".history-legend")).to_contain_text("Felles innlogging")


def test_the_skip_link_moves_nothing_so_the_next_click_lands(portal: Portal, page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(portal.url + "/")
    login = page.locator(".site-header").get_by_role("link", name="Logg inn")
    before = login.bounding_box()

    page.keyboard.press("Tab")

    expect(page.locator(".ds-skip-link")).to_be_focused()
    expect(page.locator(".ds-skip-link")).to_be_visible()
    assert login.bounding_box() == before
    login.click()
    expect(page).to_have_url(re.compile(re.escape(portal.emulator.url)))
