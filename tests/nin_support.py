"""A yes/no view of common.nin for tests that search for valid (or invalid) numbers."""

from __future__ import annotations

import datetime

from common.nin import InvalidNationalIdentityNumber, parse_national_identity_number


def is_valid_national_identity_number(raw: str, *, today: datetime.date | None = None) -> bool:
    try:
        parse_national_identity_number(raw, today=today)
    except InvalidNationalIdentityNumber:
        return False
    return True
