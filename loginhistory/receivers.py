"""What the login-history app does when something happens elsewhere: when a logout channel
ends a portal session (idporten.signals.session_ended), its cached history goes with it.

A signal receiver, so that the ID-porten integration knows nothing of the login history.
"""

from __future__ import annotations

from typing import Any

from loginhistory.services import login_history_forget_for_session_key


def history_forgotten_with_its_session(sender: object, *, session_key: str, **kwargs: Any) -> None:
    login_history_forget_for_session_key(session_key)
