from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from idporten.environments import ENVIRONMENTS
from idporten.nin import (
    InvalidNationalIdentityNumber,
    NationalIdentityNumber,
    parse_national_identity_number,
)

REASON_MAX_LENGTH = 200
# By InvalidNationalIdentityNumber.reason.
PID_ERRORS = {
    "length": _("A national identity number has 11 digits."),
    "checksum": _("This is not a valid national identity number. Check the digits."),
    "date": _("This national identity number does not hold a valid date of birth."),
}


class PreviewStartForm(forms.Form):
    pid = forms.CharField(
        label=_("The citizen's national identity number"),
        help_text=_("11 digits. D-numbers are accepted."),
        max_length=20,
        error_messages={
            "required": _("Enter the citizen's national identity number."),
            "max_length": PID_ERRORS["length"],
        },
        widget=forms.TextInput(
            attrs={"class": "ds-input", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    reason = forms.CharField(
        label=_("Reason or case reference"),
        help_text=_("Why you are looking the citizen up. The citizen will see it."),
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "required": _("Write the reason for the lookup, or the case reference."),
            "max_length": _("Keep the reason to at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"class": "ds-input", "autocomplete": "off"}),
    )

    def clean_pid(self) -> NationalIdentityNumber:
        try:
            number = parse_national_identity_number(self.cleaned_data["pid"])
        except InvalidNationalIdentityNumber as exc:
            raise ValidationError(PID_ERRORS[exc.reason], code=exc.reason) from None
        if number.synthetic and ENVIRONMENTS[settings.IDPORTEN_ENVIRONMENT].production:
            raise ValidationError(
                _("Synthetic test numbers cannot be looked up in production."), code="synthetic"
            )
        return number
