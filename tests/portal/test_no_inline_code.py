"""No template carries inline script, style or event handlers.

A strict Content-Security-Policy (script-src 'self', style-src 'self') must not need
exceptions, so the rule is checked on the templates themselves, the portal's and the emulator's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for folder in ("templates", "emulator/templates")
    if (ROOT / folder).exists()
    for path in (ROOT / folder).rglob("*.html")
)

INLINE_PATTERNS = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_there_are_templates_to_check():
    assert any(path.name == "base.html" for path in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_code(template: Path):
    text = template.read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE_PATTERNS.items() if pattern.search(text)]
    assert found == [], f"{template.relative_to(ROOT)}: {', '.join(found)}"


def test_the_check_catches_what_it_names():
    samples = [
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<p style="color:red">',
        '<a onclick="x()">',
        '<a href="javascript:x()">',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in INLINE_PATTERNS.values()), sample
    assert not any(
        p.search('<script src="/static/x.js"></script>') for p in INLINE_PATTERNS.values()
    )
