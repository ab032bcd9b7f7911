"""gunicorn's access and error logs, one record per line with no national identity number in it.

gunicorn writes the decoded path (%(U)s), headers and parts of a bad request as they came,
so a %0a in a request would start a line of the attacker's choosing. The portal's own logs
are made safe by common.logging's formatter; this does the same for gunicorn's two loggers.
Set in gunicorn.conf.py: logger_class = "portal.gunicorn_logging.PortalLogger".
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn import glogging  # type: ignore[import-untyped]  # gunicorn has no type hints

from common.logging import (
    CONTINUATION_INDENT,
    format_exception,
    indent_continuation_lines,
    safe_line,
    safe_lines,
)


class SafeAtoms(glogging.SafeAtoms):  # type: ignore[misc]  # subclassing the untyped class
    """Every text atom of the access log (path, query, headers, user ...) masked and escaped
    before gunicorn's own quoting of double quotes."""

    def __init__(self, atoms: dict[str, Any]) -> None:
        super().__init__({k: safe_line(v) if isinstance(v, str) else v for k, v in atoms.items()})


class SafeRecords(logging.Filter):
    """Makes each record of gunicorn's loggers safe before any handler sees it: the message
    (with its arguments applied) masked and escaped onto one line, a traceback or stack masked,
    escaped and indented below it.

    A filter on the two loggers rather than a formatter: gunicorn builds the handlers itself
    (a stream, a file, syslog, or whatever logconfig_dict names, each with a formatter of its
    own), and a logger's filters run before every one of them. gunicorn's loggers do not
    propagate, so the rewritten records reach only gunicorn's handlers."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = safe_line(record.getMessage())
        record.args = None
        if record.exc_info:
            # Formatters use exc_text when it is set rather than format the exception again.
            exception = format_exception(record.exc_info)
            record.exc_text = _continuation(exception) if exception else None
        elif record.exc_text:
            record.exc_text = _continuation(safe_lines(record.exc_text))
        if record.stack_info:
            record.stack_info = _continuation(safe_lines(record.stack_info))
        return True


def _continuation(text: str) -> str:
    """Text that a formatter puts on the lines after the message: every line of it indented."""
    return CONTINUATION_INDENT + indent_continuation_lines(text)


class PortalLogger(glogging.Logger):  # type: ignore[misc]  # subclassing the untyped class
    atoms_wrapper_class = SafeAtoms

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # setup() runs again on every configuration reload (SIGHUP): one filter each, ever.
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, SafeRecords) for f in log.filters):
                log.addFilter(SafeRecords())
