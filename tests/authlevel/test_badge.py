"""The badge over every combination of the API's answer and the current login's level."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from authlevel.badge import Badge, BadgeKind, badge_for
from idporten.authlevel_api import AuthlevelLookup, UsedLevel
from idporten.types import LevelOfAssurance

HIGH, SUBSTANTIAL = LevelOfAssurance.HIGH, LevelOfAssurance.SUBSTANTIAL


@pytest.mark.parametrize(
    ("used", "temporary", "current", "expected"),
    [
        # The current login is high: high, whatever the API said (or could not say).
        (UsedLevel.HIGH, False, HIGH, Badge(BadgeKind.HIGH)),
        (UsedLevel.NOT_HIGH, False, HIGH, Badge(BadgeKind.HIGH)),
        (UsedLevel.NOT_REGISTERED, False, HIGH, Badge(BadgeKind.HIGH)),
        (UsedLevel.UNKNOWN, True, HIGH, Badge(BadgeKind.HIGH)),
        # A substantial login now: the API decides.
        (UsedLevel.HIGH, False, SUBSTANTIAL, Badge(BadgeKind.HIGH)),
        (UsedLevel.NOT_HIGH, False, SUBSTANTIAL, Badge(BadgeKind.SUBSTANTIAL)),
        (UsedLevel.NOT_REGISTERED, False, SUBSTANTIAL, Badge(BadgeKind.SUBSTANTIAL)),
        (UsedLevel.UNKNOWN, True, SUBSTANTIAL, Badge(BadgeKind.UNKNOWN, temporary=True)),
        (UsedLevel.UNKNOWN, False, SUBSTANTIAL, Badge(BadgeKind.UNKNOWN)),
        # No current login (a caseworker's preview of someone else).
        (UsedLevel.HIGH, False, None, Badge(BadgeKind.HIGH)),
        (UsedLevel.NOT_HIGH, False, None, Badge(BadgeKind.SUBSTANTIAL)),
        (UsedLevel.NOT_REGISTERED, False, None, Badge(BadgeKind.NOT_REGISTERED)),
        (UsedLevel.UNKNOWN, True, None, Badge(BadgeKind.UNKNOWN, temporary=True)),
        (UsedLevel.UNKNOWN, False, None, Badge(BadgeKind.UNKNOWN)),
    ],
)
def test_badge_for_every_combination(used, temporary, current, expected):
    lookup = AuthlevelLookup(used, temporary=temporary)
    assert badge_for(lookup=lookup, current_level=current) == expected


def render(badge: Badge, eid: str = "", level=None) -> str:
    template = Template("{% load authlevel_tags %}{% authlevel_badge badge eid level %}")
    # Outside a request nothing activates a language: say which, whatever ran before.
    with translation.override("nb"):
        return template.render(Context({"badge": badge, "eid": eid, "level": level}))


@pytest.mark.parametrize(
    ("badge", "text", "colour"),
    [
        (Badge(BadgeKind.HIGH), "Høyt nivå (nivå 4) brukt de siste 18 månedene", "success"),
        (Badge(BadgeKind.SUBSTANTIAL), "Betydelig nivå (nivå 3)", "info"),
        (Badge(BadgeKind.NOT_REGISTERED), "Ikke registrert i ID-porten", "warning"),
        (Badge(BadgeKind.UNKNOWN), "Ukjent nivå", "neutral"),
    ],
)
def test_each_badge_says_its_level_in_words_not_only_colour(badge, text, colour):
    html = render(badge)
    assert f'<span class="ds-tag" data-color="{colour}">{text}</span>' in html
    assert 'href="/hjelp/#levels"' in html


def test_the_badge_tells_how_the_citizen_is_logged_in_now():
    html = render(Badge(BadgeKind.HIGH), "BankID", HIGH)
    assert "Du er logget inn med BankID på høyt nivå (nivå 4)." in html
    assert "Du er logget inn med MinID på betydelig nivå (nivå 3)." in render(
        Badge(BadgeKind.SUBSTANTIAL), "MinID", SUBSTANTIAL
    )


def test_an_unknown_badge_says_whether_to_try_again_later():
    assert "Prøv igjen senere" in render(Badge(BadgeKind.UNKNOWN, temporary=True))
    assert "Prøv igjen senere" not in render(Badge(BadgeKind.UNKNOWN))
