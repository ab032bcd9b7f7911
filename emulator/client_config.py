"""Clients from a JSON file of the team's own (EMULATOR_EXTRA_CLIENTS_FILE), read again
whenever the file changes, without a restart: another service registers itself with the
emulator by editing one file beside its own code.

The file holds a list of client definitions, as emulator/clients.json does. A definition is
added or updated in place; a client taken out of the file stays registered until the
emulator's database is reset (remove it in the admin meanwhile). A file that cannot be read
as a valid registry is reported in the log and leaves the registry as it was.

EMULATOR_EXTRA_CLIENTS, the same list inline, is registered once at start instead, and a bad
definition there stops the process. The middleware also refreshes the personas file
(emulator/persona_config.py), so that each request costs one place for both.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse

from emulator.file_watch import WatchedFile
from emulator.persona_config import extra_personas_refresh
from emulator.services import ClientDefinitionError, client_upsert

logger = logging.getLogger(__name__)


def _clients_load(path: Path) -> None:
    try:
        definitions = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(definitions, list):
            raise ClientDefinitionError("the file must hold a list of clients")
        with transaction.atomic():
            loaded = [client_upsert(definition=definition) for definition in definitions]
    except (ValueError, ValidationError, DatabaseError) as error:  # incl. ClientDefinitionError
        logger.error("event=extra_clients_refused file=%s reason=%s", path.name, error)
        return
    logger.info(
        "event=extra_clients_loaded file=%s clients=%s",
        path.name,
        ",".join(client.client_id for client in loaded),
    )


_clients_file = WatchedFile(_clients_load)


def extra_clients_refresh() -> None:
    """Load the file when it is new or changed since this process last read it."""
    _clients_file.refresh(settings.EMULATOR_EXTRA_CLIENTS_FILE)


def extra_clients_register_inline() -> None:
    """Register EMULATOR_EXTRA_CLIENTS; a bad definition stops the process at start."""
    definitions = settings.EMULATOR_EXTRA_CLIENTS
    try:
        with transaction.atomic():
            for definition in definitions:
                client_upsert(definition=definition)
    except (ValueError, ValidationError) as error:  # incl. ClientDefinitionError
        raise ImproperlyConfigured(f"EMULATOR_EXTRA_CLIENTS: {error}") from error


def extra_clients_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    # Built once, when the server loads its middleware: after emulator_prepare has loaded
    # EMULATOR_CLIENTS_FILE and before the first request reads EMULATOR_EXTRA_CLIENTS_FILE,
    # which is the order in which a later definition of a client wins.
    extra_clients_register_inline()

    def middleware(request: HttpRequest) -> HttpResponse:
        extra_clients_refresh()
        extra_personas_refresh()
        return get_response(request)

    return middleware
