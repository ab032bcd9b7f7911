"""The page's parts rendered from the history alone are rendered on a pool thread, for its
short call stack (loginhistory/fragments.py), and come out as the request's own thread would
have rendered them: in the page's language and time zone, with its URL prefix."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.test.signals import template_rendered
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import timezone

from tests.loginhistory.conftest import StubApi, item

pytestmark = pytest.mark.django_db

RENDERED_APART = ("loginhistory/_filter_and_results.html", "loginhistory/_summary.html")


@pytest.fixture
def render_threads() -> Iterator[dict[str, set[int]]]:
    """The threads each template was rendered on, by the template's name."""
    threads: dict[str, set[int]] = {}

    def rendered(sender: object, template: Any, **kwargs: object) -> None:
        threads.setdefault(template.name, set()).add(threading.get_ident())

    template_rendered.connect(rendered)
    yield threads
    template_rendered.disconnect(rendered)


def test_the_parts_from_the_history_render_on_a_thread_of_their_own(
    citizen: Client, api: StubApi, render_threads: dict[str, set[int]]
) -> None:
    api.history([item("2025-03-07T09:26:36")])

    assert citizen.get("/min-side/").status_code == 200

    (page_thread,) = render_threads["loginhistory/overview.html"]
    for name in RENDERED_APART:
        assert render_threads[name] and page_thread not in render_threads[name], name


def test_they_are_rendered_in_the_language_of_the_page(citizen: Client, api: StubApi) -> None:
    api.history([item("2025-03-07T09:26:36")])
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "nn"

    page = citizen.get("/min-side/").content.decode()

    assert "Filtrer innloggingane" in page  # inside the filter, rendered apart
    assert "Filtrer innloggingene" not in page  # bokmål, the default


def test_they_are_rendered_in_the_time_zone_of_the_page(citizen: Client, api: StubApi) -> None:
    # 09:26 in Oslo in March is 08:26 UTC.
    api.history([item("2025-03-07T09:26:36")])

    with timezone.override(ZoneInfo("UTC")):
        page = citizen.get("/min-side/").content.decode()

    assert '<time datetime="2025-03-07T08:26:36+00:00">' in page


def test_their_links_keep_the_address_prefix_of_the_page(citizen: Client, api: StubApi) -> None:
    api.history([item("2025-03-07T09:26:36")])
    set_script_prefix("/portal/")
    try:
        page = citizen.get("/min-side/").content.decode()
    finally:
        clear_script_prefix()

    (action,) = re.findall(r'<form method="get" action="([^"]*)"', page)
    assert action == "/portal/min-side/#results"
