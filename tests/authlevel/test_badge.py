"""The badge over every combination of the API's answer and the current login's level."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from authlevel.badge import Badge, badge_for
from authlevel.types import AuthlevelLookup, UsedLevel
from idporten.types import LevelOfAssurance

HIGH, SUBSTANTIAL = LevelOfAssurance.HIGH, LevelOfAssurance.SUBSTANTIAL


@pytest.mark.parametrize(
    ("used", "temporary", "current", "expected"),
    [
        # The current login is high: high, whatever the API said (or could not say).
        (UsedLevel.HIGH, False, HIGH, Badge("high")),
        (UsedLevel.NOT_HIGH, False, HIGH, Badge("high")),
        (UsedLevel.NOT_REGISTERED, False, HIGH, Badge("high")),
        (UsedLevel.UNKNOWN, True, HIGH, Badge("high")),
        # A substantial login now: the API decides.
        (UsedLevel.HIGH, False, SUBSTANTIAL, Badge("high")),
        (UsedLevel.NOT_HIGH, False, SUBSTANTIAL, Badge("substantial")),
        (UsedLevel.NOT_REGISTERED, False, SUBSTANTIAL, Badge("substantial")),
        (UsedLevel.UNKNOWN, True, SUBSTANTIAL, Badge("unknown", temporary=True)),
        (UsedLevel.UNKNOWN, False, SUBSTANTIAL, Badge("unknown")),
        # No current login (a caseworker's preview of someone else).
        (UsedLevel.HIGH, False, None, Badge("high")),
        (UsedLevel.NOT_HIGH, False, None, Badge("substantial")),
        (UsedLevel.NOT_REGISTERED, False, None, Badge("not_registered")),
        (UsedLevel.UNKNOWN, True, None, Badge("unknown", temporary=True)),
        (UsedLevel.UNKNOWN, False, None, Badge("unknown")),
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
        (Badge("high"), "Høyt nivå (nivå 4) brukt siste 18 måneder", "success"),
        (Badge("substantial"), "Betydelig nivå (nivå 3)", "info"),
        (Badge("not_registered"), "Ikke registrert i ID-porten", "warning"),
        (Badge("unknown"), "Ukjent nivå", "neutral"),
    ],
)
def test_each_badge_says_its_level_in_words_not_only_colour(badge, text, colour):
    html = render(badge)
    assert f'<span class="ds-tag" data-color="{colour}">{text}</span>' in html
    assert 'href="/hjelp/#levels"' in html


def test_the_badge_tells_how_the_citizen_is_logged_in_now():
    html = render(Badge("high"), "BankID", HIGH)
    assert "Du er logget inn med BankID på høyt nivå (nivå 4)." in html
    assert "Du er logget inn med MinID på betydelig nivå (nivå 3)." in render(
        Badge("substantial"), "MinID", SUBSTANTIAL
    )


def test_an_unknown_badge_says_whether_to_try_again_later():
    assert "Prøv igjen senere" in render(Badge("unknown", temporary=True))
    assert "Prøv igjen senere" not in render(Badge("unknown"))
