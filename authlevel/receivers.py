"""What the badge does when something happens elsewhere: once a login is verified, its lookup
starts (idporten.signals.login_verified), so that the first page finds it under way or done.

A signal receiver, so that the ID-porten integration knows nothing of the badge.
"""

from __future__ import annotations

from typing import Any

from authlevel.selectors import authlevel_lookup_ahead
from idporten.session import LoginDetails


def badge_looked_up_at_login(sender: object, *, details: LoginDetails, **kwargs: Any) -> None:
    authlevel_lookup_ahead(details)
