"""The settings module mypy's Django plugin loads (emulator/mypy.toml): emulator.settings as
`make run` has them.

The plugin imports the settings to learn their types, in whatever environment mypy runs, and
with DEBUG off and no EMULATOR_SECRET_KEY emulator.settings refuses to load, as it must at
start-up. The types do not depend on the values, so the type check runs under DEBUG.
"""

from __future__ import annotations

import os

os.environ["DEBUG"] = "true"

from emulator.settings import *  # noqa: F403
