from __future__ import annotations

from django.http import HttpRequest

from caseworker.preview import preview_link_shown


def caseworker_link(request: HttpRequest) -> dict[str, object]:
    """Whether the header links to the caseworker pages (caseworker.preview)."""
    return {"caseworker_link": preview_link_shown(request.session)}
