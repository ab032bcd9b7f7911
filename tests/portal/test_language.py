"""Switching language through the header's form, the way a browser without JavaScript does."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

SET_LANGUAGE = reverse("set_language")


def form_field(content: bytes, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', content.decode("utf-8"))
    assert match, f"the page has no form field {name!r}"
    return html.unescape(match.group(1))


def browser_on(path: str) -> tuple[Client, str]:
    """A client that enforces CSRF like the real site, and the token from the page it is on."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    return client, form_field(page.content, "csrfmiddlewaretoken")


def html_lang(content: bytes) -> str:
    match = re.search(r'<html lang="([^"]+)"', content.decode("utf-8"))
    assert match
    return match.group(1)


@pytest.mark.parametrize("language", ["nn", "en", "nb"])
def test_switching_sets_the_cookie_and_the_next_page_comes_back_in_that_language(
    language: str,
) -> None:
    client, token = browser_on(reverse("portal:help"))

    response = client.post(
        SET_LANGUAGE,
        {"language": language, "next": reverse("portal:help"), "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert html_lang(client.get(response["Location"]).content) == language


def test_the_form_brings_you_back_to_the_page_you_were_on() -> None:
    path = f"{reverse('portal:privacy')}?from=footer"
    client, token = browser_on(path)
    page = client.get(path)

    response = client.post(
        SET_LANGUAGE,
        {
            "language": "nn",
            "next": form_field(page.content, "next"),
            "csrfmiddlewaretoken": token,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == path


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/hjelp/", "http:evil.example"]
)
def test_an_off_site_next_is_not_followed(next_url: str) -> None:
    client, token = browser_on(reverse("portal:front"))

    response = client.post(
        SET_LANGUAGE, {"language": "en", "next": next_url, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_switch_without_the_csrf_token_is_refused() -> None:
    client, _ = browser_on(reverse("portal:front"))

    response = client.post(SET_LANGUAGE, {"language": "en", "next": "/"})

    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_an_unknown_language_changes_nothing() -> None:
    client, token = browser_on(reverse("portal:front"))

    response = client.post(
        SET_LANGUAGE, {"language": "xx", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert html_lang(client.get("/").content) == "nb"
