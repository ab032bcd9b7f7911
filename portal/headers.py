"""Response headers Django's SecurityMiddleware does not set: a strict Permissions-Policy on
every response, and no caching anywhere of what a logged-in citizen is shown."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# Every powerful feature, by its current standard name, switched off for the page and for
# anything it frames: the portal uses none of them (no script of ours asks for any).
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "clipboard-write",
    "compute-pressure",
    "cross-origin-isolated",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "storage-access",
    "sync-xhr",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response (unless a view set its own), and
    `Cache-Control: private, no-store` on every response to a logged-in user: the front page
    and the help page greet them by name and carry their logout form, and a shared computer's
    browser cache or a proxy must keep none of it. Directives already there stay (never_cache's
    no-cache, must-revalidate, max-age=0); `public` gives way to `private`.

    Belongs after AuthenticationMiddleware, which gives the request its user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Before and after the view: the logout's redirect (it carries the ID token as
        # id_token_hint) is answered to a user the view has just made anonymous.
        logged_in = _logged_in(request)
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        if logged_in or _logged_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _logged_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
