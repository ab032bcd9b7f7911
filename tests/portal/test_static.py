"""Production serves hashed, compressed static files, Designsystemet included, from node_modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_collectstatic_hashes_designsystemet_and_our_css(tmp_path: Path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": "collectstatic-test-secret-key-long-enough-0123456789abcdef",
    }
    env.pop("DEBUG", None)
    script = (
        "import django; from django.conf import settings; "
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "designsystemet/src/index.css",
        "designsystemet/theme/designsystemet.css",
        "portal/site.css",
    ):
        hashed = manifest[name]
        assert hashed != name
        assert (tmp_path / hashed).exists()
        assert (tmp_path / f"{hashed}.gz").exists()
