"""Signals of the ID-porten integration, for the apps above it to act on without idporten
knowing them (the dependencies point one way: docs/architecture.md section 2)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `session_key` for every portal session that a logout channel (front-channel or
# back-channel logout) ended; the session is already deleted when it is sent.
session_ended = Signal()

# Sent with `details` (idporten.session.LoginDetails) as soon as a login's ID token has passed
# every check, before userinfo is asked and the session is made: for the first page's slow
# lookups to start while the login finishes. The login may still fail after it.
login_verified = Signal()
