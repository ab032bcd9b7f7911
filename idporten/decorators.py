from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from idporten.middleware import login_url_for
from idporten.session import login_details
from idporten.types import LevelOfAssurance

View = Callable[..., HttpResponse]


def login_required_at(level: LevelOfAssurance) -> Callable[[View], View]:
    """Require a login at `level` or higher. A citizen logged in lower goes back through
    ID-porten asking for the high level (step-up) and returns to the same page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            details = login_details(request.session) if request.user.is_authenticated else None
            current = details.level if details else None
            if current is None or current < level:
                ask_for = "high" if level >= LevelOfAssurance.HIGH else None
                return HttpResponseRedirect(login_url_for(request, level=ask_for))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
