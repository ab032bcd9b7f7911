"""What went wrong with a login, for the page the citizen sees and the line the operators read."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from django.http import HttpRequest

logger = logging.getLogger("idporten.login")


class FailureKind(enum.Enum):
    UNREACHABLE = "unreachable"  # ID-porten did not answer (in time, or sensibly)
    CANCELLED = "cancelled"  # the citizen pressed Cancel at ID-porten
    EXPIRED = "expired"  # unknown or used state: too slow, another tab, the back button
    REFUSED = "refused"  # a check on ID-porten's answer failed
    MISCONFIGURED = "misconfigured"  # our configuration and ID-porten disagree


@dataclass(frozen=True)
class LoginFailure:
    kind: FailureKind
    check: str


def login_failed(request: HttpRequest, *, kind: FailureKind, check: str) -> LoginFailure:
    """Record the failure on the request and log it. Never logs tokens or identity numbers."""
    failure = LoginFailure(kind=kind, check=check)
    # Read back by CallbackView.login_failure, after the library has called the backend.
    request.idporten_login_failure = failure  # type: ignore[attr-defined]
    level = logging.ERROR if kind is FailureKind.MISCONFIGURED else logging.WARNING
    logger.log(level, "event=login_failed kind=%s check=%s", kind.value, check)
    return failure
