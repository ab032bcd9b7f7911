"""The TestID login form: who logs in, with which eID, at which level."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import NationalIdentityNumberField
from emulator.types import EIDS, EIDS_BY_CHOICE, TESTID, Eid, Level

LEVEL_NAMES = {Level.SUBSTANTIAL: "substantial", Level.HIGH: "high"}
LEVELS_BY_NAME = {name: level for level, name in LEVEL_NAMES.items()}


def level_description(level: Level) -> str:
    if level == Level.HIGH:
        return str(_("high (level 4)"))
    return str(_("substantial (level 3)"))


def eid_label(eid: Eid) -> str:
    """The TestID page's label of an eID: its name and the level it gives."""
    # TestID's level is the tester's choice in the level field below.
    level = level_description(eid.level) if eid.level else str(_("you choose the level below"))
    return f"{eid.choice} \N{EN DASH} {level}"


class TestIdLoginForm(forms.Form):
    pid = NationalIdentityNumberField(
        label=_("National identity number (11 digits)"),
        error_messages={"required": _("Enter a national identity number.")},
    )
    eid = forms.ChoiceField(
        label=_("Electronic ID"),
        choices=[(eid.choice, eid.choice) for eid in EIDS],
        error_messages={
            "required": _("Choose an electronic ID."),
            "invalid_choice": _("Choose one of the electronic IDs in the list."),
        },
    )
    level = forms.ChoiceField(
        label=_("Security level for TestID"),
        choices=[
            ("substantial", _("Substantial (level 3)")),
            ("high", _("High (level 4)")),
        ],
        required=False,
        error_messages={"invalid_choice": _("Choose substantial or high.")},
    )

    def __init__(self, *args: Any, required_level: Level, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.required_level = required_level
        # Labelled here, not in the class: the page's language is known only per request.
        eid_field = cast(forms.ChoiceField, self.fields["eid"])  # declared so above
        eid_field.choices = [(eid.choice, eid_label(eid)) for eid in EIDS]

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean gives cleaned_data
        eid = EIDS_BY_CHOICE.get(cleaned.get("eid", ""))
        if eid is None:
            return cleaned
        level = eid.level or LEVELS_BY_NAME.get(cleaned.get("level") or "", self.required_level)
        if level < self.required_level:
            field = "level" if eid == TESTID else "eid"
            self.add_error(
                field,
                _(
                    "The service asks for security level %(required)s, and %(eid)s gives "
                    "%(given)s. Choose an electronic ID with a high enough level."
                )
                % {
                    "required": level_description(self.required_level),
                    "eid": eid.choice,
                    "given": level_description(level),
                },
            )
        cleaned["login_level"] = level
        return cleaned

    def chosen_eid(self) -> Eid:
        return EIDS_BY_CHOICE[self.cleaned_data["eid"]]
