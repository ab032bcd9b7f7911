"""What the caseworker app does when something happens elsewhere: at every login, the grant
made for that national identity number becomes the user's permission.

A signal receiver, so that the ID-porten integration knows nothing of caseworkers: it stores
the login's details in the session before Django's login() sends user_logged_in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

from caseworker.services import caseworker_grant_apply
from idporten.session import login_details


def grant_applied_at_login(
    sender: type[User], *, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    details = login_details(request.session) if request is not None else None
    if details is not None and details.pid:
        caseworker_grant_apply(user=user, pid=details.pid)
