"""The preview state: which preview a caseworker has open, kept in their own session.

Modelled on healthchecks' require_sudo_mode: a TimestampSigner-signed session value with a
max age. It names the audit record (never the pid in clear), so the session holds nothing that
identifies the citizen, and a preview cannot outlive its 15 minutes even if the session does.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.http import HttpRequest
from django.utils import timezone

from caseworker.decorators import PREVIEW_PERMISSION
from caseworker.models import PreviewLookup
from idporten.authlevel_api import AuthlevelLookup, UsedLevel

SESSION_KEY = "caseworker_preview"
MAX_AGE = datetime.timedelta(minutes=15)
_signer = TimestampSigner(salt="caseworker.preview")


# Whether the header links to the caseworker pages, noted once at login (caseworker.receivers).
# The header is on every page, and asking the database for the user's permissions there cost a
# quarter of the history page (docs/architecture.md, "Where the speed comes from"). The pages
# themselves still check the permission on every request: a permission taken away during a
# session leaves at most a link that answers 404, until the next login.
LINK_SESSION_KEY = "caseworker_link"


def preview_link_note(session: SessionBase, *, user: User) -> None:
    # A copy read now: the user object may hold permissions cached before the grant that
    # caseworker_grant_apply has just applied.
    current = User.objects.get(pk=user.pk)
    session[LINK_SESSION_KEY] = current.has_perm(PREVIEW_PERMISSION)


def preview_link_shown(session: SessionBase) -> bool:
    return bool(session.get(LINK_SESSION_KEY, False))


class PreviewExpired(Exception):
    """The session named a preview older than MAX_AGE."""


@dataclass(frozen=True)
class ActivePreview:
    lookup: PreviewLookup

    @property
    def ends_at(self) -> datetime.datetime:
        return self.lookup.created_at + MAX_AGE

    @property
    def minutes_left(self) -> int:
        """Rounded up, so the banner says "1 minute left" to the end and never "0 minutes"."""
        seconds = (self.ends_at - timezone.now()).total_seconds()
        return max(1, math.ceil(seconds / 60))

    @property
    def authlevel(self) -> AuthlevelLookup:
        """The answer the real lookup gave when the preview started; unknown if none was kept."""
        outcome = self.lookup.recorded_outcome
        if outcome is None:
            return AuthlevelLookup(UsedLevel.UNKNOWN)
        return AuthlevelLookup(UsedLevel(outcome.used_level), temporary=outcome.temporary)


def preview_state_start(request: HttpRequest, *, lookup: PreviewLookup) -> None:
    request.session[SESSION_KEY] = _signer.sign(str(lookup.pk))


def preview_state_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def preview_state_read(request: HttpRequest) -> ActivePreview | None:
    """The open preview of the logged-in caseworker, if any. An expired one is ended here and
    raises PreviewExpired, once; a forged or foreign one is ended silently."""
    signed = request.session.get(SESSION_KEY)
    if not signed:
        return None
    if not request.user.has_perm(PREVIEW_PERMISSION):
        # Revoked while a preview was open: it ends with the permission.
        preview_state_end(request)
        return None
    try:
        lookup_id = int(_signer.unsign(signed, max_age=MAX_AGE))
    except SignatureExpired:
        preview_state_end(request)
        raise PreviewExpired from None
    except (BadSignature, ValueError):
        preview_state_end(request)
        return None
    # Scoped to the caseworker: a session can only ever open its own user's previews.
    lookup = (
        PreviewLookup.objects.select_related("outcome")
        .filter(pk=lookup_id, caseworker_id=request.user.pk)
        .first()
    )
    if lookup is None:
        preview_state_end(request)
        return None
    return ActivePreview(lookup=lookup)
