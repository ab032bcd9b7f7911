"""The whole site the way an accessibility auditor tries it (issue 15): every page and state in
every language through tests/browser/audit.py, a keyboard-only journey with the focus always
visible, WCAG 1.4.12 text spacing, and the citizen's journey with JavaScript off.

`make a11y` runs this file and writes its Markdown report (A11Y_REPORT).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from caseworker.services import preview_start
from tests.browser.audit import (
    RESULTS,
    Result,
    audit,
    failures_described,
    journey_record,
    report_path,
    report_write,
    sideways_overflow,
)
from tests.browser.conftest import CONTEXT
from tests.browser.flows import log_in, log_in_at_id_porten
from tests.caseworker.support import CASEWORKER_PID, CITIZEN_PID, user_with
from tests.emulator.test_loginhistory_api import forget_logins
from tests.idporten.portal_flow import Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_CITIZEN = "11810160073"
HEAVY_USER = "23917130140"  # 10,000 logins
REASON = "Sak 2026/4711: ringte om innlogging"


@pytest.fixture(scope="module", autouse=True)
def a11y_report() -> Iterator[None]:
    yield
    path = report_path()
    if path is not None:
        report_write(RESULTS, path)


def goto(url: str) -> Callable[[Page], None]:
    return lambda page: page.goto(url) and None


def audited(page: Page, portal: Portal, name: str, states: dict[str, Callable[[Page], None]]):
    failures: list[Result] = []
    for state, open_state in states.items():
        failures += audit(page, portal.url, name=name, state=state, open_state=open_state)
    assert not failures, failures_described(failures)


def test_the_public_pages(portal: Portal, page: Page) -> None:
    def cancelled_login(page: Page) -> None:
        page.goto(portal.url + "/logg-inn/")
        page.locator("button[name=cancel]").click()
        expect(page).to_have_url(re.compile(re.escape(portal.url)))

    audited(
        page,
        portal,
        "public",
        {
            "front page": goto(portal.url + "/"),
            "help": goto(portal.url + "/hjelp/"),
            "accessibility statement": goto(portal.url + "/tilgjengelighet/"),
            "privacy": goto(portal.url + "/personvern/"),
            "logged out": goto(portal.url + "/logget-ut/"),
            "login cancelled": cancelled_login,
            "page not found": goto(portal.url + "/finnes-ikke/"),
        },
    )


def first_link_to(page: Page, path_part: str) -> str:
    href = page.locator(f"main a[href*='{path_part}']").first.get_attribute("href")
    assert href, f"no link to {path_part} on {page.url}"
    return href


def test_a_citizens_pages(portal: Portal, page: Page, authlevel_at_emulator) -> None:
    caseworker = user_with("caseworker-sub", "preview_citizen")
    preview_start(
        caseworker=caseworker, caseworker_pid=CASEWORKER_PID, pid=CITIZEN_PID, reason=REASON
    )
    log_in(page, portal, CITIZEN_PID, eid="MinID")
    history = portal.url + "/min-side/"
    not_me = portal.url + first_link_to(page, "/var-ikke-meg/")
    lookup = portal.url + first_link_to(page, "/oppslag/")

    def upstream_failing(page: Page) -> None:
        cache.clear()
        portal.emulator.fault("loginhistory", "http_503")
        page.goto(history)

    def stale_logout(page: Page) -> None:
        # A tab left open across a login elsewhere: its form's token no longer holds.
        page.goto(history)
        page.locator("form.logout-form input[name=csrfmiddlewaretoken]").first.evaluate(
            "input => input.value = 'x'.repeat(64)"
        )
        page.locator("form.logout-form button").first.click()
        expect(page.locator("h1")).to_be_visible()

    audited(
        page,
        portal,
        "history",
        {
            "with data and lookups": goto(history),
            "no match": goto(history + "?sok=finnes-ikke"),
            "filter errors": goto(history + "?fra=2025-02-30&eid=NemID"),
            "was this not you": goto(not_me),
            "an unfamiliar lookup": goto(lookup),
            "history API failing": upstream_failing,
            "logout refused (stale tab)": stale_logout,
        },
    )


def test_an_empty_and_a_heavy_history(portal: Portal, page: Page) -> None:
    log_in(page, portal, NEW_CITIZEN, eid="MinID")
    forget_logins(portal.emulator, NEW_CITIZEN)
    cache.clear()
    audited(page, portal, "history", {"empty": goto(portal.url + "/min-side/")})

    page.context.clear_cookies()
    log_in(page, portal, HEAVY_USER, eid="MinID")
    audited(
        page,
        portal,
        "history",
        {
            "10,000 logins": goto(portal.url + "/min-side/"),
            "10,000 logins, filtered and sorted": goto(
                portal.url + "/min-side/?eid=MinID&sorter=-tjeneste&side=3"
            ),
        },
    )


def test_a_login_without_a_national_identity_number(portal: Portal, page: Page) -> None:
    page.goto(portal.url + "/logg-inn/")
    page.locator("button[name=persona][value='eidas-erika']").click()
    expect(page).to_have_url(portal.url + "/min-side/")
    audited(page, portal, "history", {"without national identity number": goto(page.url)})


def test_the_caseworkers_pages(portal: Portal, page: Page, authlevel_at_emulator) -> None:
    call_command("grant_caseworker", CASEWORKER_PID)
    page.goto(portal.url + "/saksbehandler/")
    log_in_at_id_porten(page, CASEWORKER_PID, "BankID")
    start = portal.url + "/saksbehandler/"
    preview_url = start + "forhandsvisning/"

    def form_errors(page: Page) -> None:
        page.goto(start)
        page.locator("form.caseworker-form button[type=submit]").click()
        expect(page.locator(".ds-error-summary")).to_be_visible()

    def preview(page: Page) -> None:
        page.goto(preview_url)  # the preview of the language before, while it lasts
        if page.url == preview_url:
            return
        page.goto(start)
        page.locator("input[name=pid]").fill(CITIZEN_PID)
        page.locator("input[name=reason]").fill(REASON)
        page.locator("form.caseworker-form button[type=submit]").click()
        expect(page).to_have_url(preview_url)

    audited(
        page,
        portal,
        "caseworker",
        {"start": goto(start), "form errors": form_errors, "preview": preview},
    )


FOCUS_VISIBLE = """el => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {
    visible: outline || shadow,
    inside: box.left >= -1 && box.right <= window.innerWidth + 1,
    name: el.tagName + (el.id ? '#' + el.id : '') + ' '
      + (el.textContent || '').trim().slice(0, 40),
  };
}"""


def keyboard_stops(page: Page, limit: int = 150) -> list[dict]:
    """Tab through the page from its top until focus leaves it; each stop as FOCUS_VISIBLE."""
    stops: list[dict] = []
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if page.evaluate("el => el === document.body || el === null", focused):
            break
        stops.append(page.evaluate(FOCUS_VISIBLE, focused))
    return stops


@pytest.mark.parametrize("width", [320, 1280])
def test_the_keyboard_journey_shows_where_the_focus_is(
    portal: Portal, page: Page, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, portal, CITIZEN_PID)
    pages = [portal.url + "/min-side/", portal.url + first_link_to(page, "/var-ikke-meg/")]

    problems = []
    for url in pages:
        page.goto(url)
        stops = keyboard_stops(page)
        assert len(stops) > 5, f"the keyboard reaches almost nothing on {url}"
        problems += [f"{url}: {s['name']}: focus not visible" for s in stops if not s["visible"]]
        problems += [f"{url}: {s['name']}: outside the screen" for s in stops if not s["inside"]]
    journey_record("keyboard", f"focus visible and on screen at {width} px", problems)
    assert not problems, "\n".join(problems)


def test_the_skip_link_does_not_move_the_page(portal: Portal, page: Page) -> None:
    page.goto(portal.url + "/")
    main_top = page.locator("main").bounding_box()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('ds-skip-link')")
    after = page.locator("main").bounding_box()
    problems = [] if after == main_top else [f"main moved from {main_top} to {after}"]
    journey_record("keyboard", "the skip link does not move the page", problems)
    assert not problems, problems


# WCAG 1.4.12: line height 1.5, paragraph spacing 2, letter spacing 0.12, word spacing 0.16.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(el => {
  const style = getComputedStyle(el);
  const hiding = value => value === 'hidden' || value === 'clip';
  const hides = hiding(style.overflowX) || hiding(style.overflowY);
  // Visually hidden on purpose (ds-sr-only, an unfocused skip link): a 1 px box.
  const hidden = el.closest('.ds-sr-only') || el.clientWidth <= 1 || el.clientHeight <= 1;
  if (!hides || hidden || !el.textContent.trim()) return false;
  return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
}).map(el => el.tagName + '.' + el.className)"""


