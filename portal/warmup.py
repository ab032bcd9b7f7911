"""What every process would otherwise do on its first pages, done before it serves any.

Under gunicorn with `preload_app` (gunicorn.conf.py) this runs once, in the master, and every
worker is a fork of the result: a worker that replaces another after `max_requests` serves its
first pages as fast as its later ones. Without it, each new worker compiled every template and
read every language's catalogue during its first requests, while they waited. Nothing here
connects anywhere: no database, no cache, no ID-porten.
"""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    for name in _template_names():
        get_template(name)  # compiled once, kept by the cached loader
    # The forms' widgets render through an engine of the form renderer's own.
    renderer = get_default_renderer()
    widgets = Path(django.forms.__file__).parent / "templates"
    for path in sorted((widgets / "django" / "forms" / "widgets").glob("*.html")):
        renderer.get_template(str(path.relative_to(widgets)))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")  # reads that language's catalogues
    get_resolver().reverse_dict  # noqa: B018  (builds the URL patterns' lookup tables)


def _template_names() -> list[str]:
    """Every template of the project's own directories, by the name pages load it by."""
    names = []
    for directory in engines["django"].template_dirs:
        root = Path(directory)
        if root.is_relative_to(settings.BASE_DIR) and ".venv" not in root.parts:
            names += [str(path.relative_to(root)) for path in root.rglob("*.html")]
    return sorted(names)
