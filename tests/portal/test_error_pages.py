"""The error pages (portal/errors.py) in production (DEBUG off, as in every test run): the
site's layout, the reader's language, a way back; the CSRF failure offers what the refused
form was for again; the 500 page renders without the database, the session or the context
processors.

The module is its own URLconf: the portal's URLs and its handlers, and views that fail."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import translation

from idporten import views as idporten_views
from idporten.http import IdPortenUnavailable
from portal import errors
from portal import urls as portal_urls
from tests.caseworker.support import CITIZEN_PID, log_in


def _fails_with_database_error(request: HttpRequest) -> HttpResponse:
    raise DatabaseError("the database is gone")


def _refuses(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _cannot_read(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a request no browser sends")


urlpatterns = [
    path("test/500/", _fails_with_database_error),
    path("test/403/", _refuses),
    path("test/400/", _cannot_read),
    *portal_urls.urlpatterns,
]
handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500

pytestmark = pytest.mark.urls(__name__)

NOT_FOUND = {"nb": "Fant ikke siden", "nn": "Fann ikkje sida", "en": "Page not found"}
SERVER_ERROR = {
    "nb": "Beklager, det er et problem med tjenesten",
    "nn": "Orsak, det er eit problem med tenesta",
    "en": "Sorry, there is a problem with the service",
}
OUT_OF_DATE = {
    "nb": "Siden du sendte fra, var utdatert",
    "en": "The page you sent from was out of date",
}


def html_lang(content: bytes) -> str:
    match = re.search(r'<html lang="([^"]+)"', content.decode())
    assert match
    return match.group(1)


def heading(content: bytes) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", content.decode(), re.S)
    assert match
    return " ".join(html.unescape(match.group(1)).split())


def title(content: bytes) -> str:
    match = re.search(r"<title>(.*?)</title>", content.decode(), re.S)
    assert match
    return " ".join(html.unescape(match.group(1)).split())


def form_fields(content: bytes, action: str) -> dict[str, str]:
    """The hidden fields of the first form on the page that posts to `action`."""
    page = content.decode()
    form = re.search(rf'<form[^>]* action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form posts to {action}"
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form[1])
    }


def is_branded_with_a_way_back(content: bytes) -> bool:
    page = content.decode()
    return 'class="site-header"' in page and f'href="{reverse("portal:front")}"' in page


# --- 404 ---


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_an_unknown_address_follows_the_language_cookie(client: Client, language: str) -> None:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/finnes-ikke/")

    assert response.status_code == 404
    assert html_lang(response.content) == language
    assert heading(response.content) == NOT_FOUND[language]
    assert title(response.content).startswith(NOT_FOUND[language])
    assert is_branded_with_a_way_back(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "language"), [("en-GB,en;q=0.8", "en"), ("nn", "nn")])
def test_an_unknown_address_follows_accept_language_without_a_cookie(
    client: Client, accept: str, language: str
) -> None:
    response = client.get("/finnes-ikke/", HTTP_ACCEPT_LANGUAGE=accept)

    assert html_lang(response.content) == language
    assert heading(response.content) == NOT_FOUND[language]


@pytest.mark.django_db
def test_the_language_switcher_on_a_404_stays_on_that_address(client: Client) -> None:
    response = client.get("/finnes-ikke/?fra=lenke")

    assert (
        form_fields(response.content, reverse("set_language"))["next"] == "/finnes-ikke/?fra=lenke"
    )


@pytest.mark.django_db
def test_a_404_keeps_a_logged_in_citizens_header(client: Client) -> None:
    log_in(client, User.objects.create_user("citizen-sub"), pid=CITIZEN_PID)

    response = client.get("/finnes-ikke/")

    assert response.status_code == 404
    assert reverse("idporten:logout") in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_resolvers_message_is_never_shown(client: Client) -> None:
    page = client.get("/finnes-ikke/").content.decode()

    assert "finnes-ikke" not in page.split("<main", 1)[1]
    assert "URLconf" not in page


# --- 400, 403 ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path_", "status", "expected"),
    [
        ("/test/400/", 400, "The page could not be shown"),
        ("/test/403/", 403, "You do not have access to this page"),
    ],
)
def test_bad_and_refused_requests_get_the_sites_page(
    client: Client, path_: str, status: int, expected: str
) -> None:
    response = client.get(path_, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == status
    assert heading(response.content) == expected
    assert is_branded_with_a_way_back(response.content)


# --- 500 ---


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_failing_view_gets_the_sites_500_without_the_database(language: str) -> None:
    # No django_db mark: any query, by the page or by a middleware, fails the test.
    client = Client(raise_request_exception=False)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/test/500/")

    assert response.status_code == 500
    assert html_lang(response.content) == language
    assert heading(response.content) == SERVER_ERROR[language]
    assert is_branded_with_a_way_back(response.content)
    assert "the database is gone" not in response.content.decode()


def _failing_processor(request: HttpRequest) -> dict[str, Any]:
    raise RuntimeError("a context processor failed")


def test_the_500_page_needs_no_session_no_user_and_no_context_processor(settings: Any) -> None:
    engine = {**settings.TEMPLATES[0]}
    engine["OPTIONS"] = {
        "context_processors": [f"{__name__}._failing_processor"],
    }
    settings.TEMPLATES = [engine]
    # Straight from the factory: no session, no user, no preview, nothing a middleware sets.
    request = RequestFactory().get("/min-side/")

    with translation.override("nn"):
        response = errors.server_error(request)

    assert response.status_code == 500
    assert heading(response.content) == SERVER_ERROR["nn"]
    fields = form_fields(response.content, reverse("set_language"))
    assert fields["next"] == "/min-side/"
    assert fields["csrfmiddlewaretoken"]
    assert f'href="{reverse("idporten:login")}"' in response.content.decode()


# --- The CSRF failure ---


def stale_token() -> str:
    """A token of another CSRF secret, as a tab open before a login elsewhere holds."""
    page = Client().get(reverse("portal:front")).content
    return form_fields(page, reverse("set_language"))["csrfmiddlewaretoken"]


def csrf_client(*, logged_in: bool) -> Client:
    client = Client(enforce_csrf_checks=True)
    if logged_in:
        log_in(client, User.objects.create_user("citizen-sub"), pid=CITIZEN_PID)
    client.get(reverse("portal:front"))  # the CSRF cookie
    return client


@pytest.mark.django_db
def test_a_stale_logout_says_so_and_offers_a_logout_that_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = csrf_client(logged_in=True)

    refused = client.post(
        reverse("idporten:logout"),
        {"csrfmiddlewaretoken": stale_token()},
        HTTP_REFERER="http://testserver/min-side/",
    )

    assert refused.status_code == 403
    assert html_lang(refused.content) == "nb"
    assert heading(refused.content) == OUT_OF_DATE["nb"]
    assert "Du er fortsatt logget inn. Logg ut her:" in refused.content.decode()
    assert "_auth_user_id" in client.session
    # The page's own logout button (primary), with a token of the current secret.
    assert 'data-variant="primary" type="submit">Logg ut<' in refused.content.decode()
    fresh = form_fields(refused.content, reverse("idporten:logout"))["csrfmiddlewaretoken"]

    def unreachable() -> None:
        raise IdPortenUnavailable("no ID-porten in this test")

    monkeypatch.setattr(idporten_views, "provider_metadata", unreachable)
    logged_out = client.post(reverse("idporten:logout"), {"csrfmiddlewaretoken": fresh})

    assert logged_out["Location"] == reverse("idporten:logged-out")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_stale_logout_of_someone_already_logged_out_says_they_are() -> None:
    client = csrf_client(logged_in=False)

    refused = client.post(reverse("idporten:logout"), {"csrfmiddlewaretoken": stale_token()})

    assert refused.status_code == 403
    assert "Du er allerede logget ut." in refused.content.decode()
    assert form_fields(refused.content, reverse("set_language"))["next"] == reverse("portal:front")


@pytest.mark.django_db
def test_a_stale_language_choice_leads_back_to_its_page_in_english() -> None:
    client = csrf_client(logged_in=False)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    refused = client.post(
        reverse("set_language"),
        {"language": "nn", "next": "/hjelp/?fra=topp", "csrfmiddlewaretoken": stale_token()},
    )

    assert refused.status_code == 403
    assert html_lang(refused.content) == "en"
    assert heading(refused.content) == OUT_OF_DATE["en"]
    assert 'href="/hjelp/?fra=topp">Go back to the page and try again<' in refused.content.decode()
    # The switcher on the page works, and leads there too (not back to /i18n/setlang/).
    fields = form_fields(refused.content, reverse("set_language"))
    assert fields["next"] == "/hjelp/?fra=topp"
    switched = client.post(reverse("set_language"), {**fields, "language": "nn"})
    assert switched.status_code == 302
    assert switched["Location"] == "/hjelp/?fra=topp"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("referer", "back"),
    [
        ("http://testserver/min-side/?side=2", "/min-side/?side=2"),
        ("https://evil.example/min-side/", None),
        ("http://testserver/saksbehandler/", "/saksbehandler/"),
    ],
)
def test_other_refused_forms_lead_back_only_to_a_page_of_this_site(
    referer: str, back: str | None
) -> None:
    client = csrf_client(logged_in=False)

    refused = client.post(
        reverse("loginhistory:refresh"),
        {"csrfmiddlewaretoken": stale_token()},
        HTTP_REFERER=referer,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert refused.status_code == 403
    page = refused.content.decode()
    if back:
        assert f'href="{html.escape(back)}">Go back to the page and try again<' in page
    else:
        assert "Go back to the page and try again" not in page
        assert "evil.example" not in page
    assert is_branded_with_a_way_back(refused.content)


@pytest.mark.django_db
def test_a_host_name_the_portal_does_not_answer_to_gets_the_sites_400(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="nn")

    assert response.status_code == 400
    assert heading(response.content) == "Sida kunne ikkje visast"
    assert is_branded_with_a_way_back(response.content)


# --- 405 ---


@pytest.mark.django_db
def test_a_logout_address_opened_on_its_own_gets_the_sites_page_and_a_logout() -> None:
    client = csrf_client(logged_in=True)

    page = client.get(reverse("idporten:logout"))

    assert page.status_code == 405
    assert page["Allow"] == "POST"
    assert is_branded_with_a_way_back(page.content)
    assert html_lang(page.content) == "nb"
    assert "Du er fortsatt logget inn. Logg ut her:" in page.content.decode()
    assert form_fields(page.content, reverse("idporten:logout"))["csrfmiddlewaretoken"]
    assert "Content-Security-Policy" in page  # made inside the headers' middleware


@pytest.mark.django_db
def test_another_refused_method_gets_the_sites_page_without_a_logout(client: Client) -> None:
    page = client.get(reverse("loginhistory:refresh"))

    assert page.status_code == 405
    assert is_branded_with_a_way_back(page.content)
    assert "Logg ut her" not in page.content.decode()
