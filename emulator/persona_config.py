"""Synthetic test citizens from a JSON file of the team's own (EMULATOR_EXTRA_PERSONAS_FILE),
read again whenever the file changes, without a restart, as emulator/client_config.py reads
EMULATOR_EXTRA_CLIENTS_FILE.

The file holds a list of {"pid": ..., "description": ..., "logins": N}: each becomes a one-click
button on the TestID page, and, with `logins`, gets that many generated logins in the login log
(emulator/seeding.py), once: only while the emulator has no person with that number, so real
logins are never written over. Only synthetic numbers (Tenor's, month + 80) are accepted, as
for the headless login. A file that is not a valid list is reported in the log and leaves the
personas as they were.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction

from common.nin import InvalidNationalIdentityNumber, parse_national_identity_number
from emulator import clock
from emulator.file_watch import WatchedFile
from emulator.models import Person
from emulator.personas import PERSONAS, Persona
from emulator.seeding import EVERYDAY_HABIT, HistoryPlan, generate_history
from emulator.services import person_history_write

logger = logging.getLogger(__name__)

FIELDS = {"pid", "description", "logins"}
MAX_LOGINS = 10_000
_BUILT_IN = {persona.pid for persona in PERSONAS}

# The file's personas as last read without errors by this process.
_personas: tuple[Persona, ...] = ()


class PersonaDefinitionError(ValueError):
    pass


def extra_personas() -> tuple[Persona, ...]:
    return _personas


def _persona(entry: Any, taken: set[str]) -> tuple[Persona, int]:
    """The persona and its number of logins to generate; `taken` gains its number."""
    if not isinstance(entry, dict):
        raise PersonaDefinitionError("must be an object")
    unknown = set(entry) - FIELDS
    if unknown:
        raise PersonaDefinitionError(f"unknown fields: {', '.join(sorted(unknown))}")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise PersonaDefinitionError("description is required")
    pid = entry.get("pid")
    if not isinstance(pid, str):
        raise PersonaDefinitionError("pid must be a string of 11 digits")
    try:
        number = parse_national_identity_number(pid)
    except InvalidNationalIdentityNumber as error:
        raise PersonaDefinitionError(f"pid is not a valid number ({error.reason})") from None
    if not number.synthetic:
        raise PersonaDefinitionError("pid must be a synthetic test number (Tenor: month + 80)")
    if number.value in _BUILT_IN:
        raise PersonaDefinitionError("pid is a built-in persona's")
    if number.value in taken:
        raise PersonaDefinitionError("pid is listed twice")
    taken.add(number.value)
    logins = entry.get("logins", 0)
    # bool is an int in Python: `true` is no number of logins.
    if not isinstance(logins, int) or isinstance(logins, bool) or not 0 <= logins <= MAX_LOGINS:
        raise PersonaDefinitionError(f"logins must be a whole number from 0 to {MAX_LOGINS}")
    return Persona(number.value, description.strip()), logins


def _parsed(entries: Any) -> list[tuple[Persona, int]]:
    if not isinstance(entries, list):
        raise PersonaDefinitionError("the file must hold a list of personas")
    taken: set[str] = set()
    parsed = []
    for position, entry in enumerate(entries, start=1):
        try:
            parsed.append(_persona(entry, taken))
        except PersonaDefinitionError as error:
            # The log masks 11-digit runs, so the position and description name the entry.
            described = entry.get("description") if isinstance(entry, dict) else None
            raise PersonaDefinitionError(f"entry {position} ({described!r}): {error}") from None
    return parsed


def _histories_write(parsed: list[tuple[Persona, int]]) -> None:
    wanted = {persona.pid: logins for persona, logins in parsed if logins}
    known = set(Person.objects.filter(pid__in=wanted).values_list("pid", flat=True))
    now = clock.now()
    for persona, logins in parsed:
        if logins and persona.pid not in known:
            plan = HistoryPlan(persona, logins=logins, eids=EVERYDAY_HABIT)
            person_history_write(pid=persona.pid, history=generate_history(plan, now=now))


def _personas_load(path: Path) -> None:
    global _personas
    try:
        parsed = _parsed(json.loads(path.read_text(encoding="utf-8")))
        with transaction.atomic():
            _histories_write(parsed)
    except (ValueError, DatabaseError) as error:  # incl. PersonaDefinitionError, bad JSON
        logger.error("event=extra_personas_refused file=%s reason=%s", path.name, error)
        return
    _personas = tuple(persona for persona, _logins in parsed)
    logger.info("event=extra_personas_loaded file=%s personas=%s", path.name, len(_personas))


_personas_file = WatchedFile(_personas_load)


def extra_personas_refresh() -> None:
    """Load the file when it is new or changed since this process last read it."""
    _personas_file.refresh(settings.EMULATOR_EXTRA_PERSONAS_FILE)
