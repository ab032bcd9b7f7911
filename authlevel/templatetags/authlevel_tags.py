from __future__ import annotations

from django import template

from authlevel.badge import Badge
from idporten.types import LevelOfAssurance

register = template.Library()


@register.inclusion_tag("authlevel/_badge.html")
def authlevel_badge(
    badge: Badge, current_eid: str = "", current_level: LevelOfAssurance | None = None
) -> dict[str, object]:
    """The badge: the highest level used, and how the citizen is logged in now (if they are)."""
    return {
        "badge": badge,
        "current_eid": current_eid,
        "current_level": int(current_level) if current_level else None,
    }
