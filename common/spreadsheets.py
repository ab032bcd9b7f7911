"""CSV files that spreadsheets open safely, and in columns: the login-history export and the
audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import get_language

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV Injection"): a service name such as "=HYPERLINK(...)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

# Excel splits a CSV file on the list separator of the computer's regional settings, and with
# Norwegian settings that is ";" (the comma is the decimal sign): a comma-separated file opens
# there as one column. So a file downloaded in bokmål or nynorsk is separated by semicolons, one
# downloaded in English by commas. Not a "sep=;" first line: Excel then ignores the byte order
# mark and reads the UTF-8 wrongly, and other programs show the line as a row. Not .xlsx: no
# dependency for it is installed, and the CSV opens in every spreadsheet program.
SEMICOLON_LANGUAGES = frozenset({"nb", "nn"})


def spreadsheet_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def spreadsheet_delimiter(language: str | None) -> str:
    return ";" if language in SEMICOLON_LANGUAGES else ","


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Iterable[str]]) -> str:
    """The header, then every row with each cell made safe, separated as a spreadsheet set up
    for the active language expects."""
    out = io.StringIO()
    # A byte order mark, or Excel reads UTF-8 ("ØKONOMISTYRING", "Bjørn") wrongly.
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=spreadsheet_delimiter(get_language()), lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
