"""Keep national identity numbers out of log lines."""

from __future__ import annotations

import logging
import re

# Eleven digits standing alone: fødselsnummer, D-number or synthetic number.
_ELEVEN_DIGITS = re.compile(r"(?<!\d)(\d{6})\d{5}(?!\d)")


def mask_national_identity_numbers(text: str) -> str:
    """Keep the birth-date part (useful when debugging) and hide the personal part."""
    return _ELEVEN_DIGITS.sub(r"\1*****", text)


class MaskingFormatter(logging.Formatter):
    """Masks the finished line, so message, arguments and tracebacks are all covered."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_national_identity_numbers(super().format(record))


def logging_config(level: str) -> dict[str, object]:
    """Django's LOGGING for the portal and the emulator: one masked line per event on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "line": {
                "()": "common.logging.MaskingFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            },
        },
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line"}},
        "root": {"handlers": ["stderr"], "level": level},
    }
