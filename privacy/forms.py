"""Validation of the account deletion: the person proves it is them (or, without a password,
types the confirmation word)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

CONFIRM_WORD = "VERWIJDER"


class AccountDeleteForm(forms.Form):
    confirmation = forms.CharField(max_length=200, strip=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        field = self.fields["confirmation"]
        if user.has_usable_password():
            field.label = _("Uw wachtwoord")
            field.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
            field.help_text = _("Zo weten we zeker dat u het zelf bent.")
        else:
            field.label = _("Typ VERWIJDER")
            field.widget = forms.TextInput(attrs={"autocomplete": "off"})
            field.help_text = _("U hebt geen wachtwoord. Typ het woord VERWIJDER in "
                                "hoofdletters om te bevestigen.")

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise forms.ValidationError(_("Dit wachtwoord klopt niet."))
        elif value.strip() != CONFIRM_WORD:
            raise forms.ValidationError(_("Typ precies het woord VERWIJDER."))
        return value
