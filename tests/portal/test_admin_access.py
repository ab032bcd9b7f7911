"""The admin: off in production unless enabled, then reached only through an ID-porten login
at the high level by a staff user whose number is on ADMIN_PIDS; no password login at all."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from idporten.session import store_login
from idporten.types import Acr
from tests.caseworker.support import ADMIN_PID, CITIZEN_PID, administrator_client, log_in
from tests.portal.test_settings import manage, production_with

pytestmark = pytest.mark.django_db

User = get_user_model()
ADMIN = "/admin/"


def test_an_administrator_at_the_high_level_reaches_the_admin(client):
    administrator_client(client)
    assert client.get(ADMIN).status_code == 200


def test_an_administrator_at_the_substantial_level_is_stepped_up(client):
    user = User.objects.create_user(username="admin-sub", is_staff=True)
    log_in(client, user, pid=ADMIN_PID, acr=Acr.SUBSTANTIAL)

    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[-1][0] == "/logg-inn/?next=%2Fadmin%2F&level=high"


def test_staff_whose_number_is_not_on_the_list_gets_404(client):
    administrator_client(client, pid=CITIZEN_PID)
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 404


def test_a_citizen_gets_404(client):
    log_in(client, User.objects.create_user(username="citizen-sub"), pid=ADMIN_PID)
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 404


def test_someone_not_logged_in_is_sent_to_id_porten_at_the_high_level(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == "/logg-inn/?next=%2Fadmin%2F&level=high"


def test_there_is_no_password_login(client):
    User.objects.create_superuser(username="root", password="a-password-that-works")
    assert not client.login(username="root", password="a-password-that-works")

    client.post("/admin/login/", {"username": "root", "password": "a-password-that-works"})

    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def logged_in_by_id_porten(user, pid: str) -> None:
    """What the login sends after storing the login's details (idporten.backend)."""
    request = RequestFactory().get("/oidc/callback/")
    request.session = SessionStore()
    store_login(
        request.session,
        claims={"pid": pid, "acr": Acr.HIGH, "amr": ["BankID"]},
        token_response={"access_token": "a", "id_token": "i"},
    )
    user_logged_in.send(sender=type(user), request=request, user=user)


def test_a_login_with_a_listed_number_makes_staff_with_the_admins_permissions():
    user = User.objects.create_user(username="admin-sub")

    logged_in_by_id_porten(user, ADMIN_PID)

    user = User.objects.get(pk=user.pk)
    assert user.is_staff and not user.is_superuser
    assert user.has_perms(["caseworker.add_caseworkergrant", "caseworker.view_audit"])


def test_a_login_with_a_number_no_longer_listed_takes_staff_away(settings):
    user = User.objects.create_user(username="admin-sub")
    logged_in_by_id_porten(user, ADMIN_PID)
    settings.ADMIN_PIDS = ()

    logged_in_by_id_porten(User.objects.get(pk=user.pk), ADMIN_PID)

    user = User.objects.get(pk=user.pk)
    assert not user.is_staff
    assert not user.has_perm("caseworker.add_caseworkergrant")


def test_the_admin_is_off_in_production_unless_enabled():
    script = (
        "from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/admin/'); print('admin')\n"
        "except Resolver404:\n    print('none')"
    )
    off = manage("shell", "-v", "0", "-c", script, **production_with())
    on = manage("shell", "-v", "0", "-c", script, **production_with(ADMIN_ENABLED="true"))
    assert (off.stdout.strip(), on.stdout.strip()) == ("none", "admin"), off.stderr + on.stderr
