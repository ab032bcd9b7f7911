"""Log lines that are safe to read: national identity numbers masked, one record per line.

Anything a request carries (a path, a query parameter, a header, an exception message built
from them) can hold a newline. Written as it is, it starts a line that a reader or a log
shipper takes for a record of its own ("log forging"). So every control character is written
as an escape (\\n, \\r, \\x1b ...), and a record that legitimately spans several lines (a
traceback) has every line after its first indented, so that no line of it can pass for a
record: records start at the first column, continuations never do.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Generator
from types import TracebackType
from typing import Any, TypeAlias

# Eleven digits standing alone: fødselsnummer, D-number or synthetic number.
_ELEVEN_DIGITS = re.compile(r"(?<!\d)(\d{6})\d{5}(?!\d)")

# C0 controls, DEL and C1 controls, and the two Unicode separators that str.splitlines() and
# several log viewers also treat as line breaks.
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]
_ESCAPES: dict[int, str] = {
    code: _NAMED_ESCAPES.get(chr(code)) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
    for code in _CONTROLS
}
_ESCAPES_BUT_NEWLINE = {code: escape for code, escape in _ESCAPES.items() if code != ord("\n")}

# Where each line after a record's first begins (tracebacks, stack traces).
CONTINUATION_INDENT = "    "

ExcInfo: TypeAlias = (
    tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
)


def mask_national_identity_numbers(text: str) -> str:
    """Keep the birth-date part (useful when debugging) and hide the personal part."""
    return _ELEVEN_DIGITS.sub(r"\1*****", text)


def escape_control_characters(text: str) -> str:
    """The text on one line: every control character written as an escape (\\n, \\x1b ...)."""
    return text.translate(_ESCAPES)


def safe_line(text: str) -> str:
    """Masked, then escaped: one line with no national identity number in it.

    Masking comes first: an escape such as \\x01 put just before a number would make it look
    longer than eleven digits, and so hide it from the mask."""
    return escape_control_characters(mask_national_identity_numbers(text))


def safe_lines(text: str) -> str:
    """Like safe_line, but the newlines stay (for text whose lines are all our own)."""
    return mask_national_identity_numbers(text).translate(_ESCAPES_BUT_NEWLINE)


def indent_continuation_lines(text: str) -> str:
    """Every line but the first indented, so none of them can pass for a record."""
    return text.replace("\n", "\n" + CONTINUATION_INDENT)


class _EscapedTracebackException(traceback.TracebackException):
    """A traceback whose exception lines ("ValueError: <message>", a SyntaxError's source
    line) are each escaped onto a line of their own: a message can hold a newline, the frames
    around it are the traceback module's own lines."""

    def format_exception_only(self, **kwargs: Any) -> Generator[str, None, None]:
        for chunk in super().format_exception_only(**kwargs):
            body, end = (chunk[:-1], "\n") if chunk.endswith("\n") else (chunk, "")
            yield safe_line(body) + end


def format_exception(ei: ExcInfo) -> str:
    """The traceback as logging.Formatter.formatException writes it, with every exception
    message in the chain (causes, contexts, groups) escaped, and masked."""
    value = ei[1]
    if value is None:
        return ""
    root = _EscapedTracebackException(type(value), value, ei[2], compact=True)
    # The traceback module builds the causes, contexts and group members of the chain as
    # plain TracebackExceptions; give each the escaping format_exception_only too.
    pending: list[traceback.TracebackException] = [root]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.__class__ = _EscapedTracebackException
        # The traceback module splits a note into lines itself: escape the notes beforehand.
        if isinstance(node.__notes__, list | tuple):
            node.__notes__ = [safe_line(n) if isinstance(n, str) else n for n in node.__notes__]
        pending.extend(n for n in (node.__cause__, node.__context__) if n is not None)
        pending.extend(node.exceptions or ())
    # The frames are source lines and file names, not request data; escaped all the same.
    return safe_lines("".join(root.format())).rstrip("\n")


class MaskingFormatter(logging.Formatter):
    """One record, one line: masked and escaped, with any traceback or stack indented below.

    Escaping is done here rather than in a logging.Filter: the formatter is where the line is
    finished (the message with its arguments, the asctime and name around it, the traceback
    after it), so nothing that reaches the output escapes it; and a formatter changes only the
    text it returns, never the record, which other handlers (pytest's caplog, say) see as it
    was logged. The masking lives here for the same reasons."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        # The whole first line, so arguments, names and the message are all covered.
        text = safe_line(self.formatMessage(record))
        # Formatted anew rather than from record.exc_text, which another handler's formatter
        # may have cached without escaping.
        if record.exc_info:
            if exception := format_exception(record.exc_info):
                text += "\n" + exception
        elif record.exc_text:
            text += "\n" + safe_lines(record.exc_text)
        if record.stack_info:
            text += "\n" + safe_lines(self.formatStack(record.stack_info))
        return indent_continuation_lines(text)

    def formatException(self, ei: ExcInfo) -> str:
        return format_exception(ei)


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
