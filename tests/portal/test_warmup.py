"""Before the first request, every template is compiled and every catalogue read
(portal/warmup.py): a worker forked from the loaded application serves its first pages as
fast as its later ones."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from django.template import engines
from django.template.base import Template
from django.test import Client

from portal.warmup import warm_up

pytestmark = pytest.mark.django_db


def compiled_while_serving(client: Client, path: str) -> int:
    compile_nodelist = Template.compile_nodelist
    with mock.patch.object(
        Template, "compile_nodelist", autospec=True, side_effect=compile_nodelist
    ) as compiling:
        assert client.get(path, HTTP_ACCEPT_LANGUAGE="nn").status_code == 200
    return compiling.call_count  # type: ignore[no-any-return]


def forget_compiled_templates() -> None:
    for loader in engines["django"].engine.template_loaders:
        loader.reset()


@pytest.fixture(autouse=True)
def _compiled_afresh_afterwards() -> Iterator[None]:
    """What these tests compiled is not what later tests get."""
    yield
    forget_compiled_templates()


def test_after_the_warm_up_a_page_compiles_no_template(client: Client) -> None:
    forget_compiled_templates()

    warm_up()

    assert compiled_while_serving(client, "/") == 0
    assert compiled_while_serving(client, "/hjelp/") == 0


def test_without_it_the_first_page_compiles_its_templates(client: Client) -> None:
    """That the test above can fail: the loader compiles on first use."""
    forget_compiled_templates()

    assert compiled_while_serving(client, "/") > 0
