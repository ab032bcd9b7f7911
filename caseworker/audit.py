"""The hash chain of the audit records: each record carries a hash of its own content and of
the record before it, so that a record changed or removed after it was written shows.

Each audit table is a chain of its own, in the order of its ids. A record's hash covers its
table, the previous record's hash and every stored value of the record but its id and its two
hashes, written as canonical JSON. Removing the newest records cannot show in the chain itself:
`verify_audit_log` prints the newest hash of each table, for operators to keep elsewhere.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The previous hash of the first record of a table.
GENESIS = "0" * 64
HASH_FIELDS = ("previous_hash", "record_hash")


def canonical(value: object) -> object:
    """A stored value as JSON writes it the same way whenever it is read back."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def record_hash(*, table: str, previous: str, values: Mapping[str, object]) -> str:
    payload = json.dumps(
        {
            "table": table,
            "previous": previous,
            "values": {name: canonical(value) for name, value in values.items()},
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class ChainRecord:
    """One stored record as the chain sees it."""

    id: int
    previous_hash: str
    record_hash: str
    values: Mapping[str, object]


@dataclass(frozen=True)
class BrokenLink:
    table: str
    record_id: int
    problem: str

    def __str__(self) -> str:
        return f"{self.table} record {self.record_id}: {self.problem}"


def first_broken_link(table: str, records: Iterable[ChainRecord]) -> BrokenLink | None:
    """The first record, in id order, whose link to the one before or whose content does not
    match its hashes; None when the whole chain holds."""
    previous = GENESIS
    for record in records:
        if record.previous_hash != previous:
            return BrokenLink(
                table,
                record.id,
                "does not follow the record before it (a record was removed or changed)",
            )
        if record.record_hash != record_hash(table=table, previous=previous, values=record.values):
            return BrokenLink(table, record.id, "its content was changed after it was written")
        previous = record.record_hash
    return None
