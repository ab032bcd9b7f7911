"""The parts of the history page that depend on nothing but the history, the query, the
language and the day: the filter with the table (loginhistory/_filter_and_results.html) and
the summary (loginhistory/_summary.html). Each is rendered once per history version (a fetch
of the history) in each process and kept in the process's own "fragments" cache; no CSRF
token or other per-request value may go into one, and nothing in them may read the database
(a connection opened on a pool thread would live on with the thread).

They are rendered on a thread of their own, for its short call stack, not to run beside the
request, which waits for them. CPython 3.11 keeps a thread's Python frames in chunks of 16 KiB
and frees a chunk each time the stack shrinks back out of it, so a loop whose calls cross a
chunk's edge maps and unmaps memory on every call (CPython issue gh-142183, fixed in 3.13 and
later). On a gunicorn thread the view already runs about 830 slots deep of the first chunk's
2,045 (gunicorn, WSGI, the middleware), and Django's templates, node inside node, render these
parts up to 1,800 slots deeper: the edge fell among the table's cells, which crossed it about
2,500 times on the first page after a login, and rendering took 32 ms of CPU instead of 12
(docs/architecture.md, "Where the speed comes from"). Near the bottom of a pool thread's own
first chunk they fit whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import clear_script_prefix, get_script_prefix, set_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

FRAGMENTS = caches["fragments"]
# As many as gunicorn.conf.py gives a process threads: one each at most.
_RENDERING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="history-fragments")


def history_fragment(
    name: str,
    template: str,
    *,
    vary_on: Sequence[object],
    context: Mapping[str, object],
    request: HttpRequest,
) -> SafeString:
    """The fragment as rendered before for the same `vary_on` values and language, or
    rendered now. Kept for as long as the history itself is (LOGINHISTORY_CACHE_SECONDS)."""
    key = make_template_fragment_key(name, [*vary_on, translation.get_language()])
    html: str | None = FRAGMENTS.get(key)
    if html is None:
        html = _rendered_on_a_short_stack(template, context, request)
        FRAGMENTS.set(key, html, settings.LOGINHISTORY_CACHE_SECONDS)
    # Our own rendering, escaped by the template engine, read back from the process's memory.
    return mark_safe(html)  # noqa: S308


def _rendered_on_a_short_stack(
    template: str, context: Mapping[str, object], request: HttpRequest
) -> str:
    """render_to_string on a pool thread, with what Django keeps per thread as the request's
    own thread has it: the language, the time zone and the URL prefix. (The URLs are the
    settings' ROOT_URLCONF there too: no request here sets one of its own.)"""
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    prefix = get_script_prefix()

    def rendered() -> str:
        set_script_prefix(prefix)
        try:
            with translation.override(language), timezone.override(zone):
                return render_to_string(template, dict(context), request)
        finally:
            clear_script_prefix()

    return _RENDERING.submit(rendered).result()
