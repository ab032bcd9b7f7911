"""Who reaches the caseworker pages: nobody without the permission (404), nobody below the
high level (step-up), and the audit export only with view_audit."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from caseworker.models import PreviewLookup
from idporten.types import Acr
from tests.caseworker.support import CITIZEN_PID, caseworker_client, log_in, user_with

pytestmark = pytest.mark.django_db

EVERY_CASEWORKER_URL = [
    ("get", "caseworker:start"),
    ("post", "caseworker:start"),
    ("get", "caseworker:preview"),
    ("post", "caseworker:leave"),
    ("get", "caseworker:audit-export"),
]


EVERY_METHOD = ("get", "head", "options", "post", "put", "patch", "delete")
EVERY_NAME = sorted({name for _, name in EVERY_CASEWORKER_URL})


@pytest.mark.parametrize("method", EVERY_METHOD)
@pytest.mark.parametrize("name", EVERY_NAME)
def test_a_citizen_without_the_permission_gets_404(client, method, name):
    """For every method, the ones a page does not take included: a 405 would tell that the
    page exists. (The test client skips the CSRF check, as a request that passed it.)"""
    log_in(client, user_with("citizen-sub"), pid=CITIZEN_PID)

    response = getattr(client, method)(reverse(name), {"pid": CITIZEN_PID, "reason": "x"})

    assert response.status_code == 404


@pytest.mark.parametrize(("method", "name"), EVERY_CASEWORKER_URL)
def test_someone_not_logged_in_is_sent_to_log_in_at_the_high_level(client, method, name):
    response = getattr(client, method)(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("idporten:login"))
    assert "level=high" in response["Location"]


@pytest.mark.parametrize(("method", "name"), EVERY_CASEWORKER_URL[:4])
def test_a_caseworker_logged_in_at_the_substantial_level_is_stepped_up(client, method, name):
    caseworker_client(client, acr=Acr.SUBSTANTIAL)

    response = getattr(client, method)(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == f"/logg-inn/?next={reverse(name).replace('/', '%2F')}&level=high"


def test_the_audit_export_is_404_for_a_caseworker_without_view_audit(client):
    caseworker_client(client)

    assert client.get(reverse("caseworker:audit-export")).status_code == 404


def test_a_caseworker_at_the_high_level_sees_the_start_form(client):
    caseworker_client(client)

    response = client.get(reverse("caseworker:start"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Preview a citizen's page" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_start_form_refuses_a_post_without_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    caseworker_client(client)

    response = client.post(reverse("caseworker:start"), {"pid": CITIZEN_PID, "reason": "x"})

    assert response.status_code == 403
    assert not PreviewLookup.objects.exists()


def header_links(page: str) -> list[str]:
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    return re.findall(r'<a class="ds-link" href="([^"]+)"[^>]*>', header)


def test_the_header_leads_a_caseworker_to_the_caseworker_pages(client: Client) -> None:
    caseworker_client(client)

    front = client.get(reverse("portal:front"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = client.get(reverse("caseworker:start"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert reverse("caseworker:start") in header_links(front)
    assert f'href="{reverse("caseworker:start")}" aria-current="page">For caseworkers<' in start
    assert 'aria-current="page">For caseworkers<' not in front


def test_the_header_has_no_caseworker_link_for_a_citizen(client: Client) -> None:
    log_in(client, user_with("citizen-sub"), pid=CITIZEN_PID)

    front = client.get(reverse("portal:front")).content.decode()

    assert reverse("caseworker:start") not in header_links(front)
    assert reverse("loginhistory:overview") in header_links(front)
