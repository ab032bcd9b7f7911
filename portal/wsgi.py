from __future__ import annotations

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
