from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# Fail closed: a missing or dangerous production setting stops gunicorn here, naming it.
from portal.checks import checked_at_start  # noqa: E402  (needs the settings loaded above)

checked_at_start()

# Before the first request (and, under gunicorn's preload_app, before the workers are forked).
from portal.warmup import warm_up  # noqa: E402

warm_up()

# What is loaded now lives as long as the process: out of the garbage collector's sight
# (Python's documented advice for a process that forks without exec). Otherwise each worker's
# full collections walk all of it, copying the pages they touch from the master: under
# `make bench`'s load they took about twice as long in all, up to 170 ms each.
gc.freeze()