@pytest.fixture
def page_with_our_styles_added(browser: Browser) -> Iterator[Page]:
    """A page on which the test may add a style sheet, as a reader's browser extension does:
    the site's CSP would refuse it (CSP does not bind a browser's own extensions)."""
    context = browser.new_context(**CONTEXT, locale="nb-NO", bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_text_spacing_clips_nothing(
    portal: Portal, page_with_our_styles_added: Page, width: int
) -> None:
    page = page_with_our_styles_added
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, portal, CITIZEN_PID)
    problems = []
    for url in (portal.url + "/min-side/", portal.url + "/", portal.url + "/hjelp/"):
        page.goto(url)
        page.add_style_tag(content=TEXT_SPACING)
        if sideways_overflow(page) > 0:
            problems.append(f"{url} scrolls sideways")
        problems += [f"{url}: {element} clips its text" for element in page.evaluate(CLIPPED)]
    journey_record("text spacing", f"nothing clipped at {width} px", problems)
    assert not problems, "\n".join(problems)


@pytest.fixture
def page_without_javascript(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(**CONTEXT, locale="nb-NO", java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_the_citizens_journey_without_javascript(
    portal: Portal, page_without_javascript: Page
) -> None:
    page = page_without_javascript
    problems: list[str] = []
    try:
        log_in(page, portal, CITIZEN_PID)

        page.get_by_text("Filtrer innloggingene").click()
        page.get_by_label("BankID", exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Vis innlogginger").click()
        expect(page).to_have_url(re.compile(r"eid=BankID"))
        page.get_by_role("link", name="Tjeneste", exact=True).click()
        expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Tjeneste")
        page.get_by_role("navigation", name="Sider i historikken").get_by_role(
            "link", name="Neste"
        ).click()
        expect(page.locator(".ds-pagination [aria-current=true]")).to_contain_text("2")

        page.goto(portal.url + first_link_to(page, "/var-ikke-meg/"))
        expect(page.locator("h1")).to_be_visible()

        page.goto(portal.url + "/min-side/")
        page.locator("form.logout-form button").first.click()
        # Without the script, the end-session page's own button takes the citizen on.
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(re.escape(portal.url) + "/logget-ut/"))
    except Exception as failure:  # expect() and timeouts alike
        problems.append(str(failure).splitlines()[0])
        raise
    finally:
        journey_record("no JavaScript", "filter, sort, page, not-me page, logout", problems)
