"""The TestID login form: who logs in, with which eID, at which level."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import NationalIdentityNumberField
from emulator.personas import PERSONAS_WITHOUT_PID, PersonaWithoutPid, persona_without_pid
from emulator.types import EIDS, EIDS_BY_CHOICE, Eid, Level

LEVEL_NAMES = {Level.SUBSTANTIAL: "substantial", Level.HIGH: "high"}
LEVELS_BY_NAME = {name: level for level, name in LEVEL_NAMES.items()}


def level_description(level: Level) -> str:
    if level == Level.HIGH:
        return str(_("high (level 4)"))
    if level == Level.SELF_REGISTERED:
        return str(_("no level of assurance (e-mail)"))
    return str(_("substantial (level 3)"))


def eid_label(eid: Eid) -> str:
    """The TestID page's label of an eID: its name and the level it gives."""
    # TestID's and eIDAS's level is the tester's choice in the level field below.
    level = level_description(eid.level) if eid.level else str(_("you choose the level below"))
    if not eid.national:
        level = str(_("%(level)s, without a national identity number")) % {"level": level}
    return f"{eid.choice} \N{EN DASH} {level}"


def person_label(person: PersonaWithoutPid) -> str:
    return f"{person.subject} ({person.description})"


class TestIdLoginForm(forms.Form):
    # Required for the eIDs with a national identity number, in clean(): e-mail and eIDAS
    # logins without one name their person in `person` instead.
    pid = NationalIdentityNumberField(
        label=_("National identity number (11 digits)"),
        required=False,
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
        label=_("Security level for TestID and eIDAS"),
        choices=[
            ("substantial", _("Substantial (level 3)")),
            ("high", _("High (level 4)")),
        ],
        required=False,
        error_messages={"invalid_choice": _("Choose substantial or high.")},
    )
    person = forms.ChoiceField(
        label=_("Test person without a national identity number, for e-mail and eIDAS"),
        choices=[(person.key, person.key) for person in PERSONAS_WITHOUT_PID],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the test people in the list.")},
    )

    def __init__(self, *args: Any, required_level: Level, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.required_level = required_level
        # Labelled here, not in the class: the page's language is known only per request.
        eid_field = cast(forms.ChoiceField, self.fields["eid"])  # declared so above
        eid_field.choices = [(eid.choice, eid_label(eid)) for eid in EIDS]
        person_field = cast(forms.ChoiceField, self.fields["person"])
        person_field.choices = [
            (person.key, person_label(person)) for person in PERSONAS_WITHOUT_PID
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean gives cleaned_data
        eid = EIDS_BY_CHOICE.get(cleaned.get("eid", ""))
        if eid is None:
            return cleaned
        if eid.national:
            if cleaned.get("pid") is None and "pid" not in self.errors:
                self.add_error("pid", _("Enter a national identity number."))
        else:
            person = persona_without_pid(cleaned.get("person") or "")
            if person is None or person.eid != eid.choice:
                self.add_error(
                    "person",
                    _("Choose one of the test people who log in with %(eid)s.")
                    % {"eid": eid.choice},
                )
        # The tester's level, else the requested one: never below substantial, which is the
        # lowest an eID the tester picks the level of can give.
        default = max(self.required_level, Level.SUBSTANTIAL)
        level = eid.level or LEVELS_BY_NAME.get(cleaned.get("level") or "", default)
        if level < self.required_level:
            field = "level" if eid.level is None else "eid"
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

    def person_key(self) -> str:
        """What the records keep where a pid goes: the number, or the persona's key."""
        if self.chosen_eid().national:
            return str(self.cleaned_data["pid"].value)
        return str(self.cleaned_data["person"])
