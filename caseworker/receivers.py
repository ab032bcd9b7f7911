"""What the caseworker app does when something happens elsewhere: at every login, the grant
made for that national identity number becomes the user's permission, and the session notes
whether the user may preview (for the header's link); and whenever a grant row goes, however it
goes, the permission goes with it; and a new lookup of a citizen drops the cached copy of their
"Oppslag på deg".

A signal receiver, so that the ID-porten integration knows nothing of caseworkers: it stores
the login's details in the session before Django's login() sends user_logged_in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

from caseworker.models import CaseworkerGrant, PreviewLookup
from caseworker.preview import preview_link_note
from caseworker.selectors import lookups_cache_key, users_granted
from caseworker.services import caseworker_grant_apply, preview_permission_take
from common.cache import cache_forget
from idporten.session import login_details


def grant_applied_at_login(
    sender: type[User], *, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    if request is None:
        return
    details = login_details(request.session)
    if details is not None and details.pid:
        caseworker_grant_apply(user=user, pid=details.pid)
    preview_link_note(request.session, user=user)


def permission_gone_with_its_grant(
    sender: type[CaseworkerGrant], *, instance: CaseworkerGrant, **kwargs: Any
) -> None:
    """A safety net under caseworker_grant_revoke, the way grants are meant to end: a grant
    deleted any other way (a shell, a script) still takes the permission with it."""
    users = users_granted(pid=instance.pid)
    if instance.user_id is not None:
        users = users | User.objects.filter(pk=instance.user_id)
    preview_permission_take(users)


def lookups_of_citizen_forget(
    sender: type[PreviewLookup], *, instance: PreviewLookup, **kwargs: Any
) -> None:
    """A new lookup: the citizen's "Oppslag på deg" is read from the database again."""
    cache_forget(lookups_cache_key(instance.citizen_pid))
