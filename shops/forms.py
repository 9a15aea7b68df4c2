from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _


class MerchantCreateForm(forms.Form):
    name = forms.CharField(label=_("Brand name"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
