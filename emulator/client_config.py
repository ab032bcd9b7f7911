"""Clients from a JSON file of the team's own (EMULATOR_EXTRA_CLIENTS_FILE), read again
whenever the file changes, without a restart: another service registers itself with the
emulator by editing one file beside its own code.

The file holds a list of client definitions, as emulator/clients.json does. A definition is
added or updated in place; a client taken out of the file stays registered until the
emulator's database is reset (remove it in the admin meanwhile). A file that cannot be read
as a valid registry is reported in the log and leaves the registry as it was.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse

from emulator.services import ClientDefinitionError, client_upsert

logger = logging.getLogger(__name__)

# (modification time in ns, size) of the file as last read by this process; each process reads
# it on its own first request and after every change.
_read_as: tuple[int, int] | None = None
_lock = threading.Lock()


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


def extra_clients_refresh() -> None:
    """Load the file when it is new or changed since this process last read it."""
    global _read_as
    path = settings.EMULATOR_EXTRA_CLIENTS_FILE
    if path is None:
        return
    state = _file_state(path)
    if state is None or state == _read_as:
        return
    with _lock:
        if state == _read_as:
            return
        _read_as = state
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


def extra_clients_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        extra_clients_refresh()
        return get_response(request)

    return middleware
