"""The bokmål and nynorsk catalogues are complete, sound, and in step with the code.

Staleness is checked the way makemessages finds strings, without letting it write anything:
every template is turned into Python by Django's own `templatize` and handed, together with the
Python sources, to GNU xgettext with makemessages' keyword list. Any msgid found that way and
missing from a catalogue means someone added a string and did not run makemessages (or did, and
left it untranslated, which the completeness test catches). Nothing is written to locale/.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {lang: ROOT / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("nb", "nn")}

# The same folders the documented makemessages command skips: the emulator keeps its own
# catalogue, tests show no user-facing text, and the rest is not our source.
SKIPPED_DIRS = {".venv", "node_modules", "emulator", "tests", "var", "locale", "__pycache__"}
TEMPLATE_SUFFIXES = {".html", ".txt"}
# makemessages' own xgettext arguments for the "django" domain.
XGETTEXT_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file, header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry = Entry()
    current: str | None = None  # which field a continuation line "..." belongs to
    started = False

    def finish() -> None:
        nonlocal entry, current, started
        if started:
            entries.append(entry)
        entry, current, started = Entry(), None, False

    for line in text.splitlines():
        line = line.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            if started and current != "msgctxt":
                finish()
            entry.msgctxt, current, started = _unquote(line[8:]), "msgctxt", True
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, current = _unquote(line[13:]), "msgid_plural"
        elif line.startswith("msgid "):
            if started and current != "msgctxt":
                finish()
            entry.msgid, current, started = _unquote(line[6:]), "msgid", True
        elif line.startswith("msgstr"):
            entry.msgstrs.append(_unquote(line.split(" ", 1)[1]))
            current = "msgstr"
        elif line.startswith('"'):
            if current == "msgstr":
                entry.msgstrs[-1] += _unquote(line)
            elif current == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + _unquote(line)
            elif current == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + _unquote(line)
            else:
                entry.msgid += _unquote(line)
    finish()
    return entries


def untranslated(entries: list[Entry]) -> list[str]:
    return [e.msgid for e in entries if e.msgid and not all(e.msgstrs)]


def fuzzy(entries: list[Entry]) -> list[str]:
    return [e.msgid or "(header)" for e in entries if "fuzzy" in e.flags]


def _placeholders(text: str) -> Counter[str]:
    return Counter(match.group(0) for match in PLACEHOLDER.finditer(text))


def placeholder_mismatches(entries: list[Entry]) -> list[str]:
    return [
        e.msgid
        for e in entries
        if "python-format" in e.flags
        and any(_placeholders(s) != _placeholders(e.msgid) for s in e.msgstrs)
    ]


def markup_mismatches(entries: list[Entry]) -> list[str]:
    """Links and other markup in a msgid must reach the reader unchanged in every language."""
    return [
        e.msgid
        for e in entries
        if e.msgid
        and any(
            Counter(HTML_TAG.findall(s)) != Counter(HTML_TAG.findall(e.msgid)) for s in e.msgstrs
        )
    ]


def _source_files() -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [
            d
            for d in dirnames
            if d not in SKIPPED_DIRS and not d.startswith(".") and not d.endswith(".egg-info")
        ]
        for name in filenames:
            path = Path(dirpath) / name
            if path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES:
                yield path


def msgids_in_source(workdir: Path) -> set[tuple[str | None, str]]:
    inputs: list[Path] = []
    for number, path in enumerate(sorted(_source_files())):
        if path.suffix == ".py":
            inputs.append(path)
        else:
            as_python = workdir / f"{number}_{path.name}.py"
            as_python.write_text(
                templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8"
            )
            inputs.append(as_python)
    result = subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            *XGETTEXT_KEYWORDS,
            "--output=-",
            *map(str, inputs),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {entry.key for entry in parse_po(result.stdout) if entry.msgid}


@pytest.fixture(scope="module", params=sorted(CATALOGUES))
def catalogue(request: pytest.FixtureRequest) -> list[Entry]:
    return parse_po(CATALOGUES[request.param].read_text(encoding="utf-8"))


def test_the_parser_reads_the_real_catalogues() -> None:
    # Guards the checks below: an empty parse would make every one of them pass.
    for lang, expected in (("nb", "Min innloggingshistorikk"), ("nn", "Min innloggingshistorikk")):
        entries = parse_po(CATALOGUES[lang].read_text(encoding="utf-8"))
        by_msgid = {e.msgid: e.msgstrs for e in entries}
        assert by_msgid["My login history"] == [expected]
        assert len(entries) > 50


def test_the_checks_catch_broken_entries() -> None:
    broken = parse_po(
        '#, fuzzy\nmsgid "Old text"\nmsgstr "Gammel tekst"\n\n'
        'msgid "Never translated"\nmsgstr ""\n\n'
        '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Hei %(navn)s"\n\n'
        'msgid "See <a href=\\"/x\\">this</a>"\nmsgstr "Se denne"\n\n'
        'msgid "One day"\nmsgid_plural "%d days"\nmsgstr[0] "Én dag"\nmsgstr[1] ""\n\n'
        '#~ msgid "Obsolete"\n#~ msgstr ""\n'
    )

    assert fuzzy(broken) == ["Old text"]
    assert untranslated(broken) == ["Never translated", "One day"]
    assert placeholder_mismatches(broken) == ["Hello %(name)s"]
    assert markup_mismatches(broken) == ['See <a href="/x">this</a>']


def test_every_entry_is_translated(catalogue: list[Entry]) -> None:
    assert untranslated(catalogue) == []


def test_no_entry_is_fuzzy(catalogue: list[Entry]) -> None:
    assert fuzzy(catalogue) == []


def test_placeholders_match_the_msgid(catalogue: list[Entry]) -> None:
    assert placeholder_mismatches(catalogue) == []


def test_links_and_markup_survive_translation(catalogue: list[Entry]) -> None:
    assert markup_mismatches(catalogue) == []


def test_every_string_in_the_code_is_in_the_catalogue(
    catalogue: list[Entry], tmp_path: Path
) -> None:
    in_catalogue = {entry.key for entry in catalogue}

    missing = msgids_in_source(tmp_path) - in_catalogue

    assert not missing, (
        "Strings in the code but not in the catalogue; run the makemessages command in the "
        f"README and translate them: {sorted(m for _, m in missing)}"
    )


def test_the_source_scan_finds_strings_in_templates_and_python(tmp_path: Path) -> None:
    found = {msgid for _, msgid in msgids_in_source(tmp_path)}

    assert "Skip to main content" in found  # templates/base.html
    assert "My login history" in found  # portal/settings.py
