from __future__ import annotations

import logging

from common.logging import MaskingFormatter, mask_national_identity_numbers


def test_it_masks_eleven_digit_numbers_but_keeps_other_numbers():
    text = "lookup of 15878510035 for orgno 991825827 at 2026-11-21"
    assert (
        mask_national_identity_numbers(text)
        == "lookup of 158785***** for orgno 991825827 at 2026-11-21"
    )


def test_the_formatter_masks_arguments_and_tracebacks():
    formatter = MaskingFormatter("%(message)s")
    try:
        raise ValueError("bad person 04899220043")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "pid=%s", ("27858815024",), sys.exc_info()
        )
    line = formatter.format(record)
    assert "pid=278588*****" in line
    assert "048992*****" in line
    assert "27858815024" not in line and "04899220043" not in line
