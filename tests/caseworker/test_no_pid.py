"""A login without a national identity number (docs/idporten.md 8.3) can never be a caseworker:
the audit trail names every caseworker by their number, grants are made for numbers, and the
pages refuse such a login even at the high level and even with the permission."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from caseworker.models import CaseworkerGrant
from caseworker.services import caseworker_grant_apply
from tests.caseworker.support import CITIZEN_PID, log_in, user_with
from tests.caseworker.test_access import EVERY_CASEWORKER_URL
from tests.idporten.portal_flow import Portal

PREVIEW = "caseworker.preview_citizen"
# eidas-loa-high: the high level the caseworker pages ask for, and no number.
FOREIGN_HIGH = {"eid": "eIDAS", "person": "eidas-erika", "level": "high"}


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # has_perm caches on the instance


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "name"), EVERY_CASEWORKER_URL)
def test_with_both_permissions_at_the_high_level_and_no_number_every_page_is_404(
    client: Client, method: str, name: str
):
    user = user_with("foreign-sub", "preview_citizen", "view_audit")
    log_in(client, user, pid="", acr="eidas-loa-high")

    response = getattr(client, method)(reverse(name), {"pid": CITIZEN_PID, "reason": "x"})

    assert response.status_code == 404


@pytest.mark.django_db
def test_no_grant_can_be_made_for_an_empty_number():
    with pytest.raises(CommandError):
        call_command("grant_caseworker", "")
    with pytest.raises(ValidationError):
        CaseworkerGrant(pid="").full_clean()
    assert not CaseworkerGrant.objects.exists()


@pytest.mark.django_db
def test_a_stray_grant_for_an_empty_number_is_never_applied():
    CaseworkerGrant.objects.create(pid="")  # behind the validator's back
    user = User.objects.create_user(username="email-sub")

    caseworker_grant_apply(user=user, pid="")

    assert not fresh(user).has_perm(PREVIEW)


@pytest.mark.django_db(transaction=True)
class TestAtARealLogin:
    def test_a_login_without_a_number_gets_no_permission_and_no_page(self, portal: Portal):
        CaseworkerGrant.objects.create(pid="")  # the worst case: a grant that matches ""
        browser = portal.browser()
        page = portal.submit(browser, portal.start_login(browser), **FOREIGN_HIGH)
        assert portal.path_of(page) == "/min-side/"

        user = User.objects.get()
        assert not user.has_perm(PREVIEW)
        assert not user.is_staff
        start = browser.get(f"{portal.url}/saksbehandler/", allow_redirects=False, timeout=10)
        assert start.status_code == 404

    def test_a_permission_given_by_hand_does_not_open_the_pages_either(self, portal: Portal):
        browser = portal.browser()
        portal.submit(browser, portal.start_login(browser), **FOREIGN_HIGH)
        user = User.objects.get()
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="caseworker", codename="preview_citizen")
        )

        for name in ("caseworker:start", "caseworker:preview"):
            response = browser.get(portal.url + reverse(name), allow_redirects=False, timeout=10)
            assert response.status_code == 404
