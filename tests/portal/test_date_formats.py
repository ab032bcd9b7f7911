"""Dates in every language read the way a reader in Norway expects."""

from __future__ import annotations

import datetime

import pytest
from django.utils import formats, translation

WHEN = datetime.datetime(2026, 12, 1, 14, 21)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1 December 2026 14:21"), ("nb", "1. desember 2026 14:21")],
)
def test_a_date_and_time_in_the_citizens_language(language: str, expected: str):
    with translation.override(language):
        assert formats.date_format(WHEN, "DATETIME_FORMAT") == expected


def test_english_times_have_24_hours():
    with translation.override("en"):
        assert formats.time_format(WHEN.time(), "TIME_FORMAT") == "14:21"
