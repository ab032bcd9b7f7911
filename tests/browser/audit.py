"""The checks an accessibility auditor makes of one page state, in every language, and the
report `make a11y` writes of them.

Each state is opened afresh in each language (a state reached by a POST cannot be reloaded),
then checked at a desktop width and at the widths of small phones:
- axe-core (WCAG 2.0/2.1 A and AA) at 1280 and at 320 CSS px;
- no sideways scrolling at 320, 375 and 390 px (WCAG 1.4.10), nor at 640 px, which is a
  1280 px screen zoomed to 200 % (WCAG 1.4.4).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

from tests.browser.axe import axe_violations, describe

LANGUAGES = ("nb", "nn", "en")
DESKTOP = {"width": 1280, "height": 800}
PHONE_WIDTHS = (320, 375, 390)
ZOOMED_200 = 640  # CSS px of a 1280 px screen at 200 %
HEIGHT = 800


@dataclass(frozen=True)
class Result:
    page: str
    state: str
    language: str
    check: str
    passed: bool
    detail: str = ""


RESULTS: list[Result] = []


def sideways_overflow(page: Page) -> int:
    """How many CSS px the page is wider than the window (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def language_set(page: Page, base_url: str, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


def audit(
    page: Page,
    base_url: str,
    *,
    name: str,
    state: str,
    open_state: Callable[[Page], None],
    languages: tuple[str, ...] = LANGUAGES,
) -> list[Result]:
    """Open the state in each language and check it; every result is also kept for the report.
    Returns the failures."""
    results: list[Result] = []

    def record(language: str, check: str, passed: bool, detail: str = "") -> None:
        results.append(Result(name, state, language, check, passed, detail))

    for language in languages:
        language_set(page, base_url, language)
        page.set_viewport_size(DESKTOP)
        open_state(page)
        shown = page.locator("html").get_attribute("lang")
        record(language, "language", shown == language, f"html lang={shown}")
        for width in (DESKTOP["width"], PHONE_WIDTHS[0]):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            violations = axe_violations(page)
            record(language, f"axe at {width} px", not violations, describe(violations))
        for width in (*PHONE_WIDTHS, ZOOMED_200):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            overflow = sideways_overflow(page)
            check = "200 % zoom" if width == ZOOMED_200 else f"no sideways scroll at {width} px"
            record(language, check, overflow <= 0, f"{overflow} px too wide" if overflow else "")
    RESULTS.extend(results)
    return [result for result in results if not result.passed]


def failures_described(failures: list[Result]) -> str:
    return "\n".join(
        f"{f.page} / {f.state} / {f.language}: {f.check}: {f.detail}" for f in failures
    )


def journey_record(name: str, check: str, problems: list[str]) -> list[str]:
    """Keep a journey's result (keyboard, text spacing, no JavaScript) for the report."""
    RESULTS.append(Result(name, "journey", "nb", check, not problems, "\n".join(problems)))
    return problems


def _cell(result: Result | None) -> str:
    if result is None:
        return ""
    if result.passed:
        return "passed"
    return "**failed** " + result.detail.replace("|", "\\|").replace("\n", "<br>")


def report_write(results: list[Result], path: Path) -> None:
    """Markdown: one row per page, state and language with a column per check; then the
    journeys."""
    matrix = [result for result in results if result.state != "journey"]
    journeys = [result for result in results if result.state == "journey"]
    checks = list(dict.fromkeys(result.check for result in matrix))
    rows: dict[tuple[str, str, str], dict[str, Result]] = {}
    for result in matrix:
        rows.setdefault((result.page, result.state, result.language), {})[result.check] = result
    lines = [
        "# Accessibility report",
        "",
        "Written by `make a11y` (tests/browser/test_audit.py): axe-core with the WCAG 2.0 and",
        "2.1 A and AA rules, sideways scrolling at phone widths and at 200 % zoom (640 CSS px),",
        "then the keyboard journey, WCAG 1.4.12 text spacing and the journey without JavaScript.",
        "",
        f"{sum(r.passed for r in results)} of {len(results)} checks passed.",
        "",
        "| page | state | language | " + " | ".join(checks) + " |",
        "| --- | --- | --- | " + " | ".join("---" for _ in checks) + " |",
    ]
    for (page, state, language), by_check in rows.items():
        cells = " | ".join(_cell(by_check.get(check)) for check in checks)
        lines.append(f"| {page} | {state} | {language} | {cells} |")
    lines += ["", "| journey | check | result |", "| --- | --- | --- |"]
    lines += [f"| {r.page} | {r.check} | {_cell(r)} |" for r in journeys]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def report_path() -> Path | None:
    """Where `make a11y` wants the report (A11Y_REPORT); None in a plain test run."""
    value = os.environ.get("A11Y_REPORT", "")
    return Path(value) if value else None
