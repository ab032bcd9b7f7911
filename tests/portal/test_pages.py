"""The public pages answer in the language the visitor chose, and link where a citizen needs."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

SERVICE_NAME = {
    "nb": "Min innloggingshistorikk",
    "nn": "Min innloggingshistorikk",
    "en": "My login history",
}

# Each page's own part of the <title>, in each language, and the status it answers with.
PAGE_TITLES = {
    "front": {
        "nb": "Se hvor du har logget inn",
        "nn": "Sjå kvar du har logga inn",
        "en": "See where you have logged in",
    },
    "help": {"nb": "Hjelp", "nn": "Hjelp", "en": "Help"},
    "accessibility": {
        "nb": "Tilgjengelighetserklæring",
        "nn": "Tilgjengelegheitserklæring",
        "en": "Accessibility statement",
    },
    "privacy": {"nb": "Personvern", "nn": "Personvern", "en": "Privacy"},
}
LANGUAGES = ("nb", "nn", "en")
# base.html joins the page's title and the service name with an en dash.
TITLE_SEPARATOR = " \N{EN DASH} "


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    classes: frozenset[str]
    in_footer: bool


class _PageReader(HTMLParser):
    """Collects what these tests look at: <html lang>, <title> and every link."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.title = ""
        self.links: list[Link] = []
        self._in_title = False
        self._footer_depth = 0
        self._open_link: dict[str, str] | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "footer":
            self._footer_depth += 1
        elif tag == "a":
            self._open_link = attributes
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "footer":
            self._footer_depth -= 1
        elif tag == "a" and self._open_link is not None:
            self.links.append(
                Link(
                    href=self._open_link.get("href", ""),
                    text=" ".join("".join(self._link_text).split()),
                    classes=frozenset(self._open_link.get("class", "").split()),
                    in_footer=self._footer_depth > 0,
                )
            )
            self._open_link = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._open_link is not None:
            self._link_text.append(data)


def read_page(content: bytes) -> _PageReader:
    reader = _PageReader()
    reader.feed(content.decode("utf-8"))
    reader.title = " ".join(html.unescape(reader.title).split())
    return reader


def client_speaking(language: str) -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGE_TITLES)
def test_each_public_page_answers_in_the_chosen_language(page: str, language: str) -> None:
    response = client_speaking(language).get(reverse(f"portal:{page}"))

    assert response.status_code == 200
    reader = read_page(response.content)
    assert reader.lang == language
    assert reader.title == PAGE_TITLES[page][language] + TITLE_SEPARATOR + SERVICE_NAME[language]


def test_bokmal_is_the_language_for_a_visitor_who_has_not_chosen() -> None:
    reader = read_page(Client().get(reverse("portal:front")).content)

    assert reader.lang == "nb"
    assert reader.title.endswith(TITLE_SEPARATOR + "Min innloggingshistorikk")


@pytest.mark.parametrize(
    ("language", "button_text"), [("nb", "Logg inn"), ("nn", "Logg inn"), ("en", "Log in")]
)
def test_the_front_page_has_a_log_in_button(language: str, button_text: str) -> None:
    reader = read_page(client_speaking(language).get(reverse("portal:front")).content)

    # One in the header, as on every page, and the big one in the page itself.
    buttons = [link for link in reader.links if "ds-button" in link.classes]
    assert [(b.href, b.text) for b in buttons] == [(reverse("idporten:login"), button_text)] * 2


def test_the_front_page_links_to_the_help_on_logins_that_were_not_you() -> None:
    reader = read_page(Client().get(reverse("portal:front")).content)

    assert f"{reverse('portal:help')}#not-you" in {link.href for link in reader.links}


@pytest.mark.parametrize("section", ["columns", "levels", "not-you"])
def test_the_help_page_has_sections_other_pages_can_link_to(section: str) -> None:
    content = Client().get(reverse("portal:help")).content.decode("utf-8")

    assert re.search(rf'<h2[^>]* id="{section}"', content)


@pytest.mark.parametrize("page", PAGE_TITLES)
def test_the_footer_links_to_the_accessibility_statement_and_privacy_page(page: str) -> None:
    reader = read_page(Client().get(reverse(f"portal:{page}")).content)

    footer_links = {link.href: link.text for link in reader.links if link.in_footer}
    assert footer_links[reverse("portal:accessibility")] == "Tilgjengelighetserklæring"
    assert footer_links[reverse("portal:privacy")] == "Personvern"


@pytest.mark.parametrize("page", ["accessibility", "privacy"])
def test_the_statement_pages_name_the_agency_and_how_to_reach_it(page: str, settings) -> None:
    settings.AGENCY_NAME = "Testetaten"
    settings.CONTACT_EMAIL = "personvern@testetaten.example"

    content = Client().get(reverse(f"portal:{page}")).content.decode("utf-8")

    assert "Testetaten" in content
    assert 'href="mailto:personvern@testetaten.example"' in content
