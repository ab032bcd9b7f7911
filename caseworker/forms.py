from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import NationalIdentityNumberField
from common.nin import NationalIdentityNumber
from idporten.environments import ENVIRONMENTS

REASON_MAX_LENGTH = 200


class PreviewStartForm(forms.Form):
    pid = NationalIdentityNumberField(
        label=_("The citizen's national identity number"),
        help_text=_("11 digits. D-numbers are accepted."),
        error_messages={"required": _("Enter the citizen's national identity number.")},
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
        number: NationalIdentityNumber = self.cleaned_data["pid"]  # required, so never None
        if number.synthetic and ENVIRONMENTS[settings.IDPORTEN_ENVIRONMENT].production:
            raise ValidationError(
                _("Synthetic test numbers cannot be looked up in production."), code="synthetic"
            )
        return number
