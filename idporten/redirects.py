from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_local_path(value: str | None) -> str | None:
    """`value` if it is a path on this site, else None: no open redirects after login or logout.

    Stricter than Django's check with our own host allowed: only paths, never a URL with a
    host, a scheme or a protocol-relative "//" (browsers read "/\\evil" as "//evil" too).
    """
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(char) < 32 for char in value):
        return None
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts=set()) else None
