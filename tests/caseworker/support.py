"""Caseworkers and citizens logged in to the Django test client, with the same session entries
a real ID-porten login leaves (idporten.session.store_login); the real login through the
emulator is tested in test_grant_at_login.py and tests/browser/test_caseworker.py."""

from __future__ import annotations

from django.contrib.auth.models import Permission, User
from django.test import Client

from idporten.session import login_details, store_login
from idporten.types import Acr

CASEWORKER_PID = "27858815024"
CITIZEN_PID = "15878510035"
UNKNOWN_CITIZEN_PID = "11810160073"
# A synthetic D-number (day + 40, month + 80) that ID-porten has never seen.
SYNTHETIC_D_NUMBER = "55857512374"


def user_with(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username=username)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="caseworker", codename__in=codenames)
    )
    return user


def log_in(client: Client, user: User, *, pid: str, acr: str = Acr.HIGH) -> None:
    client.force_login(user, backend="idporten.backend.IdPortenBackend")
    session = client.session
    store_login(
        session,
        claims={"pid": pid, "acr": acr, "amr": ["BankID"], "sid": f"sid-{user.pk}"},
        token_response={"access_token": "not-used", "id_token": "not-used", "expires_in": 120},
    )
    session.save()


# On ADMIN_PIDS in tests/settings.py: the administrator of the admin tests.
ADMIN_PID = CASEWORKER_PID


def administrator_client(client: Client, *codenames: str, pid: str = ADMIN_PID) -> User:
    """Staff, logged in with ID-porten at the high level, with these caseworker permissions."""
    user = user_with("admin-sub", *codenames)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    log_in(client, user, pid=pid)
    return user


def caseworker_client(client: Client, *, acr: str = Acr.HIGH, audit: bool = False) -> User:
    codenames = ("preview_citizen", "view_audit") if audit else ("preview_citizen",)
    user = user_with("caseworker-sub", *codenames)
    log_in(client, user, pid=CASEWORKER_PID, acr=acr)
    return user


def session_login(client: Client):
    """What the caseworker's own session says of their login."""
    return login_details(client.session)
