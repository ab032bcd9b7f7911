"""Signals of the ID-porten integration, for the apps above it to act on without idporten
knowing them (the dependencies point one way: docs/architecture.md section 2)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `session_key` for every portal session that a logout channel (front-channel or
# back-channel logout) ended; the session is already deleted when it is sent.
session_ended = Signal()
