from __future__ import annotations

from django import template
from django.conf import settings

from caseworker.selectors import previews_of_citizen
from idporten.session import login_details

register = template.Library()


@register.inclusion_tag("caseworker/_lookups_of_me.html", takes_context=True)
def lookups_of_me(context: template.Context) -> dict[str, object]:
    """ "Oppslag på deg": every preview of the logged-in citizen, matched on the pid of their
    own login and nothing else, so nobody ever sees lookups of another person here."""
    details = login_details(context["request"])
    lookups = list(previews_of_citizen(pid=details.pid)) if details and details.pid else []
    return {"lookups": lookups, "agency_name": settings.AGENCY_NAME}
