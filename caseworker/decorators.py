from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse

from idporten.decorators import login_required_at
from idporten.session import login_details
from idporten.types import LevelOfAssurance

View = Callable[..., HttpResponse]

PREVIEW_PERMISSION = "caseworker.preview_citizen"
AUDIT_PERMISSION = "caseworker.view_audit"


def caseworker_page(permission: str) -> Callable[[View], View]:
    """For users with `permission`, at the high level (a lower login is stepped up first).

    A logged-in user without it gets 404, not 403: the pages do not exist for them. So does
    one whose login carries no national identity number, since the audit trail names every
    caseworker by theirs. Someone not logged in is sent to log in, since a caseworker arrives
    that way.
    """

    def decorator(view: View) -> View:
        at_high_level = login_required_at(LevelOfAssurance.HIGH)(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.user.is_authenticated:
                details = login_details(request.session)
                if not request.user.has_perm(permission) or not (details and details.pid):
                    raise Http404
            return at_high_level(request, *args, **kwargs)

        return wrapped

    return decorator
