"""At every login: whoever logs in with a number on ADMIN_PIDS is made staff, with the
permissions the admin is for; anyone else is not (taken off the list, they lose both)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.db.models import Q
from django.http import HttpRequest

from idporten.session import login_details

# What the admin is for: giving and taking back caseworker grants, and reading the audit log.
ADMIN_PERMISSIONS = (
    ("caseworker", "add_caseworkergrant"),
    ("caseworker", "view_caseworkergrant"),
    ("caseworker", "delete_caseworkergrant"),
    ("caseworker", "view_audit"),
)


def _admin_permissions() -> list[Permission]:
    wanted = Q()
    for app_label, codename in ADMIN_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(wanted))


def administrator_set_at_login(
    sender: type[User], *, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    details = login_details(request.session) if request is not None else None
    if details is None:
        return  # not an ID-porten login (a test's force_login): nothing to decide on
    administrator = bool(details.pid) and details.pid in settings.ADMIN_PIDS
    if administrator:
        user.user_permissions.add(*_admin_permissions())
    elif user.is_staff:
        user.user_permissions.remove(*_admin_permissions())
    if user.is_staff != administrator:
        user.is_staff = administrator
        user.save(update_fields=["is_staff"])
