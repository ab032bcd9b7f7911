"""The client registry is editable in the emulator's Django admin, over HTTP."""

from __future__ import annotations

import re
import secrets
from html.parser import HTMLParser

import requests

from tests.emulator.support import NAV_DEMO_CLIENT, Emulator


class FormValues(HTMLParser):
    """The values a browser would post back from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "checkbox"):
            self.values[name] = attributes.get("value", "")
        elif tag == "input" and name and "checked" in attributes:
            self.values[name] = "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def save(browser: requests.Session, url: str, **changes: str) -> None:
    reader = FormValues()
    reader.feed(browser.get(url, timeout=10).text)
    form = {**reader.values, **changes, "_save": "Save"}
    saved = browser.post(url, data=form, headers={"Referer": url}, timeout=10)
    assert saved.url.endswith("/admin/emulator/client/"), saved.text[:500]


def admin_session(emulator: Emulator) -> requests.Session:
    username, password = f"admin-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    created = emulator.server.manage(
        "shell", "-v", "0", "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser({username!r}, '', {password!r})",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    browser = requests.Session()
    login_page = browser.get(f"{emulator.url}/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    logged_in = browser.post(
        f"{emulator.url}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{emulator.url}/admin/login/"},
        timeout=10,
    )
    assert logged_in.url.endswith("/admin/"), logged_in.text[:300]
    return browser


def test_a_client_is_edited_in_the_admin_and_the_change_takes_effect(emulator: Emulator):
    browser = admin_session(emulator)
    # Searched: the clients other tests register would push these two off the first page.
    listing = browser.get(f"{emulator.url}/admin/emulator/client/?q=local-", timeout=10)
    assert "local-min-innloggingshistorikk" in listing.text
    assert "local-nav-demo" in listing.text

    link = re.search(
        r'href="(/admin/emulator/client/\d+/change/)[^"]*">local-nav-demo<', listing.text
    )
    url = emulator.url + link.group(1)
    save(browser, url, service_name="RENAMED IN THE ADMIN")
    try:
        emulator.code_flow(client=NAV_DEMO_CLIENT, pid="27858815024", eid="MinID")
        assert emulator.login_events("27858815024")[0]["service_name"] == "RENAMED IN THE ADMIN"
    finally:
        save(browser, url, service_name="ARBEIDS- OG VELFERDSETATEN")
