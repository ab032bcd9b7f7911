"""Norwegian national identity numbers: fødselsnummer, D-number, and Tenor's synthetic numbers.

Rules (docs/idporten.md section 6):
- eleven digits DDMMYY + individnummer (3) + two mod-11 check digits;
- a D-number adds 4 to the first digit of the day;
- a synthetic test number from Tenor adds 80 to the month (a synthetic D-number does both);
- the individnummer decides the century.
Numbers issued from 2032 relax the first check digit: Skatteetaten says the remainder may be
0, 1, 2 or 3. That rule is accepted from 1 January 2032 on, and not before: no such number
exists yet, and accepting it now would let typing errors through.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
RELAXED_CHECK_DIGIT_FROM = datetime.date(2032, 1, 1)


class NumberKind(enum.StrEnum):
    FODSELSNUMMER = "fnr"
    D_NUMBER = "dnr"


class InvalidNationalIdentityNumber(ValueError):
    """The reason is a short code (`length`, `checksum`, `date`) that callers map to a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NationalIdentityNumber:
    value: str
    kind: NumberKind
    synthetic: bool
    birth_date: datetime.date

    def masked(self) -> str:
        """For log lines and audit views: the birth-date part only."""
        return f"{self.value[:6]}*****"


def _weighted_remainder(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 11


def _century(year: int, individual: int) -> int | None:
    if individual <= 499:
        return 1900
    if individual <= 749 and year >= 54:
        return 1800
    if individual >= 900 and year >= 40:
        return 1900
    if individual >= 500 and year <= 39:
        return 2000
    return None


def parse_national_identity_number(
    raw: str, *, today: datetime.date | None = None
) -> NationalIdentityNumber:
    """Validate and describe a number; spaces are ignored. Raises InvalidNationalIdentityNumber."""
    value = "".join(raw.split())
    if len(value) != 11 or not value.isascii() or not value.isdigit():
        raise InvalidNationalIdentityNumber("length")
    digits = [int(c) for c in value]
    today = today or datetime.date.today()
    accepted_k1_remainders = {0, 1, 2, 3} if today >= RELAXED_CHECK_DIGIT_FROM else {0}
    if _weighted_remainder(digits[:10], _K1_WEIGHTS) not in accepted_k1_remainders:
        raise InvalidNationalIdentityNumber("checksum")
    if _weighted_remainder(digits, _K2_WEIGHTS) != 0:
        raise InvalidNationalIdentityNumber("checksum")

    day, month, year = int(value[0:2]), int(value[2:4]), int(value[4:6])
    kind = NumberKind.FODSELSNUMMER
    if day > 40:
        kind, day = NumberKind.D_NUMBER, day - 40
    synthetic = month > 80
    if synthetic:
        month -= 80
    century = _century(year, int(value[6:9]))
    if century is None:
        raise InvalidNationalIdentityNumber("date")
    try:
        birth_date = datetime.date(century + year, month, day)
    except ValueError:
        raise InvalidNationalIdentityNumber("date") from None
    return NationalIdentityNumber(
        value=value, kind=kind, synthetic=synthetic, birth_date=birth_date
    )
