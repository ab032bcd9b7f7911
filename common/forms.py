"""The one form field for national identity numbers, and its messages, for every form and
model that takes one (the caseworker's preview, the caseworker grants, the emulator's TestID
page) and for the commands that parse one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.nin import (
    InvalidNationalIdentityNumber,
    NationalIdentityNumber,
    parse_national_identity_number,
)

# By InvalidNationalIdentityNumber.reason.
NATIONAL_IDENTITY_NUMBER_ERRORS = {
    "length": _("A national identity number has exactly 11 digits."),
    "checksum": _(
        "This is not a valid national identity number: the check digits do not match. "
        "Check that you typed it correctly."
    ),
    "date": _("This is not a valid national identity number: the birth date part is not a date."),
}


def national_identity_number_from(raw: str) -> NationalIdentityNumber:
    """Parsed, or a ValidationError with the message for what is wrong with it."""
    try:
        return parse_national_identity_number(raw)
    except InvalidNationalIdentityNumber as exc:
        raise ValidationError(
            NATIONAL_IDENTITY_NUMBER_ERRORS[exc.reason], code=exc.reason
        ) from None


def validate_national_identity_number(value: str) -> None:
    """For a model field that stores the number as its eleven digits."""
    national_identity_number_from(value)


class NationalIdentityNumberField(forms.CharField):
    """Cleans to a NationalIdentityNumber (spaces ignored); each error has its own message."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)  # room for spaces between the digit groups
        super().__init__(**kwargs)
        self.error_messages.setdefault("max_length", NATIONAL_IDENTITY_NUMBER_ERRORS["length"])

    def clean(self, value: Any) -> NationalIdentityNumber | None:
        text = super().clean(value)
        return national_identity_number_from(text) if text else None
