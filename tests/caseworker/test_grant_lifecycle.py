"""Every way a grant ends takes the permission away at once, through one code path, and every
grant given, applied and taken back is an append-only record of who, whom, when and how."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from caseworker.models import CaseworkerGrant, GrantRecord
from caseworker.services import caseworker_grant_apply
from idporten.session import store_login
from idporten.types import Acr
from tests.caseworker.support import (
    ADMIN_PID,
    CITIZEN_PID,
    administrator_client,
    log_in,
    user_with,
)

pytestmark = pytest.mark.django_db

PREVIEW = "caseworker.preview_citizen"
CASEWORKER = "15878510035"  # the number the grants in these tests are for


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # has_perm caches on the instance


@pytest.fixture
def caseworker() -> User:
    """A caseworker whose grant was applied at a login."""
    call_command("grant_caseworker", CASEWORKER)
    user = User.objects.create_user(username="caseworker-sub")
    caseworker_grant_apply(user=user, pid=CASEWORKER)
    assert fresh(user).has_perm(PREVIEW)
    return user


@pytest.fixture
def admin_client(caseworker: User) -> Client:
    client = Client()
    administrator_client(
        client, "add_caseworkergrant", "view_caseworkergrant", "delete_caseworkergrant"
    )
    return client


def can_open_the_caseworker_pages(user: User) -> bool:
    client = Client()
    log_in(client, fresh(user), pid=CASEWORKER)
    return client.get(reverse("caseworker:start")).status_code == 200


def test_an_admin_delete_takes_the_permission_away_at_once(admin_client, caseworker):
    grant = CaseworkerGrant.objects.get()
    url = reverse("admin:caseworker_caseworkergrant_delete", args=[grant.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not CaseworkerGrant.objects.exists()
    assert not fresh(caseworker).has_perm(PREVIEW)
    assert not can_open_the_caseworker_pages(caseworker)


def test_the_admins_bulk_delete_takes_every_permission_away(admin_client, caseworker):
    changelist = reverse("admin:caseworker_caseworkergrant_changelist")
    selected = list(CaseworkerGrant.objects.values_list("pk", flat=True))

    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )

    assert not CaseworkerGrant.objects.exists()
    assert not fresh(caseworker).has_perm(PREVIEW)
    (revoked,) = GrantRecord.objects.filter(action=GrantRecord.Action.REVOKED)
    assert revoked.how == GrantRecord.How.ADMIN_BULK


def test_the_number_of_a_grant_cannot_be_edited_in_the_admin(admin_client, caseworker):
    grant = CaseworkerGrant.objects.get()
    url = reverse("admin:caseworker_caseworkergrant_change", args=[grant.pk])

    admin_client.post(url, {"pid": CITIZEN_PID})

    assert CaseworkerGrant.objects.get().pid == CASEWORKER
    assert fresh(caseworker).has_perm(PREVIEW)


def test_a_grant_added_in_the_admin_is_recorded_with_its_admin(admin_client):
    url = reverse("admin:caseworker_caseworkergrant_add")

    response = admin_client.post(url, {"pid": "04899220043"})

    assert response.status_code == 302
    assert CaseworkerGrant.objects.filter(pid="04899220043").exists()
    record = GrantRecord.objects.get(pid="04899220043")
    assert (record.action, record.how) == (GrantRecord.Action.GRANTED, GrantRecord.How.ADMIN)
    assert (record.actor, record.actor_pid) == ("admin-sub", ADMIN_PID)


def test_the_command_takes_back_a_permission_whose_grant_is_already_gone(caseworker, capsys):
    # Deleted behind the service's back (a shell, say): the permission goes with the row ...
    CaseworkerGrant.objects.all().delete()
    assert not fresh(caseworker).has_perm(PREVIEW)
    # ... and one given by hand to the same person is found through the grant records.
    user_with_again = fresh(caseworker)
    user_with_again.user_permissions.add(
        *user_with("someone-else", "preview_citizen").user_permissions.all()
    )
    assert fresh(caseworker).has_perm(PREVIEW)

    call_command("grant_caseworker", CASEWORKER, "--revoke")

    assert not fresh(caseworker).has_perm(PREVIEW)
    assert "Revoked 158785*****." in capsys.readouterr().out


def test_a_revoke_of_a_number_never_granted_says_so(capsys):
    call_command("grant_caseworker", CITIZEN_PID, "--revoke")

    assert "had no grant and no permission" in capsys.readouterr().out
    assert not GrantRecord.objects.exists()


def test_the_records_tell_the_whole_story(caseworker):
    call_command("grant_caseworker", CASEWORKER, "--revoke")

    records = list(GrantRecord.objects.order_by("pk"))
    assert [(r.action, r.how) for r in records] == [
        (GrantRecord.Action.GRANTED, GrantRecord.How.COMMAND),
        (GrantRecord.Action.APPLIED, GrantRecord.How.LOGIN),
        (GrantRecord.Action.REVOKED, GrantRecord.How.COMMAND),
    ]
    assert {r.pid for r in records} == {CASEWORKER}
    assert records[1].user == records[2].user == caseworker
    assert "@" in records[0].actor  # the account and host that ran the command


def test_a_grant_applied_at_login_shows_the_header_link_at_once(caseworker: User) -> None:
    """The header's link is noted in the session at login, after the grant is applied: the
    first page after the login that made someone a caseworker already links to their pages."""
    call_command("grant_caseworker", ADMIN_PID)
    newcomer = User.objects.create_user(username="newcomer-sub")
    # A login as the backend makes it: the pid is in the session before login() runs.
    client = Client()
    session = client.session
    store_login(
        session,
        claims={"pid": ADMIN_PID, "acr": Acr.HIGH, "amr": ["BankID"], "sid": "sid-newcomer"},
        token_response={"access_token": "not-used", "id_token": "not-used", "expires_in": 120},
    )
    session.save()
    request = RequestFactory().get("/")
    request.session = session
    login(request, newcomer, backend="idporten.backend.IdPortenBackend")
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key

    front = client.get(reverse("portal:front")).content.decode()

    assert fresh(newcomer).has_perm(PREVIEW)
    assert f'href="{reverse("caseworker:start")}"' in front
